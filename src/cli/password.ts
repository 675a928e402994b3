import { ARGON2_DEFAULTS } from "../password/argon2.js";
import { BCRYPT_MAX_COST } from "../password/bcrypt.js";
import { hasherForFormat } from "../password/formats.js";
import { Passwords } from "../password/passwords.js";
import { HASHERS, type HasherName } from "./choices.js";
import { usageError } from "./io.js";

/** The library's password hashing with its default settings (no pepper), for `hasher`. */
function passwords(hasher: HasherName): Passwords {
  return new Passwords({ hasher, argon2: ARGON2_DEFAULTS, bcryptCost: 12, maxBcryptCost: BCRYPT_MAX_COST, pepper: [] });
}

/**
 * Hashes a password as `auth.hashPassword` does with the default options (NFKC, argon2id m=19456 t=2 p=1).
 *
 * @example
 * ```ts
 * const hash = await hashPassword("pass phrase", "argon2id"); // "$argon2id$v=19$m=19456,t=2,p=1$..."
 * ```
 */
export function hashPassword(password: string, hasher: string): Promise<string> {
  if (!(HASHERS as readonly string[]).includes(hasher)) throw usageError(`--hasher must be one of ${HASHERS.join(", ")}`);
  return passwords(hasher as HasherName).hash(password);
}

/**
 * Checks a password against a stored hash as `auth.verifyPassword` does (argon2, bcrypt, Better Auth scrypt; the
 * default cost caps). A hash of no known format is a usage error (exit 2), never echoed.
 *
 * @example
 * ```ts
 * process.exitCode = (await verifyPassword("pass phrase", stored)) ? 0 : 1;
 * ```
 */
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (hash.length > 1024 || hasherForFormat(hash) === null) {
    throw usageError("the hash is not an argon2 (PHC), bcrypt or Better Auth scrypt hash (a peppered hash needs its pepper: not supported here)");
  }
  return passwords("argon2id").verify(password, hash);
}
