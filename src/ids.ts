import { randomFillSync } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** The largest multiple of 62 that fits a byte: bytes at or above it are dropped, so no symbol is favoured. */
const UNBIASED_LIMIT = 248;

/**
 * Random bytes are drawn from the CSPRNG 4 KiB at a time and handed out once each, the way Node's own
 * `crypto.randomUUID` buffers its entropy: one `randomFillSync` call per ~120 refresh tokens instead of
 * one per token. Every byte leaves the pool once and is zeroed as it leaves.
 */
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/** Starts of `n` (<= POOL_SIZE) unused pool bytes, refilling the pool when fewer remain. */
function reserve(n: number): number {
  if (offset + n > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += n;
  return start;
}

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
  while (out.length < length) {
    const want = Math.min(length - out.length + 8, 256); // a few spare bytes: about 3% are dropped
    const start = reserve(want);
    for (let i = start; i < start + want && out.length < length; i++) {
      const byte = pool[i]!;
      if (byte < UNBIASED_LIMIT) out += ALPHABET[byte % ALPHABET.length];
    }
    pool.fill(0, start, start + want);
  }
  return out;
}

/** `bytes` random bytes as unpadded base64url. */
export function randomToken(bytes = 32): string {
  if (bytes > 256) return randomFillSync(Buffer.alloc(bytes)).toString("base64url");
  const start = reserve(bytes);
  const token = pool.toString("base64url", start, start + bytes);
  pool.fill(0, start, start + bytes);
  return token;
}
