import type { SessionRecord, UserPatch, UserRecord, VerificationRecord } from "../../storage/adapter.js";
import { amrOf, amrText } from "../../storage/memory.js";
import type { Flag, Millis, SessionsTable, UsersTable, VerificationsTable } from "./schema.js";

/**
 * Records <-> rows. Dates are written as epoch milliseconds and read back from whatever the driver
 * returns for BIGINT (number, string or bigint). Flags are written as `true`/`false`, or as 1/0 where
 * the driver cannot bind booleans (better-sqlite3), and read back from either.
 */

/** How a dialect writes a boolean. */
export type FlagWriter = (value: boolean) => Flag;

/**
 * The flag writer of a dialect: 1/0 for SQLite, booleans elsewhere.
 *
 * @example
 * ```ts
 * flagWriter("sqlite")(true); // 1
 * ```
 */
export function flagWriter(dialect: "sqlite" | "postgres" | "mysql"): FlagWriter {
  return dialect === "sqlite" ? (v) => (v ? 1 : 0) : (v) => v;
}

/**
 * Epoch milliseconds of a date, as stored and as compared in WHERE clauses. Throws `TypeError` for an
 * invalid date.
 *
 * @example
 * ```ts
 * db.deleteFrom("auth_verifications").where("expires_at", "<", millis(now));
 * ```
 */
export function millis(value: Date): number {
  const t = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new TypeError("auth-skill/kysely: invalid date");
  return t;
}
const ms = millis;
const msOrNull = (date: Date | null) => (date === null ? null : ms(date));
const date = (value: Millis) => new Date(Number(value));
const dateOrNull = (value: Millis | null) => (value === null ? null : date(value));
const flag = (value: Flag | string | bigint) => value === true || Number(value) === 1;

/**
 * Roles as stored: a JSON array of strings. NULL (a row from before schema version 2) is no roles; anything
 * else that is not a JSON array of strings is an error, never read as some other set of roles.
 *
 * @example
 * ```ts
 * readRoles('["admin"]'); // ["admin"]
 * ```
 */
export function readRoles(value: string | null): string[] {
  if (value === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((r) => typeof r === "string"))
    throw new Error("auth-skill/kysely: a stored roles value is not a JSON array of strings");
  return parsed;
}
const writeRoles = (roles: readonly string[] | undefined) => JSON.stringify(roles ?? []);

/**
 * A user record as a row to insert.
 *
 * @example
 * ```ts
 * await db.insertInto("auth_users").values(userRow(user, flagWriter("postgres"))).execute();
 * ```
 */
export function userRow(u: UserRecord, writeFlag: FlagWriter): UsersTable {
  return {
    id: u.id,
    email: u.email,
    username: u.username,
    name: u.name,
    email_verified: writeFlag(u.emailVerified),
    password_hash: u.passwordHash,
    created_at: ms(u.createdAt),
    updated_at: ms(u.updatedAt),
    roles: writeRoles(u.roles),
    two_factor_enabled: typeof u.twoFactorEnabled === "boolean" ? writeFlag(u.twoFactorEnabled) : null,
  };
}

/**
 * A users row as a record.
 *
 * @example
 * ```ts
 * const user = toUser(await db.selectFrom("auth_users").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
 * ```
 */
export function toUser(row: UsersTable): UserRecord {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    name: row.name,
    emailVerified: flag(row.email_verified),
    passwordHash: row.password_hash,
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
    roles: readRoles(row.roles ?? null),
    // NULL (never set: no second factor yet, or a row from before version 5) is left out, which reads as false
    ...(row.two_factor_enabled === null || row.two_factor_enabled === undefined ? {} : { twoFactorEnabled: flag(row.two_factor_enabled) }),
  };
}

/**
 * The columns a {@link UserPatch} sets; keys that are absent (or `undefined`) are left alone.
 *
 * @example
 * ```ts
 * userPatchRow({ passwordHash: null, updatedAt: now }, writeFlag); // { password_hash: null, updated_at: 1767225600000 }
 * ```
 */
export function userPatchRow(patch: UserPatch, writeFlag: FlagWriter): Partial<UsersTable> {
  const row: Partial<UsersTable> = {};
  if (patch.passwordHash !== undefined) row.password_hash = patch.passwordHash;
  if (patch.emailVerified !== undefined) row.email_verified = writeFlag(patch.emailVerified);
  if (patch.name !== undefined) row.name = patch.name;
  if (patch.updatedAt !== undefined) row.updated_at = ms(patch.updatedAt);
  if (patch.roles !== undefined) row.roles = writeRoles(patch.roles);
  if (patch.email !== undefined) row.email = patch.email;
  return row;
}

/**
 * A session record as a row to insert.
 *
 * @example
 * ```ts
 * await db.insertInto("auth_sessions").values(sessionRow(session, flagWriter("postgres"))).execute();
 * ```
 */
export function sessionRow(s: SessionRecord, writeFlag: FlagWriter): SessionsTable {
  return {
    id: s.id,
    user_id: s.userId,
    token_hash: s.tokenHash,
    generation: s.generation,
    rotated_at: msOrNull(s.rotatedAt),
    successor: s.successor,
    created_at: ms(s.createdAt),
    expires_at: ms(s.expiresAt),
    last_used_at: ms(s.lastUsedAt),
    revoked_at: msOrNull(s.revokedAt),
    ip_address: s.ipAddress,
    user_agent: s.userAgent,
    persistent: typeof s.persistent === "boolean" ? writeFlag(s.persistent) : null,
    amr: amrText(s.amr, "auth-skill/kysely"),
  };
}

/**
 * A sessions row as a record.
 *
 * @example
 * ```ts
 * const session = row ? toSession(row) : null;
 * ```
 */
export function toSession(row: SessionsTable): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    generation: Number(row.generation),
    rotatedAt: dateOrNull(row.rotated_at),
    successor: row.successor,
    createdAt: date(row.created_at),
    expiresAt: date(row.expires_at),
    lastUsedAt: date(row.last_used_at),
    revokedAt: dateOrNull(row.revoked_at),
    ipAddress: row.ip_address,
    userAgent: row.user_agent,
    // NULL (a row from before version 3, or a record stored without the field) is left out: remember-me
    ...(row.persistent === null || row.persistent === undefined ? {} : { persistent: flag(row.persistent) }),
    ...amrOf(row.amr), // NULL (none, or a row from before version 4): left out, unknown
  };
}

/**
 * A verification record as a row to insert.
 *
 * @example
 * ```ts
 * await db.insertInto("auth_verifications").values(verificationRow(record)).execute();
 * ```
 */
export function verificationRow(v: VerificationRecord): VerificationsTable {
  return {
    id: v.id,
    purpose: v.purpose,
    user_id: v.userId,
    token_hash: v.tokenHash,
    created_at: ms(v.createdAt),
    expires_at: ms(v.expiresAt),
    payload: v.payload ?? null,
  };
}

/**
 * A verifications row as a record.
 *
 * @example
 * ```ts
 * const record = toVerification(row);
 * ```
 */
export function toVerification(row: VerificationsTable): VerificationRecord {
  return {
    id: row.id,
    purpose: row.purpose,
    userId: row.user_id,
    tokenHash: row.token_hash,
    createdAt: date(row.created_at),
    expiresAt: date(row.expires_at),
    payload: row.payload ?? null,
  };
}
