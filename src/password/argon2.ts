import { argon2Addon } from "./addons.js";
import type { PasswordHasher } from "./hasher.js";

/** Argon2id cost parameters. The defaults are OWASP's minimum: m = 19456 KiB, t = 2, p = 1. */
export interface Argon2Params {
  /** Memory in KiB (default 19456). */
  memoryCost: number;
  /** Passes (default 2). */
  timeCost: number;
  /** Lanes (default 1). */
  parallelism: number;
}

/**
 * The default argon2id parameters, frozen: OWASP's minimum (m = 19456 KiB, t = 2, p = 1), about 10 ms a hash on a
 * 2-core machine. The `password.argon2` option refuses values below these; raise them there or with
 * {@link argon2idHasher}.
 *
 * @example
 * ```ts
 * import { ARGON2_DEFAULTS, argon2idHasher } from "auth-skill";
 * const hasher = argon2idHasher({ ...ARGON2_DEFAULTS, memoryCost: 65536 }); // 64 MiB
 * ```
 */
export const ARGON2_DEFAULTS: Readonly<Argon2Params> = Object.freeze({ memoryCost: 19456, timeCost: 2, parallelism: 1 });

/**
 * The largest costs a stored hash may ask `verify` for: m = 2 GiB (RFC 9106's largest recommendation),
 * t = 64, p = 255. A hash beyond them is treated as corrupt and fails verification instead of making the
 * addon allocate up to 4 TiB or spin a thread-pool thread for hours.
 */
export const ARGON2_VERIFY_LIMITS: Readonly<Argon2Params> = Object.freeze({ memoryCost: 2 ** 21, timeCost: 64, parallelism: 255 });

const ARGON2ID = 2; // Algorithm.Argon2id (a const enum in the addon's types)
const PHC = /^\$argon2(id|i|d)\$(?:v=(\d+)\$)?m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/** Parses the algorithm, version and costs of an argon2 PHC string; `null` when it is not one. */
export function parseArgon2(phc: string): { variant: "id" | "i" | "d"; version: number; params: Argon2Params } | null {
  const m = PHC.exec(phc);
  if (!m) return null;
  return {
    variant: m[1] as "id" | "i" | "d",
    version: Number(m[2] ?? 16),
    params: { memoryCost: Number(m[3]), timeCost: Number(m[4]), parallelism: Number(m[5]) },
  };
}

/** True when `hash` looks like an argon2 (id, i or d) PHC string. */
export function isArgon2Hash(hash: string): boolean {
  return PHC.test(hash);
}

/** True when `phc` is an argon2 PHC string whose costs are within {@link ARGON2_VERIFY_LIMITS}. */
export function withinArgon2VerifyLimits(phc: string): boolean {
  const p = parseArgon2(phc)?.params;
  return (
    p !== undefined &&
    p.memoryCost <= ARGON2_VERIFY_LIMITS.memoryCost &&
    p.timeCost <= ARGON2_VERIFY_LIMITS.timeCost &&
    p.parallelism <= ARGON2_VERIFY_LIMITS.parallelism
  );
}

/**
 * The default hasher: argon2id through the `@node-rs/argon2` addon, computed off the event loop,
 * with a 16-byte random salt, in PHC string form.
 *
 * @example
 * ```ts
 * const hasher = argon2idHasher({ memoryCost: 65536, timeCost: 3, parallelism: 1 });
 * const phc = await hasher.hash("correct horse battery staple");
 * ```
 */
export function argon2idHasher(params: Argon2Params = ARGON2_DEFAULTS): PasswordHasher {
  const options = { algorithm: ARGON2ID, ...params };
  return {
    id: "argon2id",
    hash: async (password) => (await argon2Addon()).hash(password, options),
    verify: async (password, phc) => (withinArgon2VerifyLimits(phc) ? (await argon2Addon()).verify(phc, password) : false),
    needsRehash(phc) {
      const parsed = parseArgon2(phc);
      if (parsed?.variant !== "id" || parsed.version < 19) return true;
      return parsed.params.memoryCost < params.memoryCost || parsed.params.timeCost < params.timeCost || parsed.params.parallelism < params.parallelism;
    },
  };
}
