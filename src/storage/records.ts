/**
 * The records of the storage contract (`StorageAdapter` in adapter.ts), and the results of its operations.
 * Adapters never see a password or a token: only hashes.
 */

/** A stored user, including its password hash (`null` for accounts without a password). */
export interface UserRecord {
  id: string;
  /** Trimmed and lower-cased; unique. */
  email: string;
  /** Lower-cased; unique when not null. */
  username: string | null;
  name: string | null;
  emailVerified: boolean;
  passwordHash: string | null;
  createdAt: Date;
  updatedAt: Date;
  /**
   * What the user may do, as role names (e.g. `["admin"]`); `[]` for none. Stored as given, in order; adapters
   * read a user stored before roles existed as `[]`. The Better Auth bridge keeps them in the admin plugin's
   * comma-separated `user.role` column, so there a role name cannot contain a comma.
   */
  roles: string[];
  /**
   * Optional. The account may not sign in, nor refresh its sessions, until this instant has passed (a ban or
   * suspension kept by the system that owns the user base); a permanent ban is the largest Date,
   * `new Date(8.64e15)`. `null` or absent: not disabled. An invalid Date counts as disabled (fails closed).
   * Signin answers `ACCOUNT_DISABLED` once the password is right; refresh answers it and revokes the session.
   */
  disabledUntil?: Date | null;
  /**
   * Optional. The account signs in with a second factor (a confirmed TOTP authenticator: adapters with
   * `secondFactors` set it, see `SecondFactorStorage`). Its sign-ins answer `{ mfaRequired, mfaToken }` once the first
   * factor is right (with the `totp` option; `MFA_REQUIRED` without), and `startSession` refuses it unless the caller
   * says it checked the factor (`secondFactorVerified`); sessions the account already has keep refreshing. Absent or
   * `false`: no second factor.
   */
  twoFactorEnabled?: boolean;
}

/**
 * Sign-in rules a storage declares for the user base it holds — for a user base shared with another
 * system (the Better Auth bridge sets them from its options), so that AuthSkill applies that system's rules.
 *
 * @example
 * ```ts
 * const storage: StorageAdapter = { ...memoryStorage(), policy: { requireEmailVerification: true } };
 * ```
 */
export interface StoragePolicy {
  /** Signin of a user whose `emailVerified` is false answers `EMAIL_NOT_VERIFIED` (once the password is right). */
  readonly requireEmailVerification?: boolean;
}

/**
 * A session: one sign-in on one device, and the family of refresh tokens rotated from it.
 * Only the current refresh token's keyed hash is stored; older generations are recognised by number.
 */
export interface SessionRecord {
  id: string;
  userId: string;
  /** Keyed hash of the current refresh token. */
  tokenHash: string;
  /** Incremented by every rotation; the current token carries this number. */
  generation: number;
  /** When the previous generation was rotated (null before the first rotation). */
  rotatedAt: Date | null;
  /** The current token, sealed with a key only `AuthSkill` holds, while a reuse interval is configured. */
  successor: string | null;
  createdAt: Date;
  /** Absolute expiry. */
  expiresAt: Date;
  /** Last sign-in or rotation, for idle expiry. */
  lastUsedAt: Date;
  revokedAt: Date | null;
  ipAddress: string | null;
  userAgent: string | null;
  /**
   * Optional. The session's "remember me" choice, made at sign-in and never changed: `false` for a session
   * started with `rememberMe: false` (its `expiresAt` is already the short one), `true` otherwise. Adapters store
   * it as given and read back what they stored — `false` as `false`, `true` as `true` — through every rotation. A
   * record stored without it (by an adapter or a release from before it existed) reads without it, or as `true`:
   * absent means remember-me.
   */
  persistent?: boolean;
  /**
   * Optional. The authentication methods (RFC 8176 values such as `pwd`, `otp`, `hwk`, `swk`, `mfa`) of the sign-in
   * that started the session; set at `createSession`, never changed, kept through every `rotateSession`. Adapters
   * store it as given (each value 1-16 characters of [a-z0-9_-], at most 8 values — anything else is a `TypeError`
   * and nothing is stored; they may store it as one comma-joined string) and read back what they stored, in order.
   * A record stored without it (or with `[]`) reads without it: absent means unknown.
   */
  amr?: string[];
}

/** What `StorageAdapter.listUserSessions` tells about a live session (no token hash, no sealed successor). */
export type SessionSummary = Pick<SessionRecord, "id" | "userId" | "createdAt" | "lastUsedAt" | "expiresAt" | "ipAddress" | "userAgent">;

/**
 * A single-use token (email verification, password reset, magic link): stored as a keyed hash only.
 */
export interface VerificationRecord {
  id: string;
  /** What the token is for, e.g. "password-reset". */
  purpose: string;
  userId: string | null;
  /** Keyed hash of the token; unique. */
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  /**
   * Optional data the token carries, e.g. the new address of an email change. Adapters store it as given
   * and read it back as `null` when there is none (records stored before it existed included). Not secret:
   * never put a token or password here.
   */
  payload?: string | null;
}

/** How many expired or revoked rows `StorageAdapter.deleteExpired` removed. */
export interface DeletedCounts {
  sessions: number;
  verifications: number;
}

/** The outcome of `StorageAdapter.createUser`. */
export type CreateUserResult = { ok: true; user: UserRecord } | { ok: false; conflict: "email" | "username" };

/** A compare-and-set rotation: applies only if the session is still at `generation` with `tokenHash`. */
export interface RotateSessionInput {
  id: string;
  generation: number;
  tokenHash: string;
  next: { tokenHash: string; successor: string | null; rotatedAt: Date; lastUsedAt: Date };
}

/**
 * Fields of a user that flows update. `email` (already trimmed and lower-cased) must stay unique: a patch
 * that would take another user's address changes nothing and reports the conflict.
 */
export type UserPatch = Partial<Pick<UserRecord, "passwordHash" | "emailVerified" | "name" | "updatedAt" | "roles" | "email">>;

/**
 * The outcome of `StorageAdapter.updateUser`: the user as stored after the patch, or why nothing changed
 * (`not_found`: no user has this id; `conflict`: the patch's `email` belongs to another user).
 */
export type UpdateUserResult = { ok: true; user: UserRecord } | { ok: false; reason: "not_found" } | { ok: false; reason: "conflict"; conflict: "email" };
