/**
 * The storage contract of second factors (`StorageAdapter.secondFactors`): TOTP enrolments, their recovery codes,
 * and passkeys. Like the rest of the contract it is a short list of operations, each one statement, transaction or
 * script. Adapters store what they are given: secrets come sealed (encrypted by AuthSkill, or by the store's own
 * {@link SecondFactorCodec}), recovery codes as keyed hashes, passkeys as public keys.
 */

/** A user's TOTP enrolment: at most one per user. */
export interface TotpRecord {
  userId: string;
  /** The confirmed secret, sealed; `null` while the user has only a pending enrolment. */
  secret: string | null;
  /** A secret enrolled but not confirmed yet, sealed; `null` when none. A confirmed `secret` stays active meanwhile. */
  pendingSecret: string | null;
  /** The last RFC 6238 time step accepted for `secret` (each step is accepted once), or `null`. */
  lastStep: number | null;
  /** How many unused recovery codes the user has. */
  recoveryCodes: number;
  updatedAt: Date;
}

/** A WebAuthn credential (passkey) registered to a user. Nothing here is secret. */
export interface PasskeyRecord {
  /** The credential id, base64url; unique across users. */
  id: string;
  userId: string;
  /** The WebAuthn user handle (`user.id` at registration, base64url, no personal data); one per user, shared by their passkeys. */
  userHandle: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The authenticator's signature counter as last seen (0 for authenticators that keep none, e.g. synced passkeys). */
  counter: number;
  /** The transports the authenticator reported (`internal`, `hybrid`, `usb`, ...). */
  transports: string[];
  /** `multiDevice`: may be synced (backup eligible); `singleDevice`: bound to one authenticator. */
  deviceType: "singleDevice" | "multiDevice";
  /** Whether the credential is backed up (synced), as of its last use. */
  backedUp: boolean;
  /** A label the user chose, or `null`. */
  name: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** What `SecondFactorStorage.activateTotp` writes, when the pending secret is still the one the caller confirmed. */
export interface ActivateTotpInput {
  userId: string;
  /** The pending secret (sealed) the caller checked the code against: the compare-and-set value. */
  pendingSecret: string;
  /** The time step of the confirming code: it becomes `lastStep`, so that code cannot sign in. */
  step: number;
  /** Keyed hashes of the new recovery codes: they replace the user's old set. */
  recoveryCodes: string[];
  now: Date;
}

/**
 * How a store's secrets are sealed and its recovery codes keyed, when the store holds another system's second
 * factors in that system's format (the Better Auth bridge). Absent: AuthSkill seals with a key derived from its
 * `secret` and keys recovery codes with its single-use-token hash.
 */
export interface SecondFactorCodec {
  /** Seals a TOTP secret (its raw bytes) for storage. */
  seal(secret: Uint8Array): string;
  /** The raw bytes of a sealed secret, or `null` when it cannot be opened (wrong key, damaged). Never throws. */
  open(sealed: string): Uint8Array | null;
  /**
   * What the store keeps (and compares) for a recovery code, under every key it may have been stored with: the first
   * is the one new codes are stored with; a code matches when the store holds any of them.
   */
  recoveryCodeKeys(code: string): string[];
}

/**
 * The second-factor operations of a storage. Every adapter of auth-skill has them; AuthSkill's `totp` and
 * `passkeys` options need them (`CONFIG_ERROR` without). Deleting a user (`StorageAdapter.deleteUser`) deletes the
 * user's TOTP enrolment, recovery codes and passkeys too.
 *
 * An adapter with these operations reports `twoFactorEnabled: true` on the user records it reads for every user with a
 * confirmed TOTP secret, and `false` otherwise: set by {@link SecondFactorStorage.activateTotp} and cleared by
 * {@link SecondFactorStorage.deleteTotp} in the same atomic step.
 */
export interface SecondFactorStorage {
  /** The user's TOTP enrolment, or `null`. Read-only. */
  findTotp(userId: string): Promise<TotpRecord | null>;
  /**
   * Stores a pending secret for the user, replacing any pending one and keeping the confirmed `secret`, `lastStep` and
   * recovery codes as they are. Resolves `false` (nothing written) when the user does not exist. Of concurrent calls for
   * one user, one record remains, holding one of their secrets.
   */
  setPendingTotp(userId: string, pendingSecret: string, now: Date): Promise<boolean>;
  /**
   * Confirms the pending secret: when the user's `pendingSecret` is still `input.pendingSecret`, it becomes `secret`,
   * `pendingSecret` becomes `null`, `lastStep` becomes `input.step`, the recovery codes are replaced by
   * `input.recoveryCodes`, and the user reads `twoFactorEnabled: true` — all in one atomic step; resolves `true`.
   * Otherwise (no record, another pending secret, none) it changes nothing and resolves `false`. Of N concurrent calls
   * with one input exactly one resolves `true`.
   */
  activateTotp(input: ActivateTotpInput): Promise<boolean>;
  /**
   * Accepts time step `step` of the user's confirmed secret once: when the user has a confirmed secret and `lastStep` is
   * `null` or lower than `step`, sets `lastStep` to `step` and resolves `true`; otherwise resolves `false`. Of N
   * concurrent calls with one step exactly one resolves `true` (a conditional write).
   */
  acceptTotpStep(userId: string, step: number): Promise<boolean>;
  /**
   * Deletes the user's TOTP enrolment (confirmed and pending) with their recovery codes; the user reads
   * `twoFactorEnabled: false`. Resolves whether there was one. Atomic.
   */
  deleteTotp(userId: string): Promise<boolean>;
  /**
   * Replaces the user's recovery codes by `codes` (keyed hashes) when the user has a confirmed secret (resolves `true`);
   * otherwise changes nothing (`false`). The old set is void once it resolves. Atomic.
   */
  replaceRecoveryCodes(userId: string, codes: string[], now: Date): Promise<boolean>;
  /**
   * Takes one recovery code: deletes the user's code `code` (a keyed hash) and resolves `true`, or `false` when the user
   * has no such code. Of N concurrent calls with one code exactly one resolves `true`.
   */
  consumeRecoveryCode(userId: string, code: string): Promise<boolean>;
  /**
   * Stores a new passkey. Resolves `false` (nothing written) when a passkey with this `id` exists, for any user; a user
   * that does not exist is an error (as for `createSession`). Of concurrent calls with one id exactly one resolves `true`.
   */
  createPasskey(record: PasskeyRecord): Promise<boolean>;
  /** The passkey with this credential id, or `null`. Read-only. */
  findPasskey(id: string): Promise<PasskeyRecord | null>;
  /** The user's passkeys, oldest first. Read-only. */
  listPasskeys(userId: string): Promise<PasskeyRecord[]>;
  /**
   * Records a use of a passkey: sets `counter`, `backedUp` and `lastUsedAt`. Resolves `false` when there is no such
   * passkey (deleted meanwhile).
   */
  updatePasskey(id: string, use: { counter: number; backedUp: boolean; lastUsedAt: Date }): Promise<boolean>;
  /** Deletes the user's passkey `id` (another user's passkey is never touched); resolves whether it existed. */
  deletePasskey(userId: string, id: string): Promise<boolean>;
  /** Optional: how this store seals secrets and keys recovery codes (see {@link SecondFactorCodec}). */
  readonly codec?: SecondFactorCodec;
}
