import { createHmac, type KeyObject } from "node:crypto";
import { SignJWT, errors, jwtVerify, type JWTHeaderParameters, type JWTPayload } from "jose";
import { AuthError } from "../errors.js";
import { randomId } from "../ids.js";
import type { AccessTokenClaims } from "../types.js";
import { headerFor, type KeyRing } from "./keys.js";

/** Registered claims a caller's custom claims can never set. */
const REGISTERED = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid"]);
/** Longest token we even try to parse; anything longer is refused before any work. */
const MAX_TOKEN_LENGTH = 8192;
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** What the access-token signer and verifier need to know. */
export interface AccessTokenSettings {
  issuer: string;
  audience: string | string[];
  ttlMs: number;
  clockToleranceMs: number;
  now: () => Date;
}

/** Input of {@link signAccessToken}. */
export interface AccessTokenInput {
  userId: string;
  sessionId?: string;
  claims?: Record<string, unknown>;
  ttlMs?: number;
}

/** Signs an RFC 9068 access token: header `typ: "at+jwt"` (and `kid`), claims iss, sub, aud, exp, iat, jti, sid. */
export async function signAccessToken(
  ring: KeyRing,
  settings: AccessTokenSettings,
  input: AccessTokenInput,
): Promise<{ token: string; expiresAt: Date; jti: string }> {
  if (input.sessionId !== undefined && (typeof input.sessionId !== "string" || input.sessionId === "")) {
    throw new TypeError("createAccessToken: sessionId must be a non-empty string");
  }
  if (input.claims !== undefined && (typeof input.claims !== "object" || input.claims === null || Array.isArray(input.claims))) {
    throw new TypeError("createAccessToken: claims must be a plain object");
  }
  const custom: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input.claims ?? {})) if (!REGISTERED.has(name)) custom[name] = value;
  const nowMs = settings.now().getTime();
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + Math.max(1, Math.round((input.ttlMs ?? settings.ttlMs) / 1000));
  const jti = randomId();
  const header: JWTHeaderParameters = headerFor(ring.algorithm, ring.signing.kid);
  const claims = { ...custom, ...(input.sessionId ? { sid: input.sessionId } : {}) };
  const registered = { iss: settings.issuer, sub: input.userId, aud: settings.audience, iat, exp, jti };
  const token = ring.hmac
    ? signHs256(ring.hmac, header, { ...claims, ...registered })
    : await new SignJWT(claims)
        .setProtectedHeader(header)
        .setIssuer(registered.iss)
        .setSubject(registered.sub)
        .setAudience(registered.aud)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(jti)
        .sign(ring.signing.key);
  if (token.length > MAX_TOKEN_LENGTH) {
    // the verifier refuses it unread; fail here, where the cause (too many custom claims) is visible
    throw new TypeError(`createAccessToken: the token would be ${token.length} characters; at most ${MAX_TOKEN_LENGTH} verify (keep custom claims small)`);
  }
  return { token, expiresAt: new Date(exp * 1000), jti };
}

/**
 * HS256 compact JWS with node:crypto: the same bytes jose would produce (header and claims as JSON,
 * base64url, HMAC-SHA256), computed synchronously in ~microseconds instead of a WebCrypto thread hop.
 * Verification stays with jose.
 */
function signHs256(key: KeyObject, header: object, claims: object): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * True when a base64url segment (already known to use only the alphabet) is the one canonical encoding
 * of its bytes: no impossible length and no stray bits in the last character. Decoders ignore those bits,
 * so without this check one signature has several spellings and a "flipped" last character still verifies.
 */
function isCanonicalBase64url(token: string, start: number, end: number): boolean {
  const rest = (end - start) % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const last = BASE64URL.indexOf(token[end - 1]!);
  return (last & (rest === 2 ? 0b1111 : 0b11)) === 0;
}

/** Every segment of a JWS-shaped token is canonical base64url (no split, no allocation). */
function allCanonical(token: string): boolean {
  const first = token.indexOf(".");
  const second = token.indexOf(".", first + 1);
  return isCanonicalBase64url(token, 0, first) && isCanonicalBase64url(token, first + 1, second) && isCanonicalBase64url(token, second + 1, token.length);
}

/** The clock tolerance in seconds, exactly as configured (fractions kept). */
function toleranceSeconds(settings: AccessTokenSettings): number {
  return settings.clockToleranceMs / 1000;
}

/**
 * Where the injected clock stands relative to already-verified `exp`/`nbf` claims, with jose's exact rule
 * (whole-second `now`; expired when `exp <= now - tolerance`; early when `nbf > now + tolerance`), so
 * the verified-token cache answers exactly as a fresh verification would.
 */
export function checkTimes(claims: { exp: number; nbf?: number; iat: number }, settings: AccessTokenSettings): "ok" | "expired" | "early" {
  const now = Math.floor(settings.now().getTime() / 1000);
  const tolerance = toleranceSeconds(settings);
  if (claims.nbf !== undefined && claims.nbf > now + tolerance) return "early";
  if (claims.iat > now + tolerance) return "early"; // issued in the future: a wrong clock, or a forgery
  if (claims.exp <= now - tolerance) return "expired";
  return "ok";
}

function invalid(cause?: unknown): AuthError {
  return new AuthError("TOKEN_INVALID", "The access token is invalid.", cause === undefined ? undefined : { cause });
}

/**
 * Verifies an access token against the baseline: exactly the configured algorithm (never `none`), the
 * signature before any claim, exact issuer, our audience, `exp` required, `nbf` honoured, `typ` at+jwt,
 * `sub` a non-empty string; key material in the header (`jwk`, `jku`, `x5u`) is never used; every segment
 * must be canonical base64url (one spelling per token).
 * Throws `TOKEN_EXPIRED` for an expired token and `TOKEN_INVALID` for everything else.
 */
export async function verifyAccessTokenJws(ring: KeyRing, settings: AccessTokenSettings, token: unknown): Promise<AccessTokenClaims> {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH || !JWS_SHAPE.test(token)) throw invalid();
  if (!allCanonical(token)) throw invalid();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      token,
      ring.knownHeaders.get(token.slice(0, token.indexOf("."))) ??
        ((header) => {
          if (ring.algorithm === "HS256") return ring.signing.key;
          const key = typeof header.kid === "string" ? ring.verifying.get(header.kid) : undefined;
          if (!key) throw invalid(); // unknown kid: a removed key, or not ours
          return key;
        }),
      {
        algorithms: [ring.algorithm],
        issuer: settings.issuer,
        audience: settings.audience,
        typ: "at+jwt",
        clockTolerance: toleranceSeconds(settings),
        currentDate: settings.now(),
        requiredClaims: ["exp", "iat", "sub", "jti"],
      },
    ));
  } catch (err) {
    if (err instanceof AuthError) throw err;
    if (err instanceof errors.JWTExpired) throw new AuthError("TOKEN_EXPIRED", "The access token has expired.", { cause: err });
    throw invalid(err);
  }
  if (typeof payload.sub !== "string" || payload.sub === "") throw invalid();
  if (checkTimes(payload as AccessTokenClaims, settings) === "early") throw invalid();
  if (payload.sid !== undefined && typeof payload.sid !== "string") throw invalid();
  return payload as AccessTokenClaims;
}
