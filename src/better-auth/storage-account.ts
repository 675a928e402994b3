import type { SessionSummary } from "../storage/adapter.js";
import { newestFirst } from "../storage/memory.js";
import { earlier, fromDb, toDb, type Db } from "./db.js";
import { userTokenIds } from "./storage-verifications.js";

/**
 * The bridge's account-lifecycle reads and deletes over Better Auth's tables and auth-skill's refresh table.
 */

const text = (value: unknown) => (typeof value === "string" ? value : null);

/**
 * Deletes a user as Better Auth's own `deleteUser` does — their sessions, accounts and user row — plus auth-skill's
 * refresh families and single-use tokens of the user, in one transaction (rows of other plugins' tables go with
 * the user row through their foreign keys). A session being created concurrently fails its foreign key to `user`.
 */
export async function deleteUser(db: Db, userId: string): Promise<boolean> {
  return db.kysely.transaction().execute(async (trx) => {
    await trx.deleteFrom(db.refresh).where("userId", "=", userId).execute();
    await trx.deleteFrom("session").where("userId", "=", userId).execute();
    const tokens = await userTokenIds(trx, userId);
    if (tokens.length > 0) await trx.deleteFrom("verification").where("id", "in", tokens).execute();
    await trx.deleteFrom("account").where("userId", "=", userId).execute();
    const deleted = await trx.deleteFrom("user").where("id", "=", userId).executeTakeFirst();
    return deleted.numDeletedRows > 0n;
  });
}

/**
 * The user's live sessions: every Better Auth session row of the user that has not expired — signed in through
 * AuthSkill (joined to its refresh family, which must be unrevoked and unexpired too) or through Better Auth
 * itself (then `lastUsedAt` is the row's `updatedAt`). Each id works with `revokeSession`.
 */
export async function listUserSessions(db: Db, userId: string, now: Date): Promise<SessionSummary[]> {
  const at = toDb(db, now);
  const rows = await db.kysely
    .selectFrom("session as s")
    .leftJoin(`${db.refresh} as r`, "r.sessionId", "s.id")
    .select([
      "s.id as id",
      "s.createdAt as baCreatedAt",
      "s.updatedAt as baUpdatedAt",
      "s.expiresAt as baExpiresAt",
      "s.ipAddress as baIp",
      "s.userAgent as baUserAgent",
      "r.sessionId as ours",
      "r.createdAt as createdAt",
      "r.lastUsedAt as lastUsedAt",
      "r.expiresAt as expiresAt",
      "r.ipAddress as ipAddress",
      "r.userAgent as userAgent",
    ]) // prettier-ignore
    .where("s.userId", "=", userId)
    .where("s.expiresAt", ">", at)
    .where((eb) => eb.or([eb("r.sessionId", "is", null), eb.and([eb("r.revokedAt", "is", null), eb("r.expiresAt", ">", at)])]))
    .execute();
  return rows
    .map((r): SessionSummary => {
      const ours = r.ours !== null && r.ours !== undefined;
      return {
        id: String(r.id),
        userId,
        createdAt: fromDb(ours ? r.createdAt : r.baCreatedAt),
        lastUsedAt: fromDb(ours ? r.lastUsedAt : r.baUpdatedAt),
        expiresAt: ours ? earlier(fromDb(r.expiresAt), fromDb(r.baExpiresAt)) : fromDb(r.baExpiresAt),
        ipAddress: text(ours ? r.ipAddress : r.baIp),
        userAgent: text(ours ? r.userAgent : r.baUserAgent),
      };
    })
    .sort(newestFirst);
}
