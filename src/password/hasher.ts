import { argon2idHasher, isArgon2Hash, type Argon2Params } from "./argon2.js";
import { bcryptHasher, isBcryptHash } from "./bcrypt.js";
import { betterAuthScryptHasher, isBetterAuthScryptHash } from "./scrypt.js";

/**
 * Something that hashes and verifies passwords. Pass your own as `password.hasher` to use another
 * algorithm; `AuthSkill` still verifies the built-in formats (argon2, bcrypt, Better Auth scrypt).
 *
 * @example
 * ```ts
 * const hasher: PasswordHasher = {
 *   hash: (password) => myKdf.hash(password),
 *   verify: (password, hash) => myKdf.verify(hash, password),
 * };
 * ```
 */
export interface PasswordHasher {
  /** A short name, e.g. `"argon2id"`. */
  readonly id?: string;
  /** Hashes an (already NFKC-normalised) password into a self-describing string. */
  hash(password: string): Promise<string>;
  /** Resolves whether `password` matches `hash`; should resolve `false` for a hash it does not know. */
  verify(password: string, hash: string): Promise<boolean>;
  /** True when `hash` should be replaced by a fresh hash from this hasher. Defaults to `false`. */
  needsRehash?(hash: string): boolean;
  /** The longest password in UTF-8 bytes this hasher reads in full (bcrypt: 72). */
  readonly maxBytes?: number;
}

/** How new hashes are made: a built-in name or your own hasher. */
export type HasherChoice = "argon2id" | "bcrypt" | PasswordHasher;

const builtin = {
  argon2: argon2idHasher(), // verify reads the parameters from the PHC string, so defaults are fine here
  bcrypt: bcryptHasher(10),
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
  if (choice === "bcrypt") return bcryptHasher(bcryptCost);
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
 * Verifies `password` against a hash of any supported format: argon2id/i/d PHC strings, bcrypt `$2a$`,
 * `$2b$`, `$2y$`, Better Auth scrypt, and whatever `custom` (your own hasher, tried first) accepts.
 * The password is NFKC-normalised first; when that changed it and the attempt failed, the exact input is
 * tried too (hashes made by systems that do not normalise). Never throws.
 */
export async function verifyAnyFormat(custom: PasswordHasher | null, password: unknown, hash: unknown): Promise<boolean> {
  if (typeof password !== "string" || typeof hash !== "string" || hash.length === 0 || hash.length > 1024) return false;
  const verifiers = [custom, hasherForFormat(hash)].filter((h): h is PasswordHasher => h !== null);
  for (const candidate of normalizedCandidates(password)) {
    for (const hasher of verifiers) if (await verifyOne(hasher, candidate, hash)) return true;
  }
  return false;
}

/** The NFKC form of `password`, followed by the exact input when normalisation changed it. */
export function normalizedCandidates(password: string): string[] {
  const nfkc = password.normalize("NFKC");
  return nfkc === password ? [nfkc] : [nfkc, password];
}
