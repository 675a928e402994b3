import { SignJWT, errors, jwtVerify, type JWTHeaderParameters, type JWTVerifyOptions } from "jose";
import { readClock, systemClock } from "../clock.js";
import { MAX_ACCESS_TTL_MS } from "../duration.js";
import { AuthError } from "../errors.js";
import { randomId } from "../ids.js";
import type { AccessTokenClaims } from "../types.js";
import { allCanonical } from "./base64url.js";
import { signHs256, verifySync } from "./sync-jws.js";
import { headerFor, type KeyRing } from "./key-ring.js";

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
  const ttlMs = input.ttlMs ?? settings.ttlMs;
  if (!Number.isFinite(ttlMs) || ttlMs < 0 || ttlMs > MAX_ACCESS_TTL_MS) {
    // Number.isFinite: false for a non-number
    throw new TypeError("createAccessToken: ttl must be a finite duration of at most 24 hours");
  }
  if (input.sessionId !== undefined && (typeof input.sessionId !== "string" || input.sessionId === "")) {
    throw new TypeError("createAccessToken: sessionId must be a non-empty string");
  }
  if (input.claims !== undefined && (typeof input.claims !== "object" || input.claims === null || Array.isArray(input.claims))) {
    throw new TypeError("createAccessToken: claims must be a plain object");
  }
  // Built by assignment, in the order custom, sid, registered (object spreads cost several µs a token).
  const claims: Record<string, unknown> = {};
  if (input.claims !== undefined) {
    for (const name of Object.keys(input.claims)) if (!REGISTERED.has(name) && name !== "__proto__") claims[name] = input.claims[name];
  }
  claims.sid = input.sessionId; // absent (undefined): JSON leaves it out of the token
  const iat = Math.floor(readClock(settings.now) / 1000);
  const exp = iat + Math.max(1, Math.round(ttlMs / 1000));
  const jti = randomId();
  let token: string;
  if (ring.hmac) {
    claims.iss = settings.issuer;
    claims.sub = input.userId;
    claims.aud = settings.audience;
    claims.iat = iat;
    claims.exp = exp;
    claims.jti = jti;
    token = signHs256(ring.hmac, claims);
  } else {
    token = await new SignJWT(claims)
      .setProtectedHeader(headerFor(ring.algorithm, ring.signing.kid) satisfies JWTHeaderParameters)
      .setIssuer(settings.issuer)
      .setSubject(input.userId)
      .setAudience(settings.audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(ring.signing.key);
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    // the verifier refuses it unread; fail here, where the cause (too many custom claims) is visible
    throw new TypeError(`createAccessToken: the token would be ${token.length} characters; at most ${MAX_TOKEN_LENGTH} verify (keep custom claims small)`);
  }
  return { token, expiresAt: new Date(exp * 1000), jti };
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
  const now = Math.floor(readClock(settings.now) / 1000); // a broken clock throws CONFIG_ERROR, never "not expired"
  const tolerance = toleranceSeconds(settings);
  // jose's order: nbf, then exp; our stricter iat rule last, as it runs after jose on the jose path
  if (claims.nbf !== undefined && claims.nbf > now + tolerance) return "early";
  if (claims.exp <= now - tolerance) return "expired";
  if (claims.iat > now + tolerance) return "early"; // issued in the future: a wrong clock, or a forgery
  return "ok";
}

function invalid(cause?: unknown): AuthError {
  return new AuthError("TOKEN_INVALID", "The access token is invalid.", { cause }); // an undefined cause is left out by AuthError
}

const isNumber = (v: unknown): v is number => Number.isFinite(v); // false for anything but a finite number

/**
 * The claim rules, applied after the signature: exact `iss`; `aud` (a string or an array) includes one of
 * ours; `exp`, `iat` numbers, `jti`, `sub` non-empty strings; `nbf` a number if present; `sid` a string if
 * present; then the clock ({@link checkTimes}). jose applies the same rules on its path (its options below),
 * and these run again after it, so both paths answer alike.
 */
