import { createHash, timingSafeEqual } from "node:crypto";
import { sql } from "kysely";
import { randomId } from "../ids.js";
import type { ActivateTotpInput, TotpRecord } from "../storage/second-factor.js";
import type { AnyKysely } from "../adapters/sql/any-kysely.js";
import { boolToDb, fromDb, fromDbNullable, toDb, TOTP_TABLE, type Db } from "./db.js";
import { pluginTable, requirePluginTable } from "./plugin-tables.js";
import { openBackupCodes, sealBackupCodes, storeBackupCodes } from "./second-factor-codec.js";
import type { KeySecrets } from "./symmetric.js";

/**
 * TOTP enrolments on Better Auth's twoFactor plugin table, so that one enrolment serves both sides.
 *
 * - `twoFactor(id, secret, backupCodes, userId, verified, failedVerificationCount, lockedUntil)` holds the secret
 *   (sealed by the bridge's codec, Better Auth's format) and the backup codes (an encrypted JSON list). A row with
 *   `verified = false` is a pending enrolment, as Better Auth writes it; `verified` true (or NULL, the plugin's
 *   default) is confirmed. `user.twoFactorEnabled` is set by activation and cleared by deletion, as Better Auth does.
 * - `authSkillTotp(userId, lastStep, pendingSecret, updatedAt)` is ours. Better Auth 1.7.25 records no used time
 *   step (better-auth#10387): `lastStep` makes a code accepted once *through AuthSkill* — Better Auth's own
 *   `/two-factor/verify-totp` may still accept that code again within its window. `pendingSecret` holds a
 *   re-enrolment started through AuthSkill while a confirmed secret is in `twoFactor` (Better Auth's row has one
 *   secret): the confirmed one stays active until `activateTotp`.
 * - Better Auth's account lockout is honoured: while `lockedUntil` is in the future, no code and no backup code is
 *   accepted here either.
 * - Without the `twoFactor` table reads answer "no enrolment" and the writes that create one are `CONFIG_ERROR`.
 */
export interface TotpStoreSettings {
  db: Db;
  keySecrets: KeySecrets;
}

interface TwoFactorRow {
  id: string;
  secret: string;
  backupCodes: unknown;
  verified: boolean;
  lockedUntil: Date | null;
  userUpdatedAt: Date;
}

interface OurRow {
  lastStep: number | null;
  pendingSecret: string | null;
  updatedAt: Date;
}

/** Better Auth's `verified`: only a clear false is pending (NULL is the plugin's default, true). */
function verifiedFlag(value: unknown): boolean {
  if (value === false || value === 0 || value === 0n) return false;
  return !(typeof value === "string" && /^(?:0|f|false)$/i.test(value.trim()));
}

async function readRow(kysely: AnyKysely, userId: string): Promise<TwoFactorRow | null> {
  // limit 1 without an order, as Better Auth's `findOne` (a user may have two rows: better-auth#10561)
  const row = await kysely
    .selectFrom("twoFactor as t")
    .innerJoin("user as u", "u.id", "t.userId")
    .selectAll("t")
    .select("u.updatedAt as userUpdatedAt")
    .where("t.userId", "=", userId)
    .limit(1)
    .executeTakeFirst();
  if (!row || typeof row.secret !== "string" || row.secret === "") return null;
  return {
    id: String(row.id),
    secret: row.secret,
    backupCodes: row.backupCodes,
    verified: verifiedFlag(row.verified),
    lockedUntil: fromDbNullable(row.lockedUntil),
    userUpdatedAt: fromDb(row.userUpdatedAt),
  };
}

async function readOurs(kysely: AnyKysely, userId: string): Promise<OurRow | null> {
  const row = await kysely.selectFrom(TOTP_TABLE).select(["lastStep", "pendingSecret", "updatedAt"]).where("userId", "=", userId).executeTakeFirst();
  if (!row) return null;
  return {
    lastStep: row.lastStep === null || row.lastStep === undefined ? null : Number(row.lastStep), // bigint: a string from pg
    pendingSecret: typeof row.pendingSecret === "string" ? row.pendingSecret : null,
    updatedAt: fromDb(row.updatedAt),
  };
}

/** Upserts our row of the user. */
async function writeOurs(db: Db, kysely: AnyKysely, userId: string, set: { lastStep?: number | null; pendingSecret?: string | null }, now: Date) {
  const values = { ...set, updatedAt: toDb(db, now) };
  await kysely
    .insertInto(TOTP_TABLE)
    .values({ userId, lastStep: null, pendingSecret: null, ...values })
    .onConflict((oc) => oc.column("userId").doUpdateSet(values))
    .execute();
}

/** Locks the user's row until the transaction ends (PostgreSQL; SQLite runs one write transaction at a time); whether it exists. */
async function lockUser(db: Db, trx: AnyKysely, userId: string): Promise<boolean> {
  const lock = db.dialect === "postgres" ? sql` for update` : sql``;
  const rows = await sql`select ${sql.ref("id")} from ${sql.table("user")} where ${sql.ref("id")} = ${userId}${lock}`.execute(trx);
  return rows.rows.length > 0;
}

