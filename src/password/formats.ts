/**
 * The built-in hash formats (argon2 PHC, bcrypt, Better Auth scrypt): which hasher verifies a stored hash, the
 * caps applied before verifying one, and the hasher for new hashes.
 */
import { argon2idHasher, isArgon2Hash, withinArgon2VerifyLimits, type Argon2Params } from "./argon2.js";
import { BCRYPT_MAX_COST, bcryptCost, bcryptHasher, isBcryptHash, overBcryptBytes } from "./bcrypt.js";
import { isWithinPasswordCap } from "./limits.js";
import { betterAuthScryptHasher, isBetterAuthScryptHash } from "./scrypt.js";
import type { HasherChoice, PasswordHasher } from "./hasher.js";

/** The largest costs a stored hash may ask for before it is verified; beyond them it fails unverified. */
export interface VerifyLimits {
  /** Highest bcrypt cost (default {@link BCRYPT_MAX_COST}, 14). argon2 uses `ARGON2_VERIFY_LIMITS`. */
  maxBcryptCost: number;
}

const DEFAULT_LIMITS: Readonly<VerifyLimits> = Object.freeze({ maxBcryptCost: BCRYPT_MAX_COST });

const builtin = {
  argon2: argon2idHasher(), // verify reads the parameters from the PHC string, so defaults are fine here
  bcrypt: bcryptHasher(10, { maxCost: 31 }), // the instance's own cap is applied first, by withinCostLimits
  scrypt: betterAuthScryptHasher(),
};

/** The built-in hasher able to verify `hash`, judged by its format; `null` for an unknown format. */
export function hasherForFormat(hash: string): PasswordHasher | null {
  if (isArgon2Hash(hash)) return builtin.argon2;
  if (isBcryptHash(hash)) return builtin.bcrypt;
  if (isBetterAuthScryptHash(hash)) return builtin.scrypt;
  return null;
}

/** Builds the hasher for new hashes from the `password` options. */
export function resolveHasher(choice: HasherChoice, argon2: Argon2Params, bcryptCost: number): PasswordHasher {
  if (choice === "argon2id") return argon2idHasher(argon2);
  // Only its hash() is used: verification goes through verifyAnyFormat, which applies the instance's cap.
  if (choice === "bcrypt") return bcryptHasher(bcryptCost, { maxCost: Math.max(bcryptCost, BCRYPT_MAX_COST) });
  return choice;
}

async function verifyOne(hasher: PasswordHasher, password: string, hash: string): Promise<boolean> {
  try {
    return (await hasher.verify(password, hash)) === true;
  } catch {
    return false; // a malformed hash is a failed verification, never an exception
  }
}

/**
 * False when `hash` is a bcrypt hash of a cost above `limits.maxBcryptCost` or an argon2 hash beyond
 * `ARGON2_VERIFY_LIMITS`: such a hash is treated as corrupt, before any hasher (custom ones too) sees it.
 */
export function withinCostLimits(hash: string, limits: VerifyLimits = DEFAULT_LIMITS): boolean {
  const cost = bcryptCost(hash);
  if (cost !== null) return cost <= limits.maxBcryptCost;
  if (isArgon2Hash(hash)) return withinArgon2VerifyLimits(hash);
  return true; // a format whose costs are fixed (Better Auth scrypt) or unknown to us (a custom hasher's)
}

/**
 * Verifies `password` against a hash of any supported format: argon2id/i/d PHC strings, bcrypt `$2a$`,
 * `$2b$`, `$2y$`, Better Auth scrypt, and whatever `custom` (your own hasher, tried first) accepts.
 * The password is NFKC-normalised first; when that changed it and the attempt failed, the exact input is
 * tried too (hashes made by systems that do not normalise). Never throws. Resolves `false` without
 * normalising or hashing anything for a password over `MAX_PASSWORD_INPUT` (4,096) UTF-16 units and for a
 * hash whose costs exceed `limits` (bcrypt cost 14 by default; argon2 `ARGON2_VERIFY_LIMITS`). A candidate
 * over 72 UTF-8 bytes never matches a bcrypt hash (bcrypt would ignore everything after the 72nd byte).
 */
export async function verifyAnyFormat(
  custom: PasswordHasher | null,
  password: unknown,
  hash: unknown,
  limits: VerifyLimits = DEFAULT_LIMITS,
): Promise<boolean> {
  if (!isWithinPasswordCap(password) || typeof hash !== "string" || hash.length === 0 || hash.length > 1024) return false;
  if (!withinCostLimits(hash, limits)) return false;
  const verifiers = [custom, hasherForFormat(hash)].filter((h): h is PasswordHasher => h !== null);
  const bcrypt = isBcryptHash(hash);
  for (const candidate of normalizedCandidates(password)) {
    // A plain bcrypt hash reads 72 bytes: a longer candidate must not match by its prefix, whoever verifies.
    if (bcrypt && overBcryptBytes(candidate)) continue;
    for (const hasher of verifiers) if (await verifyOne(hasher, candidate, hash)) return true;
  }
  return false;
}

/** The NFKC form of `password`, followed by the exact input when normalisation changed it. */
export function normalizedCandidates(password: string): string[] {
  const nfkc = password.normalize("NFKC");
  return nfkc === password ? [nfkc] : [nfkc, password];
}
