import { createHmac, createSecretKey, hkdfSync, type KeyObject } from "node:crypto";
import { AuthError } from "../errors.js";
import { secretProblem } from "./secret-strength.js";

/**
 * Keys derived from the configured secrets, one per use, so no secret is ever used raw: HKDF-SHA256 (RFC 5869)
 * with the secret's UTF-8 bytes as input key material, an empty salt and one `info` string per use, 32 bytes
 * each. A secret's key id (`kid`) is 6 bytes of the same HKDF under {@link KEY_INFO}.kid, as 8 base64url
 * characters: derived, not secret, and it names the secret inside every token, so a verifier looks up one key
 * instead of trying them all. The table is repeated in docs/tokens.md for verifiers in other languages.
 */
export const KEY_INFO = {
  kid: "auth-skill/kid/v1",
  accessToken: "auth-skill/access-token/hs256/v1",
  refreshHash: "auth-skill/refresh-token/hash/v2",
  refreshTag: "auth-skill/refresh-token/tag/v2",
  refreshSeal: "auth-skill/refresh-token/seal/v2",
  singleUseHash: "auth-skill/single-use-token/hash/v1",
  /** The encryption of TOTP secrets at rest (AES-256-GCM). */
  totp: "auth-skill/totp/v1",
  recoveryCodeHash: "auth-skill/recovery-code/hash/v1",
} as const;

/** The most secrets at once: the current one and up to seven previous ones. */
export const MAX_SECRETS = 8;
/** Length of a key id: 6 bytes as base64url. */
export const KID_LENGTH = 8;

/** The keys of a refresh token: its tag (proof we minted it), its stored hash, and the seal of its successor. */
export interface RefreshKeys {
  readonly tag: KeyObject;
  readonly hash: KeyObject;
  readonly seal: KeyObject;
}

/** Every key of one secret, made once. */
export interface SecretKeys {
  /** The key id (8 base64url characters). Not secret. */
  readonly kid: string;
  /** The HS256 access-token key. */
  readonly accessToken: KeyObject;
  readonly refresh: RefreshKeys;
  /** The key of single-use tokens' stored hashes. */
  readonly singleUseHash: KeyObject;
  /** The encryption key of TOTP secrets at rest (AES-256-GCM). */
  readonly totp: KeyObject;
  /** The key of recovery codes' stored hashes. */
  readonly recoveryCodeHash: KeyObject;
  /**
   * Transition only: the keys tokens were made with before key ids existed — the secret's raw UTF-8 bytes
   * (HS256) and HMAC-SHA256(secret, "auth-skill/refresh-token/<use>/v1") (refresh tokens).
   */
  readonly legacy: { readonly accessToken: KeyObject; readonly refresh: RefreshKeys };
}

/** The configured secrets' keys: the current secret's first; any by its key id. */
export interface SecretKeySet {
  /** The current secret (the first): new tokens use its keys. */
  readonly current: SecretKeys;
  /** Every secret, current first. */
  readonly all: readonly SecretKeys[];
  /** The keys of the secret with this key id, or `undefined`. */
  byKid(kid: string): SecretKeys | undefined;
}

/**
 * HKDF-SHA256 of a secret (UTF-8, empty salt) for one use; 32 bytes unless `length` says otherwise.
 *
 * @example
 * ```ts
 * const key = deriveKey(secret, KEY_INFO.accessToken); // the HS256 key of access tokens
 * ```
 */
export function deriveKey(secret: string, info: string, length = 32): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), info, length));
}

/**
 * The key id of a secret: 6 bytes of HKDF under "auth-skill/kid/v1", as 8 base64url characters.
 *
 * @example
 * ```ts
 * keyId(secret); // e.g. "q3Vx_9aB"
 * ```
 */
export function keyId(secret: string): string {
  return deriveKey(secret, KEY_INFO.kid, 6).toString("base64url");
}

const keyOf = (secret: string, info: string) => createSecretKey(deriveKey(secret, info));
const legacyKeyOf = (secret: string, use: string) => createSecretKey(createHmac("sha256", secret).update(`auth-skill/refresh-token/${use}/v1`).digest());

function keysOf(secret: string): SecretKeys {
  return {
    kid: keyId(secret),
    accessToken: keyOf(secret, KEY_INFO.accessToken),
    refresh: { tag: keyOf(secret, KEY_INFO.refreshTag), hash: keyOf(secret, KEY_INFO.refreshHash), seal: keyOf(secret, KEY_INFO.refreshSeal) },
    singleUseHash: keyOf(secret, KEY_INFO.singleUseHash),
    totp: keyOf(secret, KEY_INFO.totp),
    recoveryCodeHash: keyOf(secret, KEY_INFO.recoveryCodeHash),
    legacy: {
      accessToken: createSecretKey(Buffer.from(secret)), // UTF-8
      refresh: { tag: legacyKeyOf(secret, "tag"), hash: legacyKeyOf(secret, "hash"), seal: legacyKeyOf(secret, "seal") },
    },
  };
}

/**
 * Why a list of secrets is unfit, or `null`: 1 to 8 of them, each passing the strength check, none repeated.
 * `name` prefixes each message (the option or variable); no message ever contains a secret.
 *
 * @example
 * ```ts
 * const problem = secretsProblem(["current...", "previous..."], "secrets"); // null when fine
 * ```
 */
export function secretsProblem(secrets: unknown, name: string): string | null {
  if (!Array.isArray(secrets) || secrets.length === 0 || secrets.length > MAX_SECRETS) return `${name} must hold 1 to ${MAX_SECRETS} secrets, current first`;
  for (const [i, secret] of secrets.entries()) {
    const problem = secretProblem(secret);
    if (problem) return `${name}[${i}] ${problem}`;
  }
  if (new Set(secrets).size !== secrets.length) return `${name} repeats a secret`;
  return null;
}

/**
 * Derives every key of the given secrets (current first) once. Throws `CONFIG_ERROR` for an unfit list (see
 * {@link secretsProblem}); a plain string is taken as a list of one.
 *
 * @example
 * ```ts
 * const keys = deriveSecretKeys([process.env.NEW_SECRET!, process.env.OLD_SECRET!]);
 * keys.current.kid; // the id new tokens carry
 * ```
 */
export function deriveSecretKeys(secrets: string | readonly string[]): SecretKeySet {
  let problem: string | null;
  if (typeof secrets === "string") {
    const weak = secretProblem(secrets);
    problem = weak && `the secret ${weak}`;
  } else problem = secretsProblem(secrets, "secrets");
  if (problem) throw new AuthError("CONFIG_ERROR", `auth-skill configuration: ${problem}`);
  const all = (typeof secrets === "string" ? [secrets] : secrets).map(keysOf);
  // Distinct secrets share a 48-bit id with odds of about 2^-44 (8 secrets): not worth a check of its own.
  const byKid = new Map(all.map((k) => [k.kid, k]));
  return { current: all[0]!, all, byKid: (kid) => byKid.get(kid) };
}
