import { bcryptAddon } from "./addons.js";
import type { PasswordHasher } from "./hasher.js";

/** bcrypt reads at most this many bytes of a password; longer ones are refused, never truncated. */
export const BCRYPT_MAX_BYTES = 72;
/**
 * The highest cost a stored bcrypt hash may have to be verified, by default (`password.maxBcryptCost`).
 * Each step doubles the work: cost 14 is ~1 s of one core, cost 31 would be days.
 */
export const BCRYPT_MAX_COST = 14;
const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
const MIN_COST = 4; // the smallest cost any bcrypt implementation accepts

/** True when `hash` looks like a `$2a$`, `$2b$` or `$2y$` bcrypt hash. */
export function isBcryptHash(hash: string): boolean {
  return BCRYPT.test(hash);
}

/** The cost factor of a bcrypt hash, or `null`. */
export function bcryptCost(hash: string): number | null {
  const m = BCRYPT.exec(hash);
  return m ? Number(m[1]) : null;
}

/** True when `password` is more than bcrypt reads: more than 72 UTF-8 bytes. */
export function overBcryptBytes(password: string): boolean {
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: skip the encoding when the length alone decides.
  if (password.length > BCRYPT_MAX_BYTES) return true;
  return password.length * 3 > BCRYPT_MAX_BYTES && Buffer.byteLength(password) > BCRYPT_MAX_BYTES;
}

/**
 * Verifies `password` against a bcrypt hash whose cost is at most `maxCost`; `false`, without computing
 * anything, for another format, a cost above `maxCost` (or below 4), or a password over 72 bytes. bcrypt
 * would read only the first 72 bytes of a longer password, so such a password never matches a plain
 * bcrypt hash: no suffix signs in after the 72nd byte.
 *
 * The bcrypt implementation is only called here and in {@link bcryptHasher}'s `hash`, after these checks.
 *
 * @example
 * ```ts
 * await verifyBcrypt("secret-password", "$2y$10$...", 14); // true or false
 * ```
 */
export async function verifyBcrypt(password: string, hash: string, maxCost: number): Promise<boolean> {
  const cost = bcryptCost(hash) ?? 0; // not a bcrypt hash: below any cost
  if (cost < MIN_COST || cost > maxCost) return false;
  if (typeof password !== "string" || overBcryptBytes(password)) return false;
  return (await bcryptAddon()).verify(password, hash);
}

function checkCost(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`bcrypt ${name} must be an integer from ${min} to ${max}`);
}

/**
 * bcrypt through `@node-rs/bcrypt` (a native addon, computed off the event loop like argon2), for
 * compatibility with systems that use it; never the default. `hash` throws `RangeError` for passwords over 72 UTF-8 bytes (bcrypt would ignore
 * the rest); `AuthSkill` turns that into `WEAK_PASSWORD`. `verify` refuses, as a failed verification,
 * hashes whose cost is above `maxCost` (default 14) and passwords over 72 bytes. `cost` must be from 10
 * to `maxCost`, `maxCost` from 10 to 31 (`RangeError` otherwise).
 *
 * @example
 * ```ts
 * const hasher = bcryptHasher(12);
 * await hasher.verify("secret-password", "$2y$10$...");
 * const lenient = bcryptHasher(12, { maxCost: 16 }); // also verifies stored hashes of cost 15 and 16
 * ```
 */
export function bcryptHasher(cost = 12, options: { maxCost?: number } = {}): PasswordHasher {
  const maxCost = options.maxCost ?? BCRYPT_MAX_COST;
  checkCost("maxCost", maxCost, 10, 31);
  checkCost("cost", cost, 10, maxCost);
  return {
    id: "bcrypt",
    maxBytes: BCRYPT_MAX_BYTES,
    async hash(password) {
      if (overBcryptBytes(password)) throw new RangeError("password longer than 72 bytes");
      return (await bcryptAddon()).hash(password, cost); // $2b$
    },
    verify: (password, hash) => verifyBcrypt(password, hash, maxCost),
    needsRehash: (hash) => (bcryptCost(hash) ?? 0) < cost,
  };
}
