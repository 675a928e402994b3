import { sql } from "kysely";
import { uniqueViolation } from "../adapters/sql/driver-errors.js";
import { randomId } from "../ids.js";
import { AuthError } from "../errors.js";
import type { CreateUserResult, UpdateUserResult, UserPatch, UserRecord } from "../storage/adapter.js";
import { boolFromDb, boolToDb, fromDb, toDb, type Db } from "./db.js";
import { gateFields, roleColumn, rolesOf } from "./plugin-columns.js";
import type { AnyKysely } from "../adapters/sql/any-kysely.js";

/**
 * Users on Better Auth's tables: a `UserRecord` is a `user` row plus the password of its `account` row with
 * `providerId = "credential"` and `accountId = userId` (exactly what Better Auth's email sign-up writes).
 * Better Auth's `user.name` is NOT NULL: a user without a name is stored with `""` and read back as `null`.
 * The admin plugin's ban and the twoFactor plugin's flag are read into `disabledUntil` and `twoFactorEnabled`
 * when their columns exist (see `plugin-columns.ts`), so AuthSkill's signin and refresh honour them; roles are
 * the admin plugin's comma-separated `role` (`[]` without the plugin).
 */
export interface UserStoreSettings {
  db: Db;
  /** Read and write the username plugin's `username` (and `displayUsername`) columns. */
  usernames: boolean;
  now: () => Date;
}

const CREDENTIAL = "credential";

/** A failure of a unique index on `user`, as `email` or `username`; `null` for any other error. */
export function uniqueConflict(err: unknown): "email" | "username" | null {
  // PostgreSQL names the constraint ("user_email_key"); SQLite names the column ("UNIQUE constraint failed: user.email").
  const where = uniqueViolation(err) ?? "";
  if (/^user[._]username(?:_key)?$/.test(where)) return "username";
  if (/^user[._]email(?:_key)?$/.test(where)) return "email";
  return null;
}

// `u.*`: the plugin columns that gate sign-in (banned, banExpires, twoFactorEnabled) come along when they exist.
function selectUsers(s: UserStoreSettings, kysely: AnyKysely = s.db.kysely) {
  return kysely
    .selectFrom("user as u")
    .leftJoin("account as a", (join) => join.onRef("a.userId", "=", "u.id").on("a.providerId", "=", CREDENTIAL))
    .selectAll("u")
    .select("a.password as credentialPassword");
}

function toRecord(s: UserStoreSettings, row: Record<string, unknown>): UserRecord {
  return {
    id: String(row.id),
    email: String(row.email),
    username: s.usernames && typeof row.username === "string" ? row.username : null,
    name: typeof row.name === "string" && row.name !== "" ? row.name : null,
    emailVerified: boolFromDb(row.emailVerified),
    passwordHash: typeof row.credentialPassword === "string" ? row.credentialPassword : null,
    createdAt: fromDb(row.createdAt),
    updatedAt: fromDb(row.updatedAt),
    roles: rolesOf(row),
    ...gateFields(row),
  };
}

/** The user whose `column` equals `value`, or `null`. */
export async function findUser(s: UserStoreSettings, column: "id" | "email" | "username", value: string): Promise<UserRecord | null> {
  if (column === "username" && !s.usernames) return null;
  const row = await selectUsers(s).where(`u.${column}`, "=", value).executeTakeFirst();
  return row ? toRecord(s, row as Record<string, unknown>) : null;
}

/**
 * Inserts the `user` row and its credential `account` row in one transaction. The unique index Better Auth's
 * migration puts on `user.email` (and the username plugin's on `user.username`) decides races.
 */
