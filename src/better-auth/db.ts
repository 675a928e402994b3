import { sql, type RawBuilder } from "kysely";
import { sqlDialectOf } from "../adapters/sql/dialect.js";
import { AuthError } from "../errors.js";
import type { AnyKysely } from "../adapters/sql/any-kysely.js";

/**
 * The SQL dialects the bridge speaks (Better Auth's Kysely adapter stores dates differently in each).
 *
 * @example
 * ```ts
 * betterAuthBridge({ db, secret, dialect: "postgres" }); // normally detected from the Kysely instance
 * ```
 */
export type BridgeDialect = "sqlite" | "postgres";

/**
 * How one Better Auth database is reached: the Kysely instance, its dialect, and our own table's name.
 * Better Auth's own tables keep their default names (`user`, `session`, `account`, `verification`, `jwks`).
 */
export interface Db {
  // Kysely<any>: the tables are Better Auth's and their extra columns depend on its plugins.
  readonly kysely: AnyKysely;
  readonly dialect: BridgeDialect;
  /** Name of auth-skill's refresh-token table. */
  readonly refresh: string;
}

/**
 * The dialect of a Kysely instance (see `sqlDialectOf` in `adapters/sql/dialect.ts`); `CONFIG_ERROR` for anything
 * but SQLite or PostgreSQL.
 */
export function detectDialect(kysely: AnyKysely): BridgeDialect {
  const dialect = sqlDialectOf(kysely);
  if (dialect === "sqlite" || dialect === "postgres") return dialect;
  throw new AuthError("CONFIG_ERROR", 'betterAuthBridge: db must be a Kysely instance over SQLite or PostgreSQL (or pass dialect: "sqlite" | "postgres")');
}

/**
 * A date as Better Auth's Kysely adapter stores it: an ISO-8601 string on SQLite (it declares no date
 * support there), a `Date` (timestamptz) on PostgreSQL. ISO strings of one format compare correctly as text.
 */
export function toDb(db: Db, date: Date): string | Date {
  return db.dialect === "sqlite" ? date.toISOString() : date;
}

/** A date parameter for raw SQL, typed for PostgreSQL. */
export function dateParam(db: Db, date: Date): RawBuilder<unknown> {
  return db.dialect === "sqlite" ? sql`${date.toISOString()}` : sql`${date}::timestamptz`;
}

/** A date read back from either dialect. */
export function fromDb(value: unknown): Date {
  return value instanceof Date ? new Date(value.getTime()) : new Date(value as string | number);
}

/** A date or `null`. */
export function fromDbNullable(value: unknown): Date | null {
  return value === null || value === undefined ? null : fromDb(value);
}

/** A boolean as stored: 0/1 on SQLite, boolean on PostgreSQL. */
export function boolToDb(db: Db, value: boolean): number | boolean {
  return db.dialect === "sqlite" ? (value ? 1 : 0) : value;
}

/** A boolean read back from either dialect. */
export function boolFromDb(value: unknown): boolean {
  return value === true || value === 1 || value === "1" || value === "t";
}

