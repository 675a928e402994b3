import { AuthError } from "../errors.js";
import { type Argon2Params, argon2idHasher } from "../password/argon2.js";
import type { PasswordHasher } from "../password/hasher.js";

/**
 * NEVER FOR PRODUCTION. The smallest costs argon2id accepts (m = 8 KiB, t = 1, p = 1): a hash takes a fraction
 * of a millisecond instead of ~10 ms, and protects nothing. The library's own floor for real hashes stays
 * OWASP's m = 19456 KiB, t = 2, p = 1 (`ARGON2_DEFAULTS`); these costs reach an `AuthSkill` only as a custom
 * hasher object, from {@link insecureTestHasher}.
 */
export const INSECURE_TEST_ARGON2_PARAMS: Readonly<Argon2Params> = Object.freeze({ memoryCost: 8, timeCost: 1, parallelism: 1 });

/**
 * NEVER FOR PRODUCTION: an argon2id hasher at {@link INSECURE_TEST_ARGON2_PARAMS}, for test suites only (what
 * `createTestAuth` uses). Its hashes are ordinary argon2id PHC strings, so any `AuthSkill` verifies them; one
 * with the default hasher replaces them at the next signin (`needsRehash`). Throws `CONFIG_ERROR` when
 * `NODE_ENV` is `"production"`.
 *
 * @example
 * ```ts
 * const auth = new AuthSkill({ password: { hasher: insecureTestHasher() } }); // in a test file only
 * ```
 */
export function insecureTestHasher(): PasswordHasher {
  refuseProduction("insecureTestHasher");
  return { ...argon2idHasher(INSECURE_TEST_ARGON2_PARAMS), id: "argon2id-insecure-test-only" };
}

/** Throws `CONFIG_ERROR` when `NODE_ENV` is `"production"`: the testing preset weakens hashing and invents a secret. */
export function refuseProduction(what: string): void {
  if (globalThis.process?.env?.NODE_ENV === "production") {
    throw new AuthError("CONFIG_ERROR", `auth-skill/testing: ${what} is for tests and refuses to run with NODE_ENV=production`);
  }
}
