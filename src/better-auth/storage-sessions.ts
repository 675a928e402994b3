import { sql } from "kysely";
import type { DeletedCounts, RotateSessionInput, SessionRecord } from "../storage/adapter.js";
import { amrOf, amrText } from "../storage/memory.js";
import { boolFromDb, boolToDb, dateParam, earlier, fromDb, fromDbNullable, toDb, type Db } from "./db.js";
import { newSessionRow } from "./better-auth-sessions.js";
import { VERIFICATION_PREFIX } from "./storage-verifications.js";
import type { AnyExpressionBuilder } from "../adapters/sql/any-kysely.js";

/**
 * Sessions on Better Auth's `session` table plus auth-skill's refresh-token table, one row each, sharing the
 * session id. Better Auth's row is what makes the session live for both sides: Better Auth signing out
 * deletes it, and auth-skill's refresh and revocation checks then fail; auth-skill revoking deletes it, and
 * Better Auth's `getSession` then returns null. Our row keeps the refresh family (hash, generation,
 * successor, absolute expiry) and outlives the other, so a token of an ended session reads as revoked.
 *
 * Expiry: the session ends at the earlier of our absolute expiry and Better Auth's `expiresAt`, and each
 * rotation slides Better Auth's `expiresAt` to `min(absolute expiry, now + session.expiresIn)` (never
 * shortening it), as Better Auth's own `updateAge` refresh does. An idle client therefore loses its session
 * after Better Auth's `expiresIn`, exactly when a browser with the cookie would.
 */
export interface SessionStoreSettings {
  db: Db;
  sessionExpiresInMs: number;
}

class Rollback extends Error {}

/** Better Auth's `expiresAt` for a session last used at `at`. */
function betterAuthExpiry(s: SessionStoreSettings, absolute: Date, at: Date): Date {
  return earlier(absolute, new Date(at.getTime() + s.sessionExpiresInMs));
}

function toRecord(row: Record<string, unknown>, betterAuthExpiresAt: unknown, betterAuthPresent: boolean): SessionRecord {
  const absolute = fromDb(row.expiresAt);
  const lastUsedAt = fromDb(row.lastUsedAt);
  const revokedAt = fromDbNullable(row.revokedAt);
  return {
    id: String(row.sessionId),
    userId: String(row.userId),
    tokenHash: String(row.tokenHash),
    generation: Number(row.generation),
    rotatedAt: fromDbNullable(row.rotatedAt),
    successor: typeof row.successor === "string" ? row.successor : null,
    createdAt: fromDb(row.createdAt),
    expiresAt: betterAuthPresent ? earlier(absolute, fromDb(betterAuthExpiresAt)) : absolute,
    lastUsedAt,
    // Ended through Better Auth (its row is gone): revoked, at the last moment we know it was in use.
    revokedAt: revokedAt ?? (betterAuthPresent ? null : lastUsedAt),
    ipAddress: typeof row.ipAddress === "string" ? row.ipAddress : null,
    userAgent: typeof row.userAgent === "string" ? row.userAgent : null,
    // NULL (a row from before the column, or a record stored without the field): left out, remember-me
    ...(row.persistent === null || row.persistent === undefined ? {} : { persistent: boolFromDb(row.persistent) }),
    ...amrOf(row.amr), // NULL (none, or a row from before the column): left out, unknown
  };
}

/** Inserts our row and, for a live session, Better Auth's row (same id), in one transaction. */
export async function createSession(s: SessionStoreSettings, r: SessionRecord): Promise<void> {
  const { db } = s;
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto(db.refresh)
      .values({
        sessionId: r.id,
        userId: r.userId,
        tokenHash: r.tokenHash,
        generation: r.generation,
        rotatedAt: r.rotatedAt && toDb(db, r.rotatedAt),
        successor: r.successor,
        createdAt: toDb(db, r.createdAt),
        expiresAt: toDb(db, r.expiresAt),
        lastUsedAt: toDb(db, r.lastUsedAt),
        revokedAt: r.revokedAt && toDb(db, r.revokedAt),
        ipAddress: r.ipAddress,
        userAgent: r.userAgent,
        persistent: typeof r.persistent === "boolean" ? boolToDb(db, r.persistent) : null,
        amr: amrText(r.amr, "auth-skill/better-auth"),
      })
      .execute();
    if (r.revokedAt !== null) return;
    const row = newSessionRow(s, {
      id: r.id,
      userId: r.userId,
      expiresAt: betterAuthExpiry(s, r.expiresAt, r.lastUsedAt),
      createdAt: r.createdAt,
      ipAddress: r.ipAddress,
      userAgent: r.userAgent,
    });
    await trx.insertInto("session").values(row).execute();
  });
}

/** Our row joined to Better Auth's, or `null` when we never had this session. */
export async function findSession(s: SessionStoreSettings, id: string): Promise<SessionRecord | null> {
  const row = await s.db.kysely
    .selectFrom(`${s.db.refresh} as r`)
    .leftJoin("session as s", "s.id", "r.sessionId")
    .selectAll("r")
    .select(["s.id as baId", "s.expiresAt as baExpiresAt"])
    .where("r.sessionId", "=", id)
    .executeTakeFirst();
  return row ? toRecord(row as Record<string, unknown>, row.baExpiresAt, row.baId != null) : null;
}

