import { sql } from "kysely";
import { randomId } from "../ids.js";
import type { PasskeyRecord } from "../storage/second-factor.js";
import type { AnyKysely } from "../adapters/sql/any-kysely.js";
import { boolFromDb, boolToDb, fromDbNullable, PASSKEY_TABLE, toDb, type Db } from "./db.js";
import { pluginTable, requirePluginTable } from "./plugin-tables.js";

/**
 * Passkeys on the table of Better Auth's passkey plugin (`@better-auth/passkey`): `passkey(id, name, publicKey,
 * userId, credentialID, counter, deviceType, backedUp, transports, createdAt, aaguid[, updatedAt])`. Our
 * `PasskeyRecord.id` (the WebAuthn credential id, base64url) is `credentialID`; Better Auth's own `id` is a row id.
 * The COSE public key is standard base64 there (Better Auth's `base64.encode`), base64url here; `transports` is
 * comma-joined there.
 *
 * Better Auth keeps no WebAuthn user handle: its registration options use a fresh random `user.id` each time and
 * its sign-in never reads the handle back. The handle of a passkey registered through AuthSkill is kept in our
 * `authSkillPasskey(credentialID, userId, userHandle, lastUsedAt)`, with the last use (Better Auth has no such
 * column). A passkey registered through Better Auth reads with `userHandle: ""` (unknown) — it is found by its
 * credential id, as Better Auth finds it. The plugin's `counter` is an `integer` (32-bit on PostgreSQL): a counter
 * above 2^31 − 1 is written there as 2^31 − 1 and kept whole in ours, and a read takes the larger of the two (a
 * use through Better Auth moves its column only). Without the `passkey` table reads find nothing and writes are
 * `CONFIG_ERROR` naming the plugin.
 */
type Row = Record<string, unknown>;

const text = (v: unknown) => (typeof v === "string" ? v : null);
/** The largest value of Better Auth's `passkey.counter` (`integer`) on every dialect. */
const MAX_INT = 2 ** 31 - 1;
const theirCounter = (counter: number) => Math.min(counter, MAX_INT);

/**
 * A public key as Better Auth stores it (standard base64) from ours (base64url). A string that is not canonical
 * base64url (no key a WebAuthn library produced) is stored as it is, so that it reads back unchanged.
 */
function toStoredKey(key: string): string {
  const bytes = Buffer.from(key, "base64url");
  return bytes.toString("base64url") === key ? bytes.toString("base64") : key;
}

/** Ours from Better Auth's: base64url as is (unpadded base64 without `+` or `/` is the same text), else converted. */
function fromStoredKey(stored: string): string {
  return /^[A-Za-z0-9_-]*$/.test(stored) ? stored : Buffer.from(stored, "base64").toString("base64url");
}

function toRecord(row: Row): PasskeyRecord {
  const transports = text(row.transports);
  return {
    id: String(row.credentialID),
    userId: String(row.userId),
    userHandle: text(row.ourUserHandle) ?? "",
    publicKey: fromStoredKey(String(row.publicKey)),
    counter: Math.max(Number(row.counter ?? 0), Number(row.ourCounter ?? 0)), // bigint: a string from pg
    transports: transports ? transports.split(",").filter((t) => t !== "") : [],
    deviceType: row.deviceType === "multiDevice" ? "multiDevice" : "singleDevice",
    backedUp: boolFromDb(row.backedUp),
    name: text(row.name),
    createdAt: fromDbNullable(row.createdAt) ?? new Date(0),
    lastUsedAt: fromDbNullable(row.ourLastUsedAt),
  };
}

function select(kysely: AnyKysely) {
  return kysely
    .selectFrom("passkey as p")
    .leftJoin(`${PASSKEY_TABLE} as o`, "o.credentialID", "p.credentialID")
    .selectAll("p")
    .select(["o.userHandle as ourUserHandle", "o.lastUsedAt as ourLastUsedAt", "o.counter as ourCounter"]);
}

/**
 * See `SecondFactorStorage.createPasskey`. Better Auth's `credentialID` has an index but no unique constraint: the
 * check and the insert run in one transaction holding a lock on the id (PostgreSQL advisory lock; SQLite runs one
 * write transaction at a time), so of concurrent calls with one id exactly one inserts.
 */
