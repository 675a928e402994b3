/**
 * Tokens exactly as the library made them before key ids and HKDF (copied from the old code, so the tests do
 * not depend on the transition code they check): refresh tokens `<sessionId>.<generation>.<random>.<tag>` keyed
 * with HMAC-SHA256(secret, "auth-skill/refresh-token/<purpose>/v1"), and HS256 access tokens under the raw
 * UTF-8 bytes of the secret with the header {"alg":"HS256","typ":"at+jwt"} (no kid).
 */
import { createCipheriv, createHmac, randomBytes } from "node:crypto";
import { hmacToken } from "./helpers.js";

export const legacyKey = (secret: string, purpose: "hash" | "tag" | "seal") =>
  createHmac("sha256", secret).update(`auth-skill/refresh-token/${purpose}/v1`).digest();

/** A refresh token minted by the old codec. */
export function legacyRefreshToken(secret: string, sessionId: string, generation: number): string {
  const body = `${sessionId}.${generation}.${randomBytes(32).toString("base64url")}`;
  return `${body}.${createHmac("sha256", legacyKey(secret, "tag")).update(body).digest().subarray(0, 16).toString("base64url")}`;
}

/** The hash the old codec stored for a refresh token. */
export function legacyRefreshHash(secret: string, token: string): string {
  return createHmac("sha256", legacyKey(secret, "hash")).update(token).digest("base64url");
}

/** A successor sealed by the old codec (no kid in front). */
export function legacySeal(secret: string, token: string, sessionId: string, generation: number): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", legacyKey(secret, "seal"), iv).setAAD(Buffer.from(`${sessionId}.${generation}`));
  const data = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64url");
}

/** An HS256 access token as the old signer wrote it: no kid, the raw secret as the key. */
export function legacyAccessToken(secret: string, claims: Record<string, unknown>): string {
  return hmacToken({ alg: "HS256", typ: "at+jwt" }, claims, secret);
}

/** HKDF-SHA256 (RFC 5869) written out with HMAC, empty salt: the documented derivation, independent of node's hkdf. */
export function hkdf(secret: string, info: string, length = 32): Buffer {
  const prk = createHmac("sha256", Buffer.alloc(32)).update(secret, "utf8").digest();
  return createHmac("sha256", prk)
    .update(Buffer.concat([Buffer.from(info, "utf8"), Buffer.from([1])]))
    .digest()
    .subarray(0, length);
}

/** The documented key id: 6 bytes of HKDF under "auth-skill/kid/v1", as base64url. */
export const kidOf = (secret: string) => hkdf(secret, "auth-skill/kid/v1", 6).toString("base64url");
