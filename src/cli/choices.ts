/**
 * The fixed choices of the command line's options, apart from the modules that act on them: the parser loads
 * this file alone, and each command's module only when that command runs (so `--help` starts fast).
 */

/** The asymmetric algorithms `keygen --alg` generates keys for. */
export const KEY_ALGORITHMS = ["EdDSA", "ES256", "RS256"] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** The hashers `hash --hasher` offers: argon2id (the default) and bcrypt (compatibility only). */
export const HASHERS = ["argon2id", "bcrypt"] as const;
export type HasherName = (typeof HASHERS)[number];

/** The SQL dialects of `auth-skill/kysely`. */
export const DIALECTS = ["sqlite", "postgres", "mysql"] as const;
export type Dialect = (typeof DIALECTS)[number];