export async function createPasskey(db: Db, record: PasskeyRecord): Promise<boolean> {
  const columns = await requirePluginTable(db, "passkey");
  return db.kysely.transaction().execute(async (trx) => {
    if (db.dialect === "postgres") await sql`select pg_advisory_xact_lock(hashtextextended(${`passkey:${record.id}`}, 0))`.execute(trx);
    const user = await trx.selectFrom("user").select("id").where("id", "=", record.userId).executeTakeFirst();
    if (!user) throw new Error("createPasskey: no such user");
    const taken = await trx.selectFrom("passkey").select("id").where("credentialID", "=", record.id).executeTakeFirst();
    if (taken) return false;
    await trx
      .insertInto("passkey")
      .values({
        id: randomId(),
        name: record.name,
        publicKey: toStoredKey(record.publicKey),
        userId: record.userId,
        credentialID: record.id,
        counter: theirCounter(record.counter),
        deviceType: record.deviceType,
        backedUp: boolToDb(db, record.backedUp),
        transports: record.transports.length > 0 ? record.transports.join(",") : null,
        createdAt: toDb(db, record.createdAt),
        ...(columns.has("updatedAt") ? { updatedAt: toDb(db, record.createdAt) } : {}),
      })
      .execute();
    const lastUsedAt = record.lastUsedAt ? toDb(db, record.lastUsedAt) : null;
    const ours = { userId: record.userId, userHandle: record.userHandle, counter: record.counter, lastUsedAt };
    await trx
      .insertInto(PASSKEY_TABLE)
      .values({ credentialID: record.id, ...ours })
      .onConflict((oc) => oc.column("credentialID").doUpdateSet(ours))
      .execute();
    return true;
  });
}

/** See `SecondFactorStorage.findPasskey`. */
export async function findPasskey(db: Db, id: string): Promise<PasskeyRecord | null> {
  if (!(await pluginTable(db, "passkey"))) return null;
  const row = await select(db.kysely).where("p.credentialID", "=", id).limit(1).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** See `SecondFactorStorage.listPasskeys`: oldest first. */
export async function listPasskeys(db: Db, userId: string): Promise<PasskeyRecord[]> {
  if (!(await pluginTable(db, "passkey"))) return [];
  const rows = await select(db.kysely).where("p.userId", "=", userId).orderBy("p.createdAt").orderBy("p.id").execute();
  return rows.map(toRecord);
}

/** See `SecondFactorStorage.updatePasskey`: `counter` and `backedUp` in Better Auth's row, `lastUsedAt` in ours. */
export async function updatePasskey(db: Db, id: string, use: { counter: number; backedUp: boolean; lastUsedAt: Date }): Promise<boolean> {
  const columns = await pluginTable(db, "passkey");
  if (!columns) return false;
  return db.kysely.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("passkey").select("userId").where("credentialID", "=", id).executeTakeFirst();
    if (!row) return false;
    await trx
      .updateTable("passkey")
      .set({
        counter: theirCounter(use.counter),
        backedUp: boolToDb(db, use.backedUp),
        ...(columns.has("updatedAt") ? { updatedAt: toDb(db, use.lastUsedAt) } : {}),
      })
      .where("credentialID", "=", id)
      .execute();
    const set = { counter: use.counter, lastUsedAt: toDb(db, use.lastUsedAt) };
    await trx
      .insertInto(PASSKEY_TABLE)
      .values({ credentialID: id, userId: String(row.userId), userHandle: "", ...set })
      .onConflict((oc) => oc.column("credentialID").doUpdateSet(set))
      .execute();
    return true;
  });
}

/** See `SecondFactorStorage.deletePasskey`: only the user's own passkey. */
export async function deletePasskey(db: Db, userId: string, id: string): Promise<boolean> {
  if (!(await pluginTable(db, "passkey"))) return false;
  return db.kysely.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom("passkey").where("credentialID", "=", id).where("userId", "=", userId).executeTakeFirst();
    await trx.deleteFrom(PASSKEY_TABLE).where("credentialID", "=", id).where("userId", "=", userId).execute();
    return deleted.numDeletedRows > 0n;
  });
}