/** The earlier of two dates. */
export function earlier(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

/**
 * Adds a nullable column to a refresh table made before it existed (`persistent`: "remember me", NULL =
 * remember-me; `amr`: the sign-in's methods comma-joined, NULL = unknown). Idempotent, and safe when two processes
 * migrate at once: PostgreSQL's `ADD COLUMN IF NOT EXISTS`; on SQLite (which has no such clause) a failed ALTER is
 * fine when the column is there afterwards.
 */
async function addColumn(db: Db, column: "persistent" | "amr", postgresType: "boolean" | "text", sqliteType: "integer" | "text"): Promise<void> {
  if (db.dialect === "postgres") {
    await sql`alter table ${sql.table(db.refresh)} add column if not exists ${sql.ref(column)} ${sql.raw(postgresType)}`.execute(db.kysely);
    return;
  }
  const has = async () => (await sql`select 1 as one from pragma_table_info(${db.refresh}) where name = ${column}`.execute(db.kysely)).rows.length > 0;
  if (await has()) return;
  try {
    await db.kysely.schema.alterTable(db.refresh).addColumn(column, sqliteType).execute();
  } catch (err) {
    if (!(await has())) throw err;
  }
}

/** auth-skill's own table of TOTP state Better Auth's `twoFactor` table has no column for (see `storage-totp.ts`). */
export const TOTP_TABLE = "authSkillTotp";
/** auth-skill's own table of passkey data Better Auth's `passkey` table has no column for (see `storage-passkeys.ts`). */
export const PASSKEY_TABLE = "authSkillPasskey";

/**
 * Creates the tables of auth-skill's second factors if missing: `authSkillTotp` (per user: the last TOTP time step
 * accepted here, and a re-enrolment's pending secret while the confirmed one stays in Better Auth's `twoFactor` row)
 * and `authSkillPasskey` (per credential: the WebAuthn user handle, the last use, and the full signature counter). Both reference `user.id`
 * (deleting a user deletes their rows).
 */
async function migrateSecondFactors(db: Db): Promise<void> {
  const date = db.dialect === "sqlite" ? "text" : "timestamptz";
  await db.kysely.schema
    .createTable(TOTP_TABLE)
    .ifNotExists()
    .addColumn("userId", "text", (c) => c.primaryKey().references("user.id").onDelete("cascade"))
    .addColumn("lastStep", "bigint")
    .addColumn("pendingSecret", "text")
    .addColumn("updatedAt", date, (c) => c.notNull())
    .execute();
  await db.kysely.schema
    .createTable(PASSKEY_TABLE)
    .ifNotExists()
    .addColumn("credentialID", "text", (c) => c.primaryKey())
    .addColumn("userId", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("userHandle", "text", (c) => c.notNull())
    .addColumn("counter", "bigint")
    .addColumn("lastUsedAt", date)
    .execute();
  await db.kysely.schema.createIndex(`${PASSKEY_TABLE}_userId_idx`).ifNotExists().on(PASSKEY_TABLE).column("userId").execute();
}

/**
 * Creates auth-skill's refresh-token table (and its indexes) if missing, and adds the columns a table made by an
 * older release lacks (`persistent`, `amr`), and the second factors' two tables (see `migrateSecondFactors`). Never
 * touches Better Auth's tables:
 * the only link is a foreign key from our `userId` to `user.id` (so deleting a user deletes their families).
 * The session id is deliberately not a foreign key: our row must outlive a Better Auth sign-out, so that
 * a refresh token of an ended session is told apart from a forged one.
 */
export async function migrate(db: Db): Promise<void> {
  const date = db.dialect === "sqlite" ? "text" : "timestamptz";
  await db.kysely.schema
    .createTable(db.refresh)
    .ifNotExists()
    .addColumn("sessionId", "text", (c) => c.primaryKey())
    .addColumn("userId", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("tokenHash", "text", (c) => c.notNull())
    .addColumn("generation", "integer", (c) => c.notNull())
    .addColumn("rotatedAt", date)
    .addColumn("successor", "text")
    .addColumn("createdAt", date, (c) => c.notNull())
    .addColumn("expiresAt", date, (c) => c.notNull())
    .addColumn("lastUsedAt", date, (c) => c.notNull())
    .addColumn("revokedAt", date)
    .addColumn("ipAddress", "text")
    .addColumn("userAgent", "text")
    .addColumn("persistent", db.dialect === "sqlite" ? "integer" : "boolean")
    .addColumn("amr", "text")
    .execute();
  await addColumn(db, "persistent", "boolean", "integer");
  await addColumn(db, "amr", "text", "text");
  await db.kysely.schema.createIndex(`${db.refresh}_userId_idx`).ifNotExists().on(db.refresh).column("userId").execute();
  await db.kysely.schema.createIndex(`${db.refresh}_expiresAt_idx`).ifNotExists().on(db.refresh).column("expiresAt").execute();
  await migrateSecondFactors(db);
}
