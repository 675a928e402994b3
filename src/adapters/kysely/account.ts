import { sql, type Kysely } from "kysely";
import type { SessionSummary, UpdateUserResult, UserPatch, VerificationRecord } from "../../storage/adapter.js";
import type { KyselyDialect } from "./dialect.js";
import { millis, toUser, toVerification, userPatchRow, verificationRow, type FlagWriter } from "./rows.js";
import type { Tables, UsersTable } from "./schema.js";

/**
 * The adapter's account-lifecycle operations: patching a user (email included), deleting one with everything
 * that acts as them, listing live sessions, and single-use tokens that void their predecessors.
 */
export interface AccountContext {
  db: Kysely<Tables>;
  dialect: KyselyDialect;
  /** Table names as the queries see them (the prefixed names at runtime). */
  users: "users";
  sessions: "sessions";
  verifications: "verifications";
  totp: "totp";
  recoveryCodes: "recovery_codes";
  passkeys: "passkeys";
  writeFlag: FlagWriter;
  /** `UPDATE/DELETE ... RETURNING` (PostgreSQL, SQLite). */
  returning: boolean;
  /** The unique index a driver error names, as a user conflict. */
  conflictOf: (err: unknown) => "email" | "username" | null;
}

/**
 * One UPDATE (with `RETURNING` where the dialect has it; on MySQL the UPDATE and a read of the locked row
 * share a transaction). The unique index on email decides concurrent claims; its violation is the conflict.
 */
export async function updateUser(c: AccountContext, id: string, patch: UserPatch): Promise<UpdateUserResult> {
  const set = userPatchRow(patch, c.writeFlag);
  const apply = async (db: Kysely<Tables>): Promise<UsersTable | undefined> => {
    if (Object.keys(set).length === 0) return db.selectFrom(c.users).selectAll().where("id", "=", id).executeTakeFirst();
    if (c.returning) return db.updateTable(c.users).set(set).where("id", "=", id).returningAll().executeTakeFirst();
    await db.updateTable(c.users).set(set).where("id", "=", id).execute();
    return db.selectFrom(c.users).selectAll().where("id", "=", id).executeTakeFirst();
  };
  let row: UsersTable | undefined;
  try {
    row = c.returning || Object.keys(set).length === 0 ? await apply(c.db) : await c.db.transaction().execute(apply);
  } catch (err) {
    if (patch.email !== undefined && c.conflictOf(err) === "email") return { ok: false, reason: "conflict", conflict: "email" };
    throw err;
  }
  return row ? { ok: true, user: toUser(row) } : { ok: false, reason: "not_found" };
}

/**
 * Locks the user's row until the transaction ends (PostgreSQL `FOR NO KEY UPDATE`, which session inserts'
 * foreign-key checks do not wait for; MySQL `FOR UPDATE`); SQLite runs one write transaction at a time.
 */
async function lockUser(c: AccountContext, trx: Kysely<Tables>, userId: string): Promise<void> {
  if (c.dialect === "sqlite") return;
  const lock = c.dialect === "postgres" ? sql`for no key update` : sql`for update`;
  await sql`select ${sql.ref("id")} from ${sql.table(c.users)} where ${sql.ref("id")} = ${userId} ${lock}`.execute(trx);
}

/**
 * One transaction: the user's single-use tokens, sessions, second factors (TOTP, recovery codes, passkeys), then the user. A session inserted concurrently
 * either fails its foreign key or is removed by the `ON DELETE CASCADE` of the user's row.
 */
export async function deleteUser(c: AccountContext, userId: string): Promise<boolean> {
  return c.db.transaction().execute(async (trx) => {
    await lockUser(c, trx, userId);
    await trx.deleteFrom(c.verifications).where("user_id", "=", userId).execute();
    await trx.deleteFrom(c.sessions).where("user_id", "=", userId).execute();
    await trx.deleteFrom(c.recoveryCodes).where("user_id", "=", userId).execute();
    await trx.deleteFrom(c.totp).where("user_id", "=", userId).execute();
    await trx.deleteFrom(c.passkeys).where("user_id", "=", userId).execute();
    const deleted = await trx.deleteFrom(c.users).where("id", "=", userId).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  });
}

/** One indexed SELECT (user_id), newest first. */
export async function listUserSessions(c: AccountContext, userId: string, now: Date): Promise<SessionSummary[]> {
  const rows = await c.db
    .selectFrom(c.sessions)
    .select(["id", "user_id", "created_at", "last_used_at", "expires_at", "ip_address", "user_agent"])
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", millis(now))
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    createdAt: new Date(Number(r.created_at)),
    lastUsedAt: new Date(Number(r.last_used_at)),
    expiresAt: new Date(Number(r.expires_at)),
    ipAddress: r.ip_address,
    userAgent: r.user_agent,
  }));
}

/**
 * A transaction holding the user's row lock: delete the user's older tokens of this purpose, insert the new
 * one. Concurrent calls for one user queue on the lock, so exactly one record per user and purpose remains.
 */
export async function createVerification(c: AccountContext, record: VerificationRecord): Promise<void> {
  const row = verificationRow(record);
  const { userId } = record;
  if (userId === null) {
    await c.db.insertInto(c.verifications).values(row).execute();
    return;
  }
  await c.db.transaction().execute(async (trx) => {
    await lockUser(c, trx, userId);
    await trx.deleteFrom(c.verifications).where("user_id", "=", userId).where("purpose", "=", record.purpose).execute();
    await trx.insertInto(c.verifications).values(row).execute();
  });
}

/**
 * One indexed SELECT (token_hash), blind to expiry. A voided token is never read: {@link createVerification}
 * deletes it in the transaction that inserts its successor.
 */
export async function findVerification(c: AccountContext, tokenHash: string, purpose: string): Promise<VerificationRecord | null> {
  const row = await c.db.selectFrom(c.verifications).selectAll().where("token_hash", "=", tokenHash).where("purpose", "=", purpose).executeTakeFirst();
  return row ? toVerification(row) : null;
}

/**
 * One guarded UPDATE (`attempts = attempts + 1 WHERE user_id, purpose match AND attempts < max AND expires_at >
 * now`): the row lock it takes makes concurrent callers queue, and each re-reads the count, so exactly the
 * attempts left are granted. When it updates nothing, a DELETE of the user's row of the purpose that is spent or
 * expired voids the token (a row put in its place meanwhile is new, so neither condition holds for it).
 */
export async function reserveVerificationAttempt(c: AccountContext, userId: string, purpose: string, maxAttempts: number, now: Date): Promise<boolean> {
  const at = millis(now);
  const updated = await c.db
    .updateTable(c.verifications)
    .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
    .where("user_id", "=", userId)
    .where("purpose", "=", purpose)
    .where("attempts", "<", maxAttempts)
    .where("expires_at", ">", at)
    .executeTakeFirst();
  // none updated: no token, or one spent or expired — void, left for a granted attempt to spend (and deleteExpired)
  return Number(updated.numUpdatedRows) > 0;
}