function checkClaims(payload: Record<string, unknown>, settings: AccessTokenSettings): AccessTokenClaims {
  const { iss, aud, exp, iat, nbf, sub, jti, sid } = payload;
  if (iss !== settings.issuer) throw invalid();
  const ours = Array.isArray(settings.audience) ? settings.audience : [settings.audience];
  const theirs = Array.isArray(aud) ? aud : [aud];
  if (!theirs.some((a) => (ours as readonly unknown[]).includes(a))) throw invalid(); // ours are strings: nothing else matches
  // In jose's order, so a token that breaks several rules gets the same code on both paths: presence and
  // types of the dates, then the clock (TOKEN_EXPIRED), then the rules jose leaves to us (sub, jti, sid).
  if (!Object.hasOwn(payload, "sub") || !Object.hasOwn(payload, "jti")) throw invalid();
  if (!isNumber(exp) || !isNumber(iat) || (nbf !== undefined && !isNumber(nbf))) throw invalid();
  const times = checkTimes(payload as AccessTokenClaims, settings);
  if (times === "expired") throw new AuthError("TOKEN_EXPIRED", "The access token has expired.");
  if (times === "early") throw invalid();
  if (typeof sub !== "string" || sub === "" || typeof jti !== "string" || (sid !== undefined && typeof sid !== "string")) throw invalid();
  return payload as AccessTokenClaims;
}

const staticOptions = new WeakMap<AccessTokenSettings, JWTVerifyOptions>();

/** jose's options for our rules: built once per settings; only an injected clock adds a per-call date. */
function verifyOptions(ring: KeyRing, settings: AccessTokenSettings): JWTVerifyOptions {
  let options = staticOptions.get(settings);
  if (!options || options.algorithms![0] !== ring.algorithm) {
    options = {
      algorithms: [ring.algorithm],
      issuer: settings.issuer,
      audience: settings.audience,
      typ: "at+jwt",
      clockTolerance: toleranceSeconds(settings),
      requiredClaims: ["exp", "iat", "sub", "jti"],
    };
    staticOptions.set(settings, options);
  }
  return settings.now === systemClock ? options : { ...options, currentDate: new Date(readClock(settings.now)) };
}

/**
 * Verifies an access token against the baseline: exactly the configured algorithm (never `none`), the
 * signature before any claim, exact issuer, our audience, `exp` required, `nbf` honoured, `typ` at+jwt,
 * `sub` a non-empty string; key material in the header (`jwk`, `jku`, `x5u`) is never used; every segment
 * must be canonical base64url (one spelling per token).
 * Throws `TOKEN_EXPIRED` for an expired token and `TOKEN_INVALID` for everything else.
 */
export function verifyAccessTokenJws(ring: KeyRing, settings: AccessTokenSettings, token: unknown): Promise<AccessTokenClaims> {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH || !JWS_SHAPE.test(token) || !allCanonical(token)) {
    return Promise.reject(invalid());
  }
  const firstDot = token.indexOf(".");
  const header = token.slice(0, firstDot);
  const check = ring.syncChecks.get(header);
  if (check) {
    // One of our own headers, byte for byte: check the signature synchronously, then the claims, as jose would.
    const payload = verifySync(check, token, firstDot, token.indexOf(".", firstDot + 1));
    if (!payload) return Promise.reject(invalid());
    return new Promise((resolve) => resolve(checkClaims(payload, settings)));
  }
  let options: JWTVerifyOptions;
  try {
    options = verifyOptions(ring, settings); // reads the clock: a broken one rejects (CONFIG_ERROR), never throws
  } catch (err) {
    return Promise.reject(err);
  }
  const verified = jwtVerify(
    token,
    (header) => {
      if (header.kid === undefined && ring.legacy) return ring.legacy; // HS256 made before key ids: the first secret's raw bytes
      const found = ring.verifying.get(header.kid as string); // a kid that is no string matches no key
      if (!found) throw invalid(); // unknown kid: a removed key, or not ours
      return found;
    },
    options,
  );
  return verified.then(
    ({ payload }) => checkClaims(payload, settings),
    (err: unknown) => {
      if (err instanceof AuthError) throw err;
      if (err instanceof errors.JWTExpired) {
        // jose takes an infinite date (1e400 in the JSON) for a number; we never do, on either path
        if (!["exp", "iat", "nbf"].every((c) => err.payload[c] === undefined || isNumber(err.payload[c]))) throw invalid(err);
        throw new AuthError("TOKEN_EXPIRED", "The access token has expired.", { cause: err });
      }
      throw invalid(err);
    },
  );
}
