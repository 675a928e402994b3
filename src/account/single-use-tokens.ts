import { createHmac, type KeyObject, randomInt } from "node:crypto";
import { AuthError, storageCall } from "../errors.js";
import { randomId, randomToken } from "../ids.js";
import type { StorageAdapter, VerificationRecord } from "../storage/adapter.js";
import type { SecretKeySet } from "../tokens/secret-keys.js";

/** What a single-use token is for: each purpose has its own TTL, and a token of one never serves another. */
export type TokenPurpose =
  | "password-reset"
  | "email-verification"
  | "email-change"
  | "magic-link"
  | "email-code"
  /** A sign-in waiting for its second factor (`mfaToken`). */
  | "mfa"
  /** A WebAuthn registration challenge (bound to the signed-in user). */
  | "passkey-registration"
  /** A WebAuthn sign-in challenge (bound to no user: the sign-in may be usernameless). */
  | "passkey-authentication";

/** Digits of an email code: 10^6 values, of which 5 attempts per code may be tried. */
export const EMAIL_CODE_DIGITS = 6;

/** The key id of the secret that hashes it, then 256 random bits as unpadded base64url (43 characters). Nothing else is looked up. */
const SHAPE = /^([A-Za-z0-9_-]{8})\.[A-Za-z0-9_-]{43}$/;

const invalid = () => new AuthError("TOKEN_INVALID", "This link is invalid or has already been used.");
const expired = () => new AuthError("TOKEN_EXPIRED", "This link has expired. Please request a new one.");

/**
 * Single-use tokens for mail (reset, verification, email change): 256 random bits handed to the user, only
 * their keyed hash (HMAC-SHA256 under a key derived from the secret) stored. A token starts with the key id
 * of the secret it was issued under (`<kid>.<43 chars>`): that secret's key, and only it, hashes it, so a link
 * outlives a rotation for as long as its secret stays configured. Taking one is two steps so a
 * flow can check everything else in between: {@link SingleUseTokens.check} reads it, {@link SingleUseTokens.spend}
 * consumes it atomically (of concurrent spends, one wins).
 */
export class SingleUseTokens {
  constructor(
    /** The configured secrets' keys: new tokens use the current one's. */
    private readonly keys: SecretKeySet,
    private readonly storage: StorageAdapter,
    /** The checked clock. */
    private readonly now: () => Date,
  ) {}

  /** The keyed hash stored in place of a token, under the current secret or the given key. */
  hash(token: string, key: KeyObject = this.keys.current.singleUseHash): string {
    return createHmac("sha256", key).update(token).digest("base64url");
  }

  /**
   * Mints a token for `userId` and `purpose`, valid `ttlMs`, and stores its hash; the storage voids the
   * user's older token of the same purpose in the same step. A `userId` of `null` binds the token to nobody and
   * voids nothing (a passkey sign-in's challenge, asked for before anyone is known): take it with {@link take}.
   */
  async issue(purpose: TokenPurpose, userId: string | null, ttlMs: number, payload: string | null = null): Promise<{ token: string; expiresAt: Date }> {
    const now = this.now();
    const token = `${this.keys.current.kid}.${randomToken(32)}`;
    const expiresAt = new Date(now.getTime() + ttlMs);
    const record: VerificationRecord = { id: randomId(), purpose, userId, tokenHash: this.hash(token), createdAt: now, expiresAt, payload };
    await storageCall(() => this.storage.createVerification(record));
    return { token, expiresAt };
  }

  /**
   * Mints a short code for `userId` (`EMAIL_CODE_DIGITS` digits, uniform) and stores its keyed hash, bound to the
   * user: the hash covers the user id, so two users' equal codes are two records, and a code is looked up only
   * together with the account it was sent to ({@link SingleUseTokens.codeHash}). The storage voids the user's
   * older code in the same step. A code carries no key id: a rotation of the secret voids pending codes.
   */
  async issueCode(userId: string, ttlMs: number, payload: string): Promise<{ code: string; expiresAt: Date }> {
    const now = this.now();
    const code = String(randomInt(0, 10 ** EMAIL_CODE_DIGITS)).padStart(EMAIL_CODE_DIGITS, "0");
    const expiresAt = new Date(now.getTime() + ttlMs);
    const record: VerificationRecord = {
      id: randomId(),
      purpose: "email-code",
      userId,
      tokenHash: this.codeHash(userId, code),
      createdAt: now,
      expiresAt,
      payload,
    };
    await storageCall(() => this.storage.createVerification(record));
    return { code, expiresAt };
  }

  /** The stored hash of a user's email code, under the current secret. */
  codeHash(userId: string, code: string): string {
    return this.hash(`email-code\u0000${userId}\u0000${code}`);
  }

  /**
   * Voids the user's pending token of `purpose`: the storage keeps one per user and purpose, so a token nobody
   * holds (never returned, only its hash stored) takes its place.
   */
  async voidPending(purpose: TokenPurpose, userId: string, ttlMs: number): Promise<void> {
    await this.issue(purpose, userId, ttlMs);
  }

  /**
   * The live record of a token, without spending it: `TOKEN_INVALID` for anything malformed, unknown, used,
   * voided or of another purpose, `TOKEN_EXPIRED` for an expired one. A record without a user is invalid here:
   * every purpose of this file names one.
   */
  async check(token: unknown, purpose: TokenPurpose): Promise<VerificationRecord & { userId: string }> {
    const shaped = typeof token === "string" ? SHAPE.exec(token) : null;
    const key = shaped && this.keys.byKid(shaped[1]!)?.singleUseHash;
    if (!key) throw invalid(); // malformed, or issued under a secret no longer configured
    const record = await storageCall(() => this.storage.findVerification(this.hash(token as string, key), purpose));
    if (record === null || record.purpose !== purpose || typeof record.userId !== "string") throw invalid();
    // "not after now": a stored expiry that is not a number counts as expired
    if (!(record.expiresAt.getTime() > this.now().getTime())) throw expired();
    return record as VerificationRecord & { userId: string };
  }

  /**
   * Takes a token in one step, whether or not it names a user: the record, deleted — of concurrent takes of one token
   * exactly one resolves it. `TOKEN_INVALID` for anything malformed, unknown, used or of another purpose,
   * `TOKEN_EXPIRED` for an expired one (it stays unusable).
   */
  async take(token: unknown, purpose: TokenPurpose): Promise<VerificationRecord> {
    const shaped = typeof token === "string" ? SHAPE.exec(token) : null;
    const key = shaped && this.keys.byKid(shaped[1]!)?.singleUseHash;
    if (!key) throw invalid();
    const hash = this.hash(token as string, key);
    const found = await storageCall(() => this.storage.findVerification(hash, purpose));
    if (found === null || found.purpose !== purpose) throw invalid();
    if (!(found.expiresAt.getTime() > this.now().getTime())) throw expired();
    const record = await storageCall(() => this.storage.consumeVerification(hash, purpose, this.now()));
    if (record === null || record.purpose !== purpose) throw invalid();
    return record;
  }

  /** Consumes a checked record; `TOKEN_INVALID` when another caller spent it first (or it expired meanwhile). */
  async spend(record: VerificationRecord): Promise<void> {
    const taken = await storageCall(() => this.storage.consumeVerification(record.tokenHash, record.purpose, this.now()));
    if (taken === null) throw invalid();
  }
}
