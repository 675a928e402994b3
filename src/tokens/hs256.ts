import { createHmac, timingSafeEqual, type KeyObject } from "node:crypto";

/**
 * HS256 with node:crypto: synchronous HMAC-SHA256 in about a microsecond, where WebCrypto (what jose uses)
 * hops to the thread pool for every token. Signing produces the same bytes jose would. Verification here
 * only handles tokens whose header is byte-for-byte the one we write (`{"alg":"HS256","typ":"at+jwt"}`),
 * so algorithm, `typ` and `crit` are settled by that equality; every other token goes through jose.
 */

/** A compact JWS of `header` and `claims` (JSON, base64url, HMAC-SHA256). */
export function signHs256(key: KeyObject, header: object, claims: object): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
}

/**
 * The payload of a token whose signature checks out (constant-time comparison), parsed; `null` when the
 * signature is wrong or the payload is not a JSON object. Claims are not judged here.
 */
export function verifyHs256Signature(key: KeyObject, token: string, firstDot: number, secondDot: number): Record<string, unknown> | null {
  const expected = createHmac("sha256", key).update(token.slice(0, secondDot)).digest();
  const given = Buffer.from(token.slice(secondDot + 1), "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.slice(firstDot + 1, secondDot), "base64url").toString("utf8"));
    return typeof payload === "object" && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