/**
 * The rotation: one conditional UPDATE of our row — still at `generation` with `tokenHash`, not revoked, and
 * Better Auth's row still there and unexpired — then, in the same transaction, Better Auth's `expiresAt`
 * slides forward. Concurrent callers: the UPDATE's row lock (PostgreSQL) or the single connection (SQLite)
 * lets exactly one match; the others see the new generation and update nothing.
 */
export async function rotateSession(s: SessionStoreSettings, input: RotateSessionInput): Promise<SessionRecord | null> {
  const { db } = s;
  const { next } = input;
  try {
    return await db.kysely.transaction().execute(async (trx) => {
      const rotated = await trx
        .updateTable(db.refresh)
        .set((eb) => ({
          tokenHash: next.tokenHash,
          successor: next.successor,
          rotatedAt: toDb(db, next.rotatedAt),
          lastUsedAt: toDb(db, next.lastUsedAt),
          generation: eb("generation", "+", 1),
        }))
        .where("sessionId", "=", input.id)
        .where("generation", "=", input.generation)
        .where("tokenHash", "=", input.tokenHash)
        .where("revokedAt", "is", null)
        .where((eb) =>
          eb.exists(
            eb.selectFrom("session").select(eb.lit(1).as("one")).where("session.id", "=", input.id).where("session.expiresAt", ">", toDb(db, next.lastUsedAt)),
          ),
        )
        .returningAll()
        .executeTakeFirst();
      if (!rotated) return null;
      const slide = dateParam(db, betterAuthExpiry(s, fromDb(rotated.expiresAt), next.lastUsedAt));
      const extended = await trx
        .updateTable("session")
        .set({
          expiresAt: sql`CASE WHEN ${sql.ref("expiresAt")} < ${slide} THEN ${slide} ELSE ${sql.ref("expiresAt")} END`,
          updatedAt: toDb(db, next.lastUsedAt),
        })
        .where("id", "=", input.id)
        .returning("expiresAt")
        .executeTakeFirst();
      if (!extended) throw new Rollback(); // signed out between the two statements
      return toRecord(rotated as Record<string, unknown>, extended.expiresAt, true);
    });
  } catch (err) {
    if (err instanceof Rollback) return null;
    throw err;
  }
}

/** Marks our row revoked and deletes Better Auth's; resolves whether Better Auth's row was still there. */
export async function revokeSession(s: SessionStoreSettings, id: string, at: Date): Promise<boolean> {
  const { db } = s;
  return db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable(db.refresh)
      .set({ revokedAt: toDb(db, at), successor: null })
      .where("sessionId", "=", id)
      .where("revokedAt", "is", null)
      .execute();
    const deleted = await trx.deleteFrom("session").where("id", "=", id).executeTakeFirst();
    return deleted.numDeletedRows > 0n;
  });
}

/** Revokes every family of the user and deletes all their Better Auth sessions (browser ones too). */
export async function revokeUserSessions(s: SessionStoreSettings, userId: string, at: Date): Promise<number> {
  const { db } = s;
  return db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable(db.refresh)
      .set({ revokedAt: toDb(db, at), successor: null })
      .where("userId", "=", userId)
      .where("revokedAt", "is", null)
      .execute();
    const deleted = await trx.deleteFrom("session").where("userId", "=", userId).executeTakeFirst();
    return Number(deleted.numDeletedRows);
  });
}

/**
 * Deletes our rows past their absolute expiry, revoked before `now - keepRevokedMs`, or ended through Better
 * Auth and unused since then; Better Auth session rows whose own `expiresAt` has passed (Better Auth would
 * delete them on their next read) once no row of ours points at them; and our expired single-use tokens.
 */
export async function deleteExpired(s: SessionStoreSettings, now: Date, keepRevokedMs = 0): Promise<DeletedCounts> {
  const { db } = s;
  const cutoff = toDb(db, new Date(now.getTime() - keepRevokedMs));
  const nowDb = toDb(db, now);
  const notOurs = (eb: AnyExpressionBuilder) =>
    eb.not(eb.exists(eb.selectFrom(`${db.refresh} as r`).select(eb.lit(1).as("one")).whereRef("r.sessionId", "=", "session.id")));
  const expiredBetterAuthOnly = () => db.kysely.deleteFrom("session").where("expiresAt", "<", nowDb).where(notOurs).executeTakeFirst();

  const theirs = await expiredBetterAuthOnly();
  const ours = await db.kysely
    .deleteFrom(db.refresh)
    .where((eb) =>
      eb.or([
        eb("expiresAt", "<", nowDb),
        eb.and([eb("revokedAt", "is not", null), eb("revokedAt", "<", cutoff)]),
        eb.and([
          eb.not(eb.exists(eb.selectFrom("session").select(eb.lit(1).as("one")).whereRef("session.id", "=", `${db.refresh}.sessionId`))),
          eb("lastUsedAt", "<", cutoff),
        ]),
      ]),
    )
    .executeTakeFirst();
  await expiredBetterAuthOnly(); // the Better Auth rows of the families just deleted
  const verifications = await db.kysely
    .deleteFrom("verification")
    .where("identifier", "like", `${VERIFICATION_PREFIX}%`)
    .where("expiresAt", "<", nowDb)
    .executeTakeFirst();
  return { sessions: Number(theirs.numDeletedRows + ours.numDeletedRows), verifications: Number(verifications.numDeletedRows) };
}
