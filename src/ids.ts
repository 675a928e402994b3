import { randomBytes, randomInt } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A random identifier of `length` characters from `[A-Za-z0-9]` (32 by default, the shape Better Auth
 * uses), drawn without modulo bias from the CSPRNG.
 *
 * @example
 * ```ts
 * const id = randomId(); // "q0E8c1aQ..." (32 chars)
 * ```
 */
export function randomId(length = 32): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** `bytes` random bytes as unpadded base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}
