import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Better Auth's signed session token, as its cookie (better-call's `signCookieValue`) and the bearer plugin
 * carry it: `encodeURIComponent(token + "." + base64(HMAC-SHA256(utf8(secret), token)))`, standard base64
 * with padding (44 characters). The bearer plugin also accepts the signature in base64url; so do we.
 */

const SIGNATURE = /^(?:[A-Za-z0-9+/]{43}=|[A-Za-z0-9_-]{43})$/;
/**
 * The last of the 43 characters carries 2 bits the 32 HMAC bytes do not use; decoders ignore them, so only the
 * character with both at zero is the signature's one spelling (any other would be a second "valid" cookie).
 */
const CANONICAL_LAST = /[AEIMQUYcgkosw048]=?$/;
/** Session tokens are 32 characters of [A-Za-z0-9]; anything much longer or with odd bytes is not one. */
const TOKEN = /^[\x21-\x7e]{1,255}$/;
/** Browsers cap cookies at 4 KiB; a longer value is not ours and is refused unread. */
const MAX_VALUE = 4096;

/** The cookie names and attributes a Better Auth configuration uses. */
export interface CookieSettings {
  prefix: string;
  secure: boolean;
  /** Max-Age of the session cookie, in seconds (Better Auth: `session.expiresIn`). */
  maxAgeSec: number;
}

/** `<prefix>.session_token`, with `__Secure-` when secure cookies are on: exactly the name Better Auth sets. */
export function sessionCookieName(settings: CookieSettings): string {
  return `${settings.secure ? "__Secure-" : ""}${settings.prefix}.session_token`;
}

function hmac(secret: string, token: string): Buffer {
  return createHmac("sha256", secret).update(token, "utf8").digest();
}

/** The cookie value (URL-encoded) that Better Auth accepts for `token`. */
export function signSessionToken(token: string, secret: string): string {
  return encodeURIComponent(`${token}.${hmac(secret, token).toString("base64")}`);
}

function tryDecode(value: string): string | null {
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/**
 * Checks a signed token (a cookie value or a bearer credential, URL-encoded or not) and resolves the bare
 * session token, or `null` for anything unsigned, malformed or signed with another secret. The HMAC is
 * compared in constant time.
 */
export function verifySignedToken(value: string, secret: string): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_VALUE) return null;
  const decoded = tryDecode(value);
  if (decoded === null) return null;
  const dot = decoded.lastIndexOf(".");
  if (dot < 1) return null;
  const token = decoded.slice(0, dot);
  const signature = decoded.slice(dot + 1);
  if (!TOKEN.test(token) || !SIGNATURE.test(signature) || !CANONICAL_LAST.test(signature)) return null;
  const given = Buffer.from(signature, signature.endsWith("=") ? "base64" : "base64url");
  const expected = hmac(secret, token);
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : null;
}

/** The value of cookie `name` in a `Cookie` header, or `null`. */
export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value;
  }
  return null;
}

/** The credential of an `Authorization: Bearer ...` header (scheme case-insensitive), or `null`. */
export function readBearer(header: string | null): string | null {
  if (header?.slice(0, 7).toLowerCase() !== "bearer ") return null;
  const credential = header.slice(7).trim();
  return credential === "" ? null : credential;
}

/**
 * The verified session token of a request, looked for as Better Auth's bearer plugin and cookie reader do:
 * a signed `Authorization: Bearer` credential first (the bearer plugin replaces the cookie with it), else the
 * session cookie. The `__Secure-` name is always read; the plain name only when the configuration does not
 * use secure cookies (on https a plain-named cookie can be planted by a sibling or plain-http origin).
 * Unsigned bearer tokens (the plugin's lenient mode) are refused.
 */
export function sessionTokenFrom(headers: Headers, settings: CookieSettings, secret: string): string | null {
  const bearer = readBearer(headers.get("authorization"));
  const fromBearer = bearer === null ? null : verifySignedToken(bearer, secret);
  if (fromBearer !== null) return fromBearer;
  const cookies = headers.get("cookie");
  const secure = readCookie(cookies, `__Secure-${settings.prefix}.session_token`);
  if (secure !== null) return verifySignedToken(secure, secret);
  if (settings.secure) return null;
  const plain = readCookie(cookies, `${settings.prefix}.session_token`);
  return plain === null ? null : verifySignedToken(plain, secret);
}

/**
 * The `Set-Cookie` header value Better Auth itself sends for a session (better-call's attribute order):
 * `name=value; Max-Age=...; Path=/; HttpOnly[; Secure]; SameSite=Lax`.
 */
export function serializeSessionCookie(token: string, secret: string, settings: CookieSettings): string {
  const secure = settings.secure ? "; Secure" : "";
  return `${sessionCookieName(settings)}=${signSessionToken(token, secret)}; Max-Age=${Math.floor(settings.maxAgeSec)}; Path=/; HttpOnly${secure}; SameSite=Lax`;
}
