import { AuthError } from "../errors.js";

/** Options of cookie mode's refresh-token cookie. */
export interface RefreshCookieOptions {
  /**
   * The cookie's name (default `"__Host-auth-refresh"`). It must start with `__Host-`: browsers then accept the
   * cookie only with `Secure`, `Path=/` and no `Domain`, so a sibling subdomain or a plain-HTTP page cannot
   * plant or shadow it (docs/http.md says why the whole-origin path is the better trade).
   */
  name?: string | undefined;
  /** `"Lax"` (default) or `"Strict"`. Never `None`: the cookie is for your own origin's pages. */
  sameSite?: "Lax" | "Strict" | undefined;
}

/** A checked cookie configuration. */
export interface RefreshCookie {
  name: string;
  sameSite: "Lax" | "Strict";
}

const COOKIE_NAME = /^__Host-[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/; // RFC 6265 token characters
const COOKIE_VALUE = /^[A-Za-z0-9\-._~]{1,512}$/; // our refresh tokens are base64url-ish; anything else is not ours

/** Checks the cookie options; `TypeError` for a name without the `__Host-` prefix or another SameSite. */
export function refreshCookie(options: RefreshCookieOptions = {}): RefreshCookie {
  const name = options.name ?? "__Host-auth-refresh";
  if (typeof name !== "string" || !COOKIE_NAME.test(name)) throw new TypeError("cookie.name: a cookie name starting with __Host- (RFC 6265 token characters)");
  const sameSite = options.sameSite ?? "Lax";
  if (sameSite !== "Lax" && sameSite !== "Strict") throw new TypeError('cookie.sameSite: "Lax" or "Strict"');
  return { name, sameSite };
}

/**
 * The `Set-Cookie` value carrying a refresh token: HttpOnly, Secure, Path=/, no Domain. A remembered session's
 * cookie lasts until `expiresAt`; a session started with `rememberMe: false` gets a session cookie (no `Expires`,
 * no `Max-Age`), which the browser drops when it closes — the server still ends it at its short absolute expiry.
 */
export function setRefreshCookie(cookie: RefreshCookie, token: string, expiresAt: Date | null): string {
  if (!COOKIE_VALUE.test(token)) throw new AuthError("CONFIG_ERROR", "The refresh token cannot be carried in a cookie.");
  const expires = expiresAt === null ? "" : `; Expires=${expiresAt.toUTCString()}`;
  return `${cookie.name}=${token}; Path=/${expires}; HttpOnly; Secure; SameSite=${cookie.sameSite}`;
}

/** The `Set-Cookie` value that deletes the refresh cookie. */
export function clearRefreshCookie(cookie: RefreshCookie): string {
  return `${cookie.name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=${cookie.sameSite}`;
}

/** The refresh token in the request's `Cookie` header, or null (absent, or not shaped like one of ours). */
export function readRefreshCookie(cookie: RefreshCookie, request: Request): string | null {
  const header = request.headers.get("cookie");
  if (header === null || header.length > 16_384) return null;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0 || pair.slice(0, eq).trim() !== cookie.name) continue;
    const value = pair.slice(eq + 1).trim();
    return COOKIE_VALUE.test(value) ? value : null; // the first one: a __Host- cookie cannot be shadowed by path
  }
  return null;
}

/**
 * Checks the origins of cookie mode once: each an origin exactly as browsers send it (`https://app.example.com`,
 * no path, no trailing slash). `TypeError` otherwise.
 */
export function checkOrigins(origins: readonly string[] | undefined): ReadonlySet<string> {
  if (origins === undefined) return new Set();
  if (!Array.isArray(origins)) throw new TypeError("trustedOrigins: a list of origins such as https://app.example.com");
  for (const origin of origins) {
    let parsed: URL | null = null;
    try {
      parsed = typeof origin === "string" ? new URL(origin) : null;
    } catch {
      parsed = null;
    }
    if (!parsed || parsed.origin === "null" || parsed.origin !== origin) {
      throw new TypeError(`trustedOrigins: ${JSON.stringify(origin).slice(0, 80)} is not an origin (scheme://host[:port], nothing after)`);
    }
  }
  return new Set(origins);
}

/**
 * Cookie mode's CSRF guard for a state-changing request: its `Origin` is one of `trusted`, or the browser says
 * `Sec-Fetch-Site: same-origin`. Otherwise `FORBIDDEN` (403). Both headers are set by browsers, which a page on
 * another origin cannot make lie; a client outside a browser can send anything, but holds no victim's cookie.
 */
export function checkOrigin(request: Request, trusted: ReadonlySet<string>): void {
  const origin = request.headers.get("origin");
  if (origin !== null && trusted.has(origin)) return;
  if (request.headers.get("sec-fetch-site") === "same-origin") return;
  throw new AuthError("FORBIDDEN", "This request must come from a trusted origin.");
}
