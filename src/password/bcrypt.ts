import bcrypt from "bcryptjs";
import type { PasswordHasher } from "./hasher.js";

/** bcrypt reads at most this many bytes of a password; longer ones are refused, never truncated. */
export const BCRYPT_MAX_BYTES = 72;
const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;

/** True when `hash` looks like a `$2a$`, `$2b$` or `$2y$` bcrypt hash. */
export function isBcryptHash(hash: string): boolean {
  return BCRYPT.test(hash);
}

/** The cost factor of a bcrypt hash, or `null`. */
export function bcryptCost(hash: string): number | null {
  const m = BCRYPT.exec(hash);
  return m ? Number(m[1]) : null;
}

/**
 * bcrypt through `bcryptjs`, for compatibility with systems that use it. It runs on the main thread, so it
 * is never the default. `hash` throws `RangeError` for passwords over 72 UTF-8 bytes (bcrypt would ignore
 * the rest); `AuthSkill` turns that into `WEAK_PASSWORD`.
 *
 * @example
 * ```ts
 * const hasher = bcryptHasher(12);
 * await hasher.verify("secret-password", "$2y$10$...");
 * ```
 */
export function bcryptHasher(cost = 12): PasswordHasher {
  if (!Number.isInteger(cost) || cost < 10 || cost > 31) throw new RangeError("bcrypt cost must be an integer from 10 to 31");
  return {
    id: "bcrypt",
    maxBytes: BCRYPT_MAX_BYTES,
    async hash(password) {
      if (Buffer.byteLength(password, "utf8") > BCRYPT_MAX_BYTES) throw new RangeError("password longer than 72 bytes");
      return bcrypt.hash(password, cost);
    },
    verify: async (password, hash) => (isBcryptHash(hash) ? bcrypt.compare(password, hash) : false),
    needsRehash: (hash) => (bcryptCost(hash) ?? 0) < cost,
  };
}