const locked = (row: TwoFactorRow, now: Date) => row.lockedUntil !== null && row.lockedUntil.getTime() > now.getTime();

/** Sets `user.twoFactorEnabled` (the twoFactor plugin's column) and `updatedAt`, as Better Auth's `updateUser`. */
async function setEnabled(db: Db, trx: AnyKysely, userId: string, on: boolean, now: Date) {
  await trx
    .updateTable("user")
    .set({ twoFactorEnabled: boolToDb(db, on), updatedAt: toDb(db, now) })
    .where("id", "=", userId)
    .execute();
}

/** Resets Better Auth's failure count and lock of a row, when the plugin's columns are there. */
function freshLockout(columns: ReadonlySet<string>): Record<string, unknown> {
  return { ...(columns.has("failedVerificationCount") ? { failedVerificationCount: 0 } : {}), ...(columns.has("lockedUntil") ? { lockedUntil: null } : {}) };
}

/** See `SecondFactorStorage.findTotp`. */
export async function findTotp(s: TotpStoreSettings, userId: string): Promise<TotpRecord | null> {
  if (!(await pluginTable(s.db, "twoFactor"))) return null;
  const row = await readRow(s.db.kysely, userId);
  if (!row) return null;
  const ours = await readOurs(s.db.kysely, userId);
  // ours is written by every change made here; an enrolment made by Better Auth alone dates from its user update
  const updatedAt = ours?.updatedAt ?? row.userUpdatedAt;
  const lastStep = ours?.lastStep ?? null;
  if (!row.verified) return { userId, secret: null, pendingSecret: row.secret, lastStep, recoveryCodes: 0, updatedAt };
  const codes = openBackupCodes(row.backupCodes, s.keySecrets)?.codes.length ?? 0;
  return { userId, secret: row.secret, pendingSecret: ours?.pendingSecret ?? null, lastStep, recoveryCodes: codes, updatedAt };
}

/**
 * See `SecondFactorStorage.setPendingTotp`. A first enrolment is a `twoFactor` row with `verified = false` (and an
 * empty backup-code list), as Better Auth's `/two-factor/enable` writes it; a pending row is updated in place; with a
 * confirmed row the pending secret waits in `authSkillTotp`.
 */
export async function setPendingTotp(s: TotpStoreSettings, userId: string, pendingSecret: string, now: Date): Promise<boolean> {
  const columns = await requirePluginTable(s.db, "twoFactor");
  const { db } = s;
  return db.kysely.transaction().execute(async (trx) => {
    if (!(await lockUser(db, trx, userId))) return false;
    const row = await readRow(trx, userId);
    if (row?.verified) {
      await writeOurs(db, trx, userId, { pendingSecret }, now);
      return true;
    }
    if (row) {
      await trx.updateTable("twoFactor").set({ secret: pendingSecret }).where("id", "=", row.id).execute();
    } else {
      await trx
        .insertInto("twoFactor")
        .values({
          id: randomId(),
          secret: pendingSecret,
          backupCodes: sealBackupCodes([], s.keySecrets),
          userId,
          verified: boolToDb(db, false),
          ...freshLockout(columns),
        })
        .execute();
    }
    await writeOurs(db, trx, userId, { pendingSecret: null }, now);
    return true;
  });
}

/**
 * See `SecondFactorStorage.activateTotp`: the pending secret becomes the `twoFactor` row's confirmed secret
 * (`verified = true`), `input.recoveryCodes` (plaintext: the codec's keys) its encrypted backup codes,
 * `user.twoFactorEnabled` true and our `lastStep` the confirming step — one transaction holding the user's row.
 */
export async function activateTotp(s: TotpStoreSettings, input: ActivateTotpInput): Promise<boolean> {
  const columns = await requirePluginTable(s.db, "twoFactor");
  const { db } = s;
  const { userId, pendingSecret, step, recoveryCodes, now } = input;
  return db.kysely.transaction().execute(async (trx) => {
    if (!(await lockUser(db, trx, userId))) return false;
    const row = await readRow(trx, userId);
    if (!row) return false;
    const ours = await readOurs(trx, userId);
    const confirms = row.verified ? ours?.pendingSecret === pendingSecret : row.secret === pendingSecret;
    if (!confirms) return false;
    const backupCodes = sealBackupCodes(recoveryCodes, s.keySecrets);
    await trx
      .updateTable("twoFactor")
      .set({ secret: pendingSecret, backupCodes, verified: boolToDb(db, true), ...freshLockout(columns) })
      .where("id", "=", row.id)
      .execute();
    await writeOurs(db, trx, userId, { lastStep: step, pendingSecret: null }, now);
    await setEnabled(db, trx, userId, true, now);
    return true;
  });
}

/**
 * See `SecondFactorStorage.acceptTotpStep`: a conditional write on our `lastStep` (`lastStep IS NULL OR lastStep <
 * step`), for a user whose `twoFactor` row is confirmed and not locked by Better Auth's lockout.
 */
