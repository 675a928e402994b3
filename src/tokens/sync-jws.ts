import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from "node:crypto";
import type { JWK } from "jose";
import type { SigningAlgorithm } from "./algorithms.js";

/**
 * JWS with node:crypto, synchronously. jose runs every signature through WebCrypto, which hops to the libuv
 * pool and back for each token; node:crypto checks an HMAC in about a microsecond and an Ed25519 signature
 * in tens of microseconds on the calling thread. Used only for tokens whose header is byte-for-byte one we
 * write (`{"alg","typ":"at+jwt","kid"}`), so algorithm, `typ` and `crit` are settled by that equality;
 * every other token goes through jose. The claims are judged afterwards by the same rules on both paths.
 */

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Checks a signature over `input` (the token's first two segments). */
export type SignatureCheck = (input: string, signature: Buffer) => boolean;

/** A compact HS256 JWS of `claims` under the given header segment: the same bytes jose would produce. */
export function signHs256(hmac: { key: KeyObject; header: string }, claims: object): string {
  const input = `${hmac.header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${input}.${createHmac("sha256", hmac.key).update(input).digest("base64url")}`;
}

/** The synchronous check for one key: HMAC compared in constant time, or a public-key verification. */
export function signatureCheck(algorithm: SigningAlgorithm, key: KeyObject | JWK): SignatureCheck {
  if (algorithm === "HS256") {
    const secret = key as KeyObject;
    return (input, signature) => {
      const expected = createHmac("sha256", secret).update(input).digest();
      return signature.length === expected.length && timingSafeEqual(signature, expected);
    };
  }
  const publicKey = createPublicKey({ key: key as JWK & Record<string, unknown>, format: "jwk" });
  if (algorithm === "EdDSA") return (input, signature) => verify(null, Buffer.from(input), publicKey, signature);
  if (algorithm === "ES256") {
    // JWS carries ECDSA signatures as raw r || s (64 bytes), not DER.
    return (input, signature) => signature.length === 64 && verify("sha256", Buffer.from(input), { key: publicKey, dsaEncoding: "ieee-p1363" }, signature);
  }
  return (input, signature) => verify("sha256", Buffer.from(input), publicKey, signature); // RS256: PKCS#1 v1.5
}

/**
 * The payload of a token whose signature `check` accepts, parsed; `null` when the signature is wrong or
 * the payload is not a JSON object. Claims are not judged here.
 */
export function verifySync(check: SignatureCheck, token: string, firstDot: number, secondDot: number): Record<string, unknown> | null {
  try {
    if (!check(token.slice(0, secondDot), Buffer.from(token.slice(secondDot + 1), "base64url"))) return null;
    // Decoded as jose does: invalid UTF-8 is an error, never replaced with U+FFFD.
    const payload: unknown = JSON.parse(strictUtf8.decode(Buffer.from(token.slice(firstDot + 1, secondDot), "base64url")));
    return typeof payload === "object" && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
