import { decodeJwt, decodeProtectedHeader, importJWK, type CryptoKey } from "jose";
import { AuthSkill } from "../auth-skill.js";
import { systemClock } from "../clock.js";
import { withEnvironment } from "../environment.js";
import { AuthError } from "../errors.js";
import { verifyAccessTokenJws } from "../tokens/access-token-jwt.js";
import { publicJwk, type KeyRing } from "../tokens/key-ring.js";
import type { AccessTokenClaims } from "../types.js";
import { CliFailure, readStdin, usageError, withoutLineEnding } from "./io.js";
import { loadJwks } from "./jwks-source.js";
import { algorithmOf } from "./keys.js";

/** The longest token read; the library's verifier refuses anything over 8 KiB unread. */
const MAX_TOKEN_LENGTH = 8192;
/** The variables the library reads a secret from (secret.ts), in its order. */
const SECRET_VARIABLES = ["AUTH_SECRETS", "AUTH_SECRET", "BETTER_AUTH_SECRETS", "BETTER_AUTH_SECRET"] as const;
const CLOCK_TOLERANCE_MS = 5000;

/**
 * The token argument, or stdin's first line for "-" (so it stays out of the shell history and `ps`).
 *
 * @example
 * ```ts
 * const jwt = await tokenArgument("-"); // reads stdin
 * ```
 */
export async function tokenArgument(value: string): Promise<string> {
  const token = value === "-" ? withoutLineEnding(await readStdin(process.stdin, MAX_TOKEN_LENGTH + 2)).trim() : value;
  if (token === "") throw usageError("no token given");
  return token;
}

/**
 * The header and claims of a JWT, decoded WITHOUT checking its signature or claims.
 *
 * @example
 * ```ts
 * const { header, claims } = inspectToken(jwt); // UNVERIFIED: anyone can write these
 * ```
 */
export function inspectToken(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  if (token.length > MAX_TOKEN_LENGTH) throw new CliFailure(`the token is longer than ${MAX_TOKEN_LENGTH} characters`);
  try {
    return { header: decodeProtectedHeader(token) as Record<string, unknown>, claims: decodeJwt(token) as Record<string, unknown> };
  } catch {
    throw new CliFailure("not a JWT (three base64url segments: a JSON header, JSON claims and a signature)");
  }
}

/** What `token verify` checks the claims against. */
export interface VerifyOptions {
  issuer?: string | undefined;
  audience?: string[] | undefined;
  jwks?: string | undefined;
}

/** Our issuer and audience: the options, else AUTH_ISSUER / AUTH_AUDIENCE, else the library's default ("auth-skill"). */
function expected(options: VerifyOptions): { issuer: string; audience: string | string[] } {
  const given = {
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience.length === 1 ? options.audience[0]! : options.audience }),
  };
  const { accessToken } = withEnvironment({ accessToken: given });
  return { issuer: accessToken?.issuer ?? "auth-skill", audience: accessToken?.audience ?? "auth-skill" };
}

/** Verifies with the public key the JWKS holds under the token's `kid`; the key, never the token, sets the algorithm. */
async function verifyWithJwks(token: string, source: string, claims: { issuer: string; audience: string | string[] }): Promise<AccessTokenClaims> {
  const keys = await loadJwks(source);
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch (cause) {
    throw new AuthError("TOKEN_INVALID", "The access token is invalid.", { cause });
  }
  const jwk = typeof kid === "string" ? keys.find((k) => k.kid === kid) : undefined;
  const algorithm = jwk ? algorithmOf(jwk) : null;
  if (!jwk || !algorithm) throw new AuthError("TOKEN_INVALID", "The access token is invalid."); // no key of ours signed it
  let key: CryptoKey;
  try {
    key = (await importJWK(publicJwk(jwk, algorithm), algorithm)) as CryptoKey;
  } catch {
    throw new CliFailure(`the JWKS key ${JSON.stringify(kid)} is not a valid ${algorithm} public key`);
  }
  // A verify-only ring: nothing signs with it; every token takes the library's full (jose) verification path.
  const ring: KeyRing = { algorithm, signing: { key, kid: kid as string }, verifying: new Map([[kid as string, key]]), publicJwks: [], syncChecks: new Map() };
  return verifyAccessTokenJws(ring, { ...claims, ttlMs: 0, clockToleranceMs: CLOCK_TOLERANCE_MS, now: systemClock }, token);
}

/**
 * Verifies an access token as `auth.verifyAccessToken` does — with a JWKS (file or URL) when given, else with the
 * secrets of the environment (AUTH_SECRETS, AUTH_SECRET, BETTER_AUTH_SECRETS, BETTER_AUTH_SECRET). Rejects with the
 * library's `AuthError` (`TOKEN_INVALID`, `TOKEN_EXPIRED`, `CONFIG_ERROR`).
 *
 * @example
 * ```ts
 * const claims = await verifyToken(jwt, { jwks: "https://auth.example.com/.well-known/jwks.json" });
 * ```
 */
export async function verifyToken(token: string, options: VerifyOptions): Promise<AccessTokenClaims> {
  const claims = expected(options);
  if (options.jwks !== undefined) return verifyWithJwks(token, options.jwks, claims);
  if (!SECRET_VARIABLES.some((name) => (process.env[name] ?? "") !== "")) {
    throw new CliFailure(`no key to verify with: set ${SECRET_VARIABLES.slice(0, 2).join(" or ")} (HS256), or pass --jwks <file|url>`);
  }
  const auth = new AuthSkill({ accessToken: { issuer: claims.issuer, audience: claims.audience } });
  return auth.verifyAccessToken(token);
}
