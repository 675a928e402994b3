import { scrypt, timingSafeEqual, randomBytes } from "node:crypto";
import type { PasswordHasher } from "./hasher.js";
import { isWithinPasswordCap, MAX_PASSWORD_INPUT } from "./limits.js";

// Better Auth's format: hex(16-byte salt) ":" hex(64-byte key); the salt is the hex string's ASCII bytes.
const BETTER_AUTH_SCRYPT = /^([0-9a-f]{32}):([0-9a-f]{128})$/i;
const PARAMS = { N: 16384, r: 16, p: 1, maxmem: 128 * 16384 * 16 * 2 };

/** True when `hash` is in Better Auth's scrypt format (`hex32:hex128`). */
export function isBetterAuthScryptHash(hash: string): boolean {
  return BETTER_AUTH_SCRYPT.test(hash);
}

function derive(password: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize("NFKC"), salt, 64, PARAMS, (err, key) => (err ? reject(err) : resolve(key))));
}

/**
 * Better Auth's default password hash: scrypt N=16384, r=16, p=1, 64-byte key, NFKC input. Used to verify
 * hashes made by Better Auth; `hash` exists so tests and migrations can produce the same format. Inputs
 * over 4,096 UTF-16 units are never normalised: `verify` resolves `false`, `hash` throws `RangeError`.
 *
 * @example
 * ```ts
 * await betterAuthScryptHasher().verify(password, account.password);
 * ```
 */
export function betterAuthScryptHasher(): PasswordHasher {
  return {
    id: "scrypt",
    async hash(password) {
      if (!isWithinPasswordCap(password)) throw new RangeError(`password longer than ${MAX_PASSWORD_INPUT} characters`);
      const salt = randomBytes(16).toString("hex");
      return `${salt}:${(await derive(password, salt)).toString("hex")}`;
    },
    async verify(password, hash) {
      const m = BETTER_AUTH_SCRYPT.exec(hash);
      if (!m || !isWithinPasswordCap(password)) return false;
      const key = await derive(password, m[1]!);
      return timingSafeEqual(key, Buffer.from(m[2]!, "hex"));
    },
    needsRehash: () => true,
  };
}