export async function acceptTotpStep(s: TotpStoreSettings, userId: string, step: number, now: Date): Promise<boolean> {
  if (!Number.isSafeInteger(step) || step < 0) return false;
  if (!(await pluginTable(s.db, "twoFactor"))) return false;
  const { db } = s;
  const row = await readRow(db.kysely, userId);
  if (!row?.verified || locked(row, now)) return false;
  await db.kysely
    .insertInto(TOTP_TABLE)
    .values({ userId, lastStep: null, pendingSecret: null, updatedAt: toDb(db, now) })
    .onConflict((oc) => oc.column("userId").doNothing())
    .execute();
  const result = await db.kysely
    .updateTable(TOTP_TABLE)
    .set({ lastStep: step, updatedAt: toDb(db, now) })
    .where("userId", "=", userId)
    .where((eb) => eb.or([eb("lastStep", "is", null), eb("lastStep", "<", step)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** See `SecondFactorStorage.deleteTotp`: the user's `twoFactor` rows, our row, and `user.twoFactorEnabled` false. */
export async function deleteTotp(s: TotpStoreSettings, userId: string, now: Date): Promise<boolean> {
  if (!(await pluginTable(s.db, "twoFactor"))) return false;
  const { db } = s;
  return db.kysely.transaction().execute(async (trx) => {
    if (!(await lockUser(db, trx, userId))) return false;
    const deleted = await trx.deleteFrom("twoFactor").where("userId", "=", userId).executeTakeFirst();
    const ours = await trx.deleteFrom(TOTP_TABLE).where("userId", "=", userId).where("pendingSecret", "is not", null).executeTakeFirst();
    await trx.deleteFrom(TOTP_TABLE).where("userId", "=", userId).execute();
    await setEnabled(db, trx, userId, false, now);
    return deleted.numDeletedRows > 0n || ours.numDeletedRows > 0n;
  });
}

/** See `SecondFactorStorage.replaceRecoveryCodes`: a confirmed row's `backupCodes` (encrypted), in its form. */
export async function replaceRecoveryCodes(s: TotpStoreSettings, userId: string, codes: string[], now: Date): Promise<boolean> {
  await requirePluginTable(s.db, "twoFactor");
  const { db } = s;
  return db.kysely.transaction().execute(async (trx) => {
    if (!(await lockUser(db, trx, userId))) return false;
    const row = await readRow(trx, userId);
    if (!row?.verified) return false;
    const plain = openBackupCodes(row.backupCodes, s.keySecrets)?.plain ?? false;
    await trx
      .updateTable("twoFactor")
      .set({ backupCodes: storeBackupCodes(codes, s.keySecrets, plain) })
      .where("id", "=", row.id)
      .execute();
    await writeOurs(db, trx, userId, {}, now);
    return true;
  });
}

/** Compare-and-set rounds a consumption tries before answering `false` (each lost round is another writer's success). */
const MAX_CAS_ATTEMPTS = 8;

const digest = (code: string) => createHash("sha256").update(code, "utf8").digest();

/** Whether `code` is in `codes`, comparing every entry in constant time. */
function holds(codes: readonly string[], code: string): boolean {
  const wanted = digest(code);
  let found = false;
  for (const c of codes) found = timingSafeEqual(digest(c), wanted) || found;
  return found;
}

/**
 * See `SecondFactorStorage.consumeRecoveryCode`: decrypts the confirmed row's list, removes the code and writes the
 * rest back with `WHERE backupCodes = <the ciphertext read>` — the compare-and-set Better Auth's own
 * `/two-factor/verify-backup-code` uses, so that a code is consumed once across both sides. On PostgreSQL the row is
 * locked for the read and write (concurrent uses of the user's codes queue; SQLite runs one write transaction at a
 * time); a compare-and-set lost to Better Auth's own write is read again (each loss means the list changed).
 */
export async function consumeRecoveryCode(s: TotpStoreSettings, userId: string, code: string, now: Date): Promise<boolean> {
  if (typeof code !== "string" || code === "" || code.length > 256) return false;
  if (!(await pluginTable(s.db, "twoFactor"))) return false;
  const { db } = s;
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const outcome = await db.kysely.transaction().execute(async (trx) => {
      if (db.dialect === "postgres")
        await sql`select ${sql.ref("id")} from ${sql.table("twoFactor")} where ${sql.ref("userId")} = ${userId} for update`.execute(trx);
      const row = await readRow(trx, userId);
      if (!row?.verified || locked(row, now) || typeof row.backupCodes !== "string") return false;
      const stored = openBackupCodes(row.backupCodes, s.keySecrets);
      if (!stored || !holds(stored.codes, code)) return false;
      const rest = stored.codes.filter((c) => c !== code);
      const result = await trx
        .updateTable("twoFactor")
        .set({ backupCodes: storeBackupCodes(rest, s.keySecrets, stored.plain) })
        .where("id", "=", row.id)
        .where("backupCodes", "=", row.backupCodes)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n ? true : "retry";
    });
    if (outcome !== "retry") return outcome;
  }
  return false;
}
