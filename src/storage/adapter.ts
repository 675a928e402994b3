/**
 * The storage contract. It is a short list of authentication operations, not generic CRUD, so an
 * adapter can make each one a single statement, transaction or script. Every method may throw on an
 * infrastructure failure; `AuthSkill` turns that into `STORAGE_ERROR` and keeps the error as `cause`.
 * Adapters never see a password or a token: only hashes — and what they throw must not carry record
 * values either (hashes, sealed tokens, emails): strip driver errors that quote a statement's parameters.
 */
import type {
  CreateUserResult,
  DeletedCounts,
  RotateSessionInput,
  SessionRecord,
  SessionSummary,
  StoragePolicy,
  UpdateUserResult,
  UserPatch,
  UserRecord,
  VerificationRecord,
} from "./records.js";
import type { SecondFactorStorage } from "./second-factor.js";

export type { ActivateTotpInput, PasskeyRecord, SecondFactorCodec, SecondFactorStorage, TotpRecord } from "./second-factor.js";
export type {
  CreateUserResult,
  DeletedCounts,
  RotateSessionInput,
  SessionRecord,
  SessionSummary,
  StoragePolicy,
  UpdateUserResult,
  UserPatch,
  UserRecord,
  VerificationRecord,
} from "./records.js";

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
  /**
   * Deletes sessions whose absolute expiry is before `now` or that were revoked before `now - keepRevokedMs`,
   * and verifications that expired before `now`; resolves how many this call removed (a store with native
   * expiry may already have dropped some). Safe to run concurrently with everything else.
   */
  deleteExpired(now: Date, keepRevokedMs?: number): Promise<DeletedCounts>;
  /**
   * Counts one attempt at the user's live token of `purpose` (a mailed code typed in, a second factor tried against a
   * pending sign-in) BEFORE the attempt is checked. Atomically: when the user has a record of `purpose` that has not
   * expired at `now` and has had fewer than `maxAttempts` attempts, its count goes up by one and the call resolves
   * `true`; otherwise it resolves `false` and changes nothing: a record that has used all its attempts stays void (no
   * further attempt is granted) until a new token replaces it or `deleteExpired` removes it. It is not deleted, so an
   * attempt granted before — still being checked — can spend it: of N concurrent uses of the right code, one wins.
   * Of N concurrent calls on a record with k attempts used, exactly
   * max(0, min(N, maxAttempts - k)) resolve `true`. A new record of the user and purpose (createVerification)
   * starts at 0 attempts. Records without a user are never counted. {@link StorageAdapter.findVerification}
   * neither reads nor resets the count. A `maxAttempts` that is not a positive integer, or an invalid `now`, is a
   * `TypeError` (nothing counted).
   */
  reserveVerificationAttempt(userId: string, purpose: string, maxAttempts: number, now: Date): Promise<boolean>;
  /**
   * Optional, read-only. The sign-in rules of the user base this storage holds (see {@link StoragePolicy});
   * absent: none beyond AuthSkill's own options.
   */
  readonly policy?: StoragePolicy;
  /**
   * The second-factor operations (TOTP, recovery codes, passkeys; see {@link SecondFactorStorage}). Every adapter of
   * auth-skill has them; an adapter without them cannot serve the `totp` and `passkeys` options (`CONFIG_ERROR`).
   */
  readonly secondFactors?: SecondFactorStorage;
}
