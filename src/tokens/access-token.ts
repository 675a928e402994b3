import { SignJWT, errors, jwtVerify, type JWTHeaderParameters, type JWTPayload } from "jose";
import { AuthError } from "../errors.js";
import { randomId } from "../ids.js";
import type { AccessTokenClaims } from "../types.js";
import type { KeyRing } from "./keys.js";

/** Registered claims a caller's custom claims can never set. */
const REGISTERED = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid", "client_id", "scope"]);
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
  const custom: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input.claims ?? {})) if (!REGISTERED.has(name)) custom[name] = value;
  const nowMs = settings.now().getTime();
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + Math.max(1, Math.round((input.ttlMs ?? settings.ttlMs) / 1000));
  const jti = randomId();
  const header: JWTHeaderParameters = { alg: ring.algorithm, typ: "at+jwt" };
  if (ring.signing.kid) header.kid = ring.signing.kid;
  const token = await new SignJWT({ ...custom, ...(input.sessionId ? { sid: input.sessionId } : {}) })
    .setProtectedHeader(header)
    .setIssuer(settings.issuer)
    .setSubject(input.userId)
    .setAudience(settings.audience)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(jti)
    .sign(ring.signing.key);
  return { token, expiresAt: new Date(exp * 1000), jti };
}

function invalid(cause?: unknown): AuthError {
  return new AuthError("TOKEN_INVALID", "The access token is invalid.", cause === undefined ? undefined : { cause });
}

/**
 * Verifies an access token against the baseline: exactly the configured algorithm (never `none`), the
 * signature before any claim, exact issuer, our audience, `exp` required, `nbf` honoured, `typ` at+jwt,
 * `sub` a non-empty string; key material in the header (`jwk`, `jku`, `x5u`) is never used.
 * Throws `TOKEN_EXPIRED` for an expired token and `TOKEN_INVALID` for everything else.
 */
export async function verifyAccessTokenJws(ring: KeyRing, settings: AccessTokenSettings, token: unknown): Promise<AccessTokenClaims> {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH || !JWS_SHAPE.test(token)) throw invalid();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      token,
      (header) => {
        if (ring.algorithm === "HS256") return ring.signing.key;
        const key = typeof header.kid === "string" ? ring.verifying.get(header.kid) : undefined;
        if (!key) throw invalid(); // unknown kid: a removed key, or not ours
        return key;
      },
      {
        algorithms: [ring.algorithm],
        issuer: settings.issuer,
        audience: settings.audience,
        typ: "at+jwt",
        clockTolerance: Math.round(settings.clockToleranceMs / 1000),
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
  if (payload.sid !== undefined && typeof payload.sid !== "string") throw invalid();
  return payload as AccessTokenClaims;
}
