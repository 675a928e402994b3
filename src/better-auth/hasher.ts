import { ARGON2_DEFAULTS, argon2idHasher, type Argon2Params } from "../password/argon2.js";
import { verifyAnyFormat } from "../password/formats.js";
import { isWithinPasswordCap, MAX_PASSWORD_INPUT } from "../password/limits.js";

/**
 * The shape of Better Auth's `emailAndPassword.password` option.
 *
 * @example
 * ```ts
 * const password: BetterAuthPasswordHasher = bridge.passwordHasher;
 * await password.verify({ hash: account.password, password: input });
 * ```
 */
export interface BetterAuthPasswordHasher {
  /** Hashes a new password; resolves to the stored string. */
  hash(password: string): Promise<string>;
  /** Whether `data.password` matches the stored `data.hash`; `false` for a wrong password or an unknown format. */
  verify(data: { hash: string; password: string }): Promise<boolean>;
}

/**
 * A password hasher for Better Auth's `emailAndPassword.password`: new hashes are argon2id (PHC strings,
 * AuthSkill's parameters, NFKC-normalised input), and `verify` accepts argon2, bcrypt and Better Auth's own
 * scrypt hashes, so switching Better Auth to it keeps every existing password working. `verify` resolves
 * `false`, never throws, for a wrong password or an unknown format.
 *
 * @example
 * ```ts
 * import { betterAuth } from "better-auth";
 * const auth = betterAuth({ database, emailAndPassword: { enabled: true, password: betterAuthPasswordHasher() } });
 * ```
 */
export function betterAuthPasswordHasher(params: Partial<Argon2Params> = {}): BetterAuthPasswordHasher {
  const argon2 = argon2idHasher({
    memoryCost: Math.max(params.memoryCost ?? 0, ARGON2_DEFAULTS.memoryCost),
    timeCost: Math.max(params.timeCost ?? 0, ARGON2_DEFAULTS.timeCost),
    parallelism: Math.max(params.parallelism ?? 0, ARGON2_DEFAULTS.parallelism),
  });
  return {
    async hash(password) {
      if (typeof password !== "string" || password.length === 0) throw new TypeError("hash: password must be a non-empty string");
      // capped before NFKC, which is quadratic on long runs of combining marks
      if (!isWithinPasswordCap(password)) throw new RangeError(`hash: password longer than ${MAX_PASSWORD_INPUT} characters`);
      return argon2.hash(password.normalize("NFKC"));
    },
    verify: async (data) => verifyAnyFormat(null, data?.password, data?.hash),
  };
}
