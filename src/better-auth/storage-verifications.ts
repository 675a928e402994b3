import { sql } from "kysely";
import type { VerificationRecord } from "../storage/adapter.js";
import { fromDb, toDb, type Db } from "./db.js";

/**
 * Single-use tokens in Better Auth's `verification(identifier, value, expiresAt)` table, next to Better Auth's
 * own rows and apart from them: `identifier = "auth-skill:<purpose>:<tokenHash>"` (Better Auth indexes
 * `identifier`; its own identifiers never start with "auth-skill:"), `value` = `{"userId": ...}` as JSON, with
 * `"payload"` after it when the token carries one (rows written before payloads lack it: read as `null`) and
 * `"attempts"` once `reserveVerificationAttempt` has counted one (absent: 0).
 * A token hash is an HMAC of 256 random bits, so uniqueness holds by construction (the column has no
 * unique index). Consuming is one `DELETE ... RETURNING`: of concurrent callers exactly one gets the row.
 */
export const VERIFICATION_PREFIX = "auth-skill:";

const identifier = (purpose: string, tokenHash: string) => `${VERIFICATION_PREFIX}${purpose}:${tokenHash}`;
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The JSON `value` of a token: `{"userId":...}` first, so a user's rows can be found by prefix; attempts last, when counted. */
function storedValue(v: Pick<VerificationRecord, "userId" | "payload">, attempts = 0): string {
  return JSON.stringify({
    userId: v.userId,
    ...(v.payload === undefined || v.payload === null ? {} : { payload: v.payload }),
    ...(attempts === 0 ? {} : { attempts }),
  });
}

/** A stored value: its user, payload and attempts (absent: 0; anything but a count: spent, so it fails closed). */
function parseValue(value: unknown): { userId: string | null; payload: string | null; attempts: number } {
  try {
    const parsed = JSON.parse(String(value)) as { userId?: unknown; payload?: unknown; attempts?: unknown };
    const { attempts = 0 } = parsed;
    return {
      userId: typeof parsed?.userId === "string" ? parsed.userId : null,
      payload: typeof parsed?.payload === "string" ? parsed.payload : null,
      attempts: Number.isSafeInteger(attempts) && (attempts as number) >= 0 ? (attempts as number) : Number.POSITIVE_INFINITY,
    };
  } catch {
    return { userId: null, payload: null, attempts: 0 }; // not one of ours after all: no user
  }
}

/**
 * Ids of our token rows naming `userId` (of `purpose`, or of any purpose): a prefix match on `identifier` and on
 * `value`, then an exact check of the parsed value (SQLite's LIKE ignores ASCII case).
 */
export async function userTokenIds(kysely: Db["kysely"], userId: string, purpose?: string): Promise<string[]> {
  const start = escapeLike(`{"userId":${JSON.stringify(userId)}`);
  const rows = await kysely
    .selectFrom("verification")
    .select(["id", "identifier", "value"])
    .where(
      sql<boolean>`${sql.ref("identifier")} like ${`${escapeLike(purpose === undefined ? VERIFICATION_PREFIX : `${VERIFICATION_PREFIX}${purpose}:`)}%`} escape '\\'`,
    )
    .where((eb) =>
      eb.or([sql<boolean>`${sql.ref("value")} like ${`${start},%`} escape '\\'`, sql<boolean>`${sql.ref("value")} like ${`${start}}`} escape '\\'`]),
    )
    .execute();
  const prefix = purpose === undefined ? null : `${VERIFICATION_PREFIX}${purpose}:`;
  return rows
    .filter(
      (r) =>
        parseValue(r.value).userId === userId &&
        (prefix === null || (String(r.identifier).startsWith(prefix) && !String(r.identifier).slice(prefix.length).includes(":"))),
    )
    .map((r) => String(r.id));
}

/** Locks the user's row until the transaction ends (PostgreSQL `FOR NO KEY UPDATE`; SQLite runs one write transaction at a time). */
async function lockUser(db: Db, trx: Db["kysely"], userId: string): Promise<void> {
  if (db.dialect === "postgres") await sql`select ${sql.ref("id")} from ${sql.table("user")} where ${sql.ref("id")} = ${userId} for no key update`.execute(trx);
}

