/**
 * The storage contract. It is a short list of authentication operations, not generic CRUD, so an
 * adapter can make each one a single statement, transaction or script. Every method may throw on an
 * infrastructure failure; `AuthSkill` turns that into `STORAGE_ERROR` and keeps the error as `cause`.
 * Adapters never see a password or a token: only hashes — and what they throw must not carry record
 * values either (hashes, sealed tokens, emails): strip driver errors that quote a statement's parameters.
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
   * Optional. The account signs in with a second factor. Until auth-skill has a second-factor flow of its
   * own, a password signin of such an account answers `MFA_REQUIRED` once the password is right, and so does
   * `startSession` unless the caller says it checked the factor (`secondFactorVerified`); sessions the account
   * already has keep refreshing. Absent or `false`: no second factor.
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
   * that started the session: set at `createSession`, never changed, kept through every `rotateSession`.
   */
  amr?: string[];
}

/** What {@link StorageAdapter.listUserSessions} tells about a live session (no token hash, no sealed successor). */
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

/** How many expired or revoked rows {@link StorageAdapter.deleteExpired} removed. */
export interface DeletedCounts {
  sessions: number;
  verifications: number;
}

/** The outcome of {@link StorageAdapter.createUser}. */
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
 * The outcome of {@link StorageAdapter.updateUser}: the user as stored after the patch, or why nothing changed
 * (`not_found`: no user has this id; `conflict`: the patch's `email` belongs to another user).
 */
export type UpdateUserResult = { ok: true; user: UserRecord } | { ok: false; reason: "not_found" } | { ok: false; reason: "conflict"; conflict: "email" };

/**
 * Where `AuthSkill` keeps users and sessions. Implement it to use another database; run
 * `runStorageConformance` from `auth-skill/testing` against your adapter to check the guarantees.
 *
 * @example
 * ```ts
 * const auth = new AuthSkill({ secret, storage: memoryStorage() });
 * ```
 */
export interface StorageAdapter {
  /**
   * Inserts a user unless its email, or its non-null username, is taken (when both are, either conflict
   * may be reported).
   * Atomic: of any number of concurrent calls with one email (or username), exactly one gets `ok: true`
   * (a unique index, not a read-then-write).
   */
  createUser(user: UserRecord): Promise<CreateUserResult>;
  /** The user with this id, or null (`roles` as stored, `[]` for a user stored without). Read-only. */
  findUserById(id: string): Promise<UserRecord | null>;
  /** The user with this (already lower-cased) email, or null. Indexed; read-only. */
  findUserByEmail(email: string): Promise<UserRecord | null>;
  /** The user with this (already lower-cased) username, or null. Indexed; read-only. */
  findUserByUsername(username: string): Promise<UserRecord | null>;
  /**
   * Applies `patch` to one user (keys other than those of {@link UserPatch} are ignored; an `undefined` value
   * leaves its field alone) and resolves the user as stored after it, `not_found`, or — when `patch.email`
   * belongs to another user — `conflict` with nothing changed (never a driver error). Atomic: the patch is
   * applied whole or not at all, and of concurrent patches (or creates) claiming one email exactly one gets
   * it (a unique index or a script, as for {@link StorageAdapter.createUser}); the old address is free
   * for others once the patch has resolved.
   */
  updateUser(id: string, patch: UserPatch): Promise<UpdateUserResult>;
  /**
   * Deletes a user with everything that lets anyone act as them: their sessions (refresh-token families
   * included) and their single-use tokens. Resolves whether the user existed. Atomic (one transaction or
   * script), or ordered so that no step leaves a usable session of a missing user behind; a
   * {@link StorageAdapter.createSession} racing with it either fails or is deleted with the user, so once it
   * has resolved no session of the user can be found or rotated. The email and username are free again.
   */
  deleteUser(userId: string): Promise<boolean>;
  /**
   * Inserts a new session for an existing user (its id is fresh and random; an existing id is an error,
   * never a merge). A user that does not exist (deleted meanwhile) is an error too: a foreign key, or a check
   * in the same script, so a signin racing with {@link StorageAdapter.deleteUser} never leaves a session behind.
   */
  createSession(session: SessionRecord): Promise<void>;
  /**
   * The session with this id, revoked and expired ones included (the caller judges), or null. A store with
   * native expiry may return null once `expiresAt` has passed.
   */
  findSession(id: string): Promise<SessionRecord | null>;
  /**
   * The atomic rotation primitive. Applies `next` and increments `generation` only if the session exists,
   * is not revoked, and still has exactly `generation` and `tokenHash`; resolves the updated session, or
   * `null` when any condition failed. Of N concurrent calls with the same input, exactly one resolves a
   * session and the others resolve `null` (a conditional UPDATE, a transaction, or a script — never a
   * separate read and write).
   */
  rotateSession(input: RotateSessionInput): Promise<SessionRecord | null>;
  /**
   * Marks one session revoked at `at` and drops its successor (idempotent; an unknown id is not an error).
   * Resolves whether it was live: of concurrent calls for one session at most one resolves `true`
   * (a conditional write).
   */
  revokeSession(id: string, at: Date): Promise<boolean>;
  /**
   * Revokes every live session of a user; resolves how many were revoked. Every session that existed when it
   * started is revoked; one created concurrently may be left live (call it again), never half-revoked.
   */
  revokeUserSessions(userId: string, at: Date): Promise<number>;
  /**
   * The user's live sessions at `now` — not revoked, absolute expiry after `now` — newest first (by
   * `createdAt`; ties in any order). Idle expiry is the caller's to apply (`lastUsedAt`). Read-only, no
   * atomicity promised: a session created or revoked concurrently may or may not be listed. An unknown user has
   * none. An adapter over another system's sessions may list those too (each id must work with `revokeSession`).
   */
  listUserSessions(userId: string, now: Date): Promise<SessionSummary[]>;
  /**
   * Stores a single-use token and, when it names a user, voids (deletes) every older record of the same
   * `userId` and `purpose` in the same step, so a new reset link voids the one sent before. Atomic per user
   * and purpose: after N concurrent calls for one user and purpose exactly one of their records remains
   * (a transaction holding the user's row lock, or a script). Records with `userId: null` void nothing.
   */
  createVerification(record: VerificationRecord): Promise<void>;
  /**
   * Reads a single-use token without taking it, so a flow can make every other check (the new password's
   * policy, a taken address) before it spends the token: the record with this `tokenHash` and `purpose` —
   * expired ones included, so the caller can tell an expired token from an unknown one (a store with native
   * expiry may have dropped it: null) — or `null` when there is none, it is for another purpose, or a newer
   * token of its user and purpose has voided it. Read-only; `payload` as stored (`null` for none).
   */
  findVerification(tokenHash: string, purpose: string): Promise<VerificationRecord | null>;
  /**
   * Takes a single-use token: deletes the row with this `tokenHash` and `purpose` and resolves it, or
   * `null` if there is none or it expired at `now` (an expired row is deleted too). Of N concurrent calls
   * with one hash, exactly one resolves the record (a DELETE ... RETURNING, a transaction, or a script).
   * The record comes back whole, `payload` included (`null` when it had none).
   */
  consumeVerification(tokenHash: string, purpose: string, now: Date): Promise<VerificationRecord | null>;
  /** TEMPORARY (see the storage12 branch): counts one attempt at the user's live token of `purpose`. */
  reserveVerificationAttempt(userId: string, purpose: string, maxAttempts: number, now: Date): Promise<boolean>;
  /**
   * Deletes sessions whose absolute expiry is before `now` or that were revoked before `now - keepRevokedMs`,
   * and verifications that expired before `now`; resolves how many this call removed (a store with native
   * expiry may already have dropped some). Safe to run concurrently with everything else.
   */
  deleteExpired(now: Date, keepRevokedMs?: number): Promise<DeletedCounts>;
  /**
   * Optional, read-only. The sign-in rules of the user base this storage holds (see {@link StoragePolicy});
   * absent: none beyond AuthSkill's own options.
   */
  readonly policy?: StoragePolicy;
}