export async function createUser(s: UserStoreSettings, user: UserRecord): Promise<CreateUserResult> {
  if (user.username !== null && !s.usernames) {
    throw new Error("betterAuthBridge: usernames are off (enable Better Auth's username plugin and the bridge's usernames option)");
  }
  const { db } = s;
  const role = roleColumn(user.roles ?? []); // set only when there are roles: without the admin plugin there is no column
  if (role !== null && !(await hasRoleColumn(db))) throw noRoleColumn();
  try {
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto("user")
        .values({
          id: user.id,
          name: user.name ?? "",
          email: user.email,
          emailVerified: boolToDb(db, user.emailVerified),
          image: null,
          createdAt: toDb(db, user.createdAt),
          updatedAt: toDb(db, user.updatedAt),
          ...(s.usernames ? { username: user.username, displayUsername: user.username } : {}),
          ...(role !== null ? { role } : {}),
        })
        .execute();
      if (user.passwordHash !== null) await insertCredential(s, trx, user.id, user.passwordHash, user.createdAt);
    });
  } catch (err) {
    const conflict = uniqueConflict(err);
    if (conflict) return { ok: false, conflict };
    throw err;
  }
  return { ok: true, user: structuredClone(user) };
}

async function insertCredential(s: UserStoreSettings, kysely: AnyKysely, userId: string, password: string, at: Date): Promise<void> {
  await kysely
    .insertInto("account")
    .values({
      id: randomId(),
      accountId: userId,
      providerId: CREDENTIAL,
      userId,
      password,
      createdAt: toDb(s.db, at),
      updatedAt: toDb(s.db, at),
    })
    .execute();
}

/** Whether `user` has the admin plugin's `role` column (from the catalog of the connection's schema). */
async function hasRoleColumn(db: Db): Promise<boolean> {
  const query =
    db.dialect === "sqlite"
      ? sql`select 1 as one from pragma_table_info('user') where name = 'role'`
      : sql`select 1 as one from information_schema.columns where table_schema = current_schema() and table_name = 'user' and column_name = 'role'`;
  return (await query.execute(db.kysely)).rows.length > 0;
}

const noRoleColumn = () => new AuthError("CONFIG_ERROR", "betterAuthBridge: storing roles needs Better Auth's admin plugin (its user.role column)");

/**
 * Applies a patch: `name`, `email`, `emailVerified`, `updatedAt` and `roles` (the admin plugin's `role`) to the
 * `user` row, `passwordHash` to the credential account's `password` (inserting the credential account for a user
 * who had none, e.g. a social sign-up). One transaction; resolves the user as stored after it. Better Auth's
 * unique index on `user.email` decides concurrent claims of one address (a violation is the conflict).
 * Roles on a database without the admin plugin's column: `CONFIG_ERROR` (none to store is fine).
 */
export async function updateUser(s: UserStoreSettings, id: string, patch: UserPatch): Promise<UpdateUserResult> {
  const { db } = s;
  const values: Record<string, unknown> = {};
  if (patch.name !== undefined) values.name = patch.name ?? "";
  if (patch.email !== undefined) values.email = patch.email;
  if (patch.emailVerified !== undefined) values.emailVerified = boolToDb(db, patch.emailVerified);
  if (patch.updatedAt !== undefined) values.updatedAt = toDb(db, patch.updatedAt);
  const role = patch.roles === undefined ? undefined : roleColumn(patch.roles);
  try {
    return await db.kysely.transaction().execute(async (trx): Promise<UpdateUserResult> => {
      const current = (await trx.selectFrom("user").selectAll().where("id", "=", id).executeTakeFirst()) as Record<string, unknown> | undefined;
      if (!current) return { ok: false, reason: "not_found" };
      if (role !== undefined) {
        if ("role" in current) values.role = role;
        else if (role !== null) throw noRoleColumn();
      }
      if (Object.keys(values).length > 0) await trx.updateTable("user").set(values).where("id", "=", id).execute();
      if (patch.passwordHash !== undefined) {
        const at = patch.updatedAt ?? s.now();
        const updated = await trx
          .updateTable("account")
          .set({ password: patch.passwordHash, updatedAt: toDb(db, at) })
          .where("userId", "=", id)
          .where("providerId", "=", CREDENTIAL)
          .executeTakeFirst();
        if (updated.numUpdatedRows === 0n && patch.passwordHash !== null) await insertCredential(s, trx, id, patch.passwordHash, at);
      }
      const row = await selectUsers(s, trx).where("u.id", "=", id).executeTakeFirstOrThrow();
      return { ok: true, user: toRecord(s, row as Record<string, unknown>) };
    });
  } catch (err) {
    if (patch.email !== undefined && uniqueConflict(err) === "email") return { ok: false, reason: "conflict", conflict: "email" };
    throw err;
  }
}
