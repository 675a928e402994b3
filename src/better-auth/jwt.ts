import {
  createRemoteJWKSet,
  errors,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import { readClock } from "../clock.js";
import { AuthError } from "../errors.js";
import { allCanonical } from "../tokens/base64url.js";
import type { Db } from "./db.js";
import { run } from "./errors.js";
import type { ResolvedBridgeOptions } from "./options.js";

/** The algorithms Better Auth's jwt plugin can sign with (`jwks.keyPairConfig.alg`). */
const PLUGIN_ALGORITHMS = ["EdDSA", "ES256", "ES512", "RS256", "PS256"];
const MAX_TOKEN_LENGTH = 8192;
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** How long a public key read from the `jwks` table is trusted before it is read again. */
const KEY_TTL_MS = 5 * 60_000;

const invalid = (cause?: unknown) => new AuthError("TOKEN_INVALID", "The token is invalid.", cause === undefined ? undefined : { cause });

/** A verifier of Better Auth jwt-plugin tokens. */
export type JwtVerifier = (token: string) => Promise<JWTPayload>;

/** Public keys by `kid`, read from the `jwks` table on demand (unknown kids are looked up, never cached). */
function tableKeys(db: Db, now: () => Date): JWTVerifyGetKey {
  const cache = new Map<string, { at: number; key: Promise<{ alg: string; key: CryptoKey | Uint8Array }> }>();
  return async (header: JWTHeaderParameters) => {
    const kid = header.kid;
    if (typeof kid !== "string" || kid === "" || kid.length > 255) throw invalid();
    const at = readClock(now); // a broken clock is CONFIG_ERROR, never a key cached forever
    let entry = cache.get(kid);
    if (!entry || at - entry.at > KEY_TTL_MS) {
      const key = (async () => {
        const row = await run("verifyJWT", () => db.kysely.selectFrom("jwks").select(["publicKey", "alg"]).where("id", "=", kid).executeTakeFirst());
        if (!row) throw invalid(); // unknown kid: not Better Auth's, or a deleted key
        const alg = typeof row.alg === "string" && row.alg !== "" ? row.alg : "EdDSA";
        return { alg, key: await importJWK(JSON.parse(String(row.publicKey)) as JWK, alg) };
      })();
      entry = { at, key };
      cache.set(kid, entry);
      key.catch(() => cache.delete(kid));
    }
    const { alg, key } = await entry.key;
    if (header.alg !== alg) throw invalid(); // each key is used with its one algorithm
    return key;
  };
}

/**
 * Builds `verifyJWT`: checks a Better Auth jwt-plugin token (`/api/auth/token`, `set-auth-jwt`) the way the
 * plugin's own `verifyJWT` does — key by `kid` from the `jwks` table (or the JWKS URL), the key's algorithm
 * only, issuer and audience (default: the baseURL origin) — and also requires `exp` and `sub`. Resolves the
 * payload; throws `TOKEN_EXPIRED` or `TOKEN_INVALID` (the token itself never appears in the error).
 */
export function createJwtVerifier(db: Db, o: Pick<ResolvedBridgeOptions, "jwt" | "now">): JwtVerifier {
  const getKey: JWTVerifyGetKey = o.jwt.jwksUrl ? createRemoteJWKSet(o.jwt.jwksUrl) : tableKeys(db, o.now);
  return async (token) => {
    const { issuer, audience } = o.jwt;
    if (issuer === null || audience === null) throw new AuthError("CONFIG_ERROR", "verifyJWT: set the bridge's baseURL, or jwt.issuer and jwt.audience");
    // One spelling per token: jose's decoder ignores stray bits in a segment's last character, so without the
    // canonical check a signature (and header, payload) would verify under several spellings.
    if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH || !JWS_SHAPE.test(token) || !allCanonical(token)) throw invalid();
    const currentDate = new Date(readClock(o.now));
    try {
      const { payload } = await jwtVerify(token, getKey, {
        algorithms: PLUGIN_ALGORITHMS,
        issuer,
        audience,
        requiredClaims: ["exp", "sub"],
        clockTolerance: o.jwt.clockToleranceSec,
        currentDate,
      });
      if (typeof payload.sub !== "string" || payload.sub === "") throw invalid();
      return payload;
    } catch (err) {
      if (err instanceof AuthError) throw err; // a database failure is not a bad token
      if (err instanceof errors.JWTExpired) throw new AuthError("TOKEN_EXPIRED", "The token has expired.", { cause: err });
      throw invalid(err);
    }
  };
}
