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