/**
 * Stores a single-use token. With a user: one transaction that locks the user's row (PostgreSQL `FOR NO KEY
 * UPDATE`; SQLite runs one write transaction at a time), deletes the user's older tokens of the purpose and
 * inserts this one, so of concurrent calls for one user and purpose exactly one record remains.
 */
export async function createVerification(db: Db, v: VerificationRecord): Promise<void> {
  const row = {
    id: v.id,
    identifier: identifier(v.purpose, v.tokenHash),
    value: storedValue(v),
    expiresAt: toDb(db, v.expiresAt),
    createdAt: toDb(db, v.createdAt),
    updatedAt: toDb(db, v.createdAt),
  };
  const { userId } = v;
  if (userId === null) {
    await db.kysely.insertInto("verification").values(row).execute();
    return;
  }
  await db.kysely.transaction().execute(async (trx) => {
    await lockUser(db, trx, userId);
    const older = await userTokenIds(trx, userId, v.purpose);
    if (older.length > 0) await trx.deleteFrom("verification").where("id", "in", older).execute();
    await trx.insertInto("verification").values(row).execute();
  });
}

/**
 * The token's row, expired or not: one SELECT on the indexed `identifier`. A voided token is never read:
 * {@link createVerification} deletes it in the transaction that inserts its successor.
 */
export async function findVerification(db: Db, tokenHash: string, purpose: string): Promise<VerificationRecord | null> {
  const row = await db.kysely
    .selectFrom("verification")
    .select(["id", "value", "createdAt", "expiresAt"])
    .where("identifier", "=", identifier(purpose, tokenHash))
    .executeTakeFirst();
  return row ? toRecord(row, tokenHash, purpose) : null;
}

/** Deletes the token's row and resolves it, unless it expired at `now` (then it is deleted all the same). */
export async function consumeVerification(db: Db, tokenHash: string, purpose: string, now: Date): Promise<VerificationRecord | null> {
  const row = await db.kysely
    .deleteFrom("verification")
    .where("identifier", "=", identifier(purpose, tokenHash))
    .returning(["id", "value", "createdAt", "expiresAt"])
    .executeTakeFirst();
  if (!row) return null;
  const record = toRecord(row, tokenHash, purpose);
  return record.expiresAt.getTime() > now.getTime() ? record : null;
}

function toRecord(row: { id: unknown; value: unknown; createdAt: unknown; expiresAt: unknown }, tokenHash: string, purpose: string): VerificationRecord {
  const { userId, payload } = parseValue(row.value);
  return { id: String(row.id), purpose, userId, tokenHash, createdAt: fromDb(row.createdAt), expiresAt: fromDb(row.expiresAt), payload };
}

/**
 * Counts one attempt at the user's token of `purpose` (see `StorageAdapter.reserveVerificationAttempt`): one
 * transaction that locks the user's row as {@link createVerification} does, then the token's row (PostgreSQL
 * `FOR UPDATE`, which re-reads it once the lock is granted), and rewrites `attempts` in its `value`, or deletes
 * the row when it is spent or expired. Concurrent calls queue on the locks (SQLite: one write transaction at a
 * time), so exactly the attempts left are granted.
 */
export async function reserveVerificationAttempt(db: Db, userId: string, purpose: string, maxAttempts: number, now: Date): Promise<boolean> {
  return db.kysely.transaction().execute(async (trx) => {
    await lockUser(db, trx, userId);
    const ids = await userTokenIds(trx, userId, purpose);
    if (ids.length === 0) return false;
    const select = trx.selectFrom("verification").select(["id", "value", "expiresAt"]).where("id", "in", ids);
    const rows = await (db.dialect === "postgres" ? select.forUpdate() : select).execute();
    let granted = false;
    for (const row of rows) {
      const value = parseValue(row.value);
      if (value.userId !== userId) continue;
      if (!granted && fromDb(row.expiresAt).getTime() > now.getTime() && value.attempts < maxAttempts) {
        const next = storedValue(value, value.attempts + 1);
        await trx
          .updateTable("verification")
          .set({ value: next, updatedAt: toDb(db, now) })
          .where("id", "=", row.id)
          .execute();
        granted = true;
      } // else spent or expired: void, left for an attempt granted before to spend (and deleteExpired)
    }
    return granted;
  });
}
