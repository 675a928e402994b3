import { createHash } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { quote, type KyselyDialect } from "./dialect.js";
import { MODIFIERS, TYPES, type Modifier, type Type } from "./columns.js";
import { schemaStatements, tableNames } from "./schema.js";

/**
 * Versioned migrations. `<prefix>migrations(version, applied_at)` records each step a database has been
 * through. Every step is idempotent on its own (`CREATE ... IF NOT EXISTS`, a column added only when the
 * catalog lacks it), so a database made by `kyselySchemaSql`, or by a run that stopped half-way (MySQL
 * commits each DDL statement), is brought to the latest version without an error and without losing a row.
 *
 * | version | what it does                                                                  |
 * | ------- | ----------------------------------------------------------------------------- |
 * | 1       | the tables and indexes (today's `kyselySchemaSql`; a no-op where they exist)   |
 * | 2       | `users.roles` (JSON array, NULL = none) and `verifications.payload`, nullable  |
 * | 3       | `sessions.persistent` ("remember me"; a flag, NULL = remember-me), nullable    |
 * | 4       | `sessions.amr` (comma-joined, NULL = unknown), `verifications.attempts` (0)     |
 * | 5       | `users.two_factor_enabled` (nullable flag); the `totp`, `recovery_codes` and   |
 * |         | `passkeys` tables (second factors)                                            |
 */

/** The schema version `migrate()` brings a database to. */
export const SCHEMA_VERSION = 5;

// Untyped: the tables are named at runtime (the prefix); every statement here is raw SQL.
type Conn = Kysely<object>;

interface Step {
  version: number;
  run: (conn: Conn, dialect: KyselyDialect, prefix: string) => Promise<void>;
}

const createTables: Step["run"] = async (conn, dialect, prefix) => {
  for (const statement of schemaStatements(dialect, prefix)) await sql.raw(statement).execute(conn);
};

/** Whether `table` has `column`, from the catalog of the connection's current schema (database). */
async function hasColumn(conn: Conn, dialect: KyselyDialect, table: string, column: string): Promise<boolean> {
  const query =
    dialect === "sqlite"
      ? sql`select 1 as one from pragma_table_info(${table}) where name = ${column}`
      : dialect === "postgres"
        ? sql`select 1 as one from information_schema.columns where table_schema = current_schema() and table_name = ${table} and column_name = ${column}`
        : sql`select 1 as one from information_schema.columns where table_schema = database() and table_name = ${table} and column_name = ${column}`;
  return (await query.execute(conn)).rows.length > 0;
}

const addColumns =
  (columns: readonly (readonly [table: "users" | "sessions" | "verifications", column: string, type: Type, modifier?: Modifier])[]): Step["run"] =>
  async (conn, dialect, prefix) => {
    const names = tableNames(prefix);
    for (const [short, column, type, modifier = "null"] of columns) {
      const table = names[short];
      if (await hasColumn(conn, dialect, table, column)) continue;
      const definition = `${TYPES[dialect][type]} ${MODIFIERS[modifier]}`; // NOT NULL DEFAULT 0 fills existing rows with 0
      await sql.raw(`ALTER TABLE ${quote(dialect, table)} ADD COLUMN ${quote(dialect, column)} ${definition}`).execute(conn);
    }
  };

const STEPS: readonly Step[] = [
  { version: 1, run: createTables },
  {
    version: 2,
    run: addColumns([
      ["users", "roles", "text"],
      ["verifications", "payload", "text"],
    ]),
  },
  { version: 3, run: addColumns([["sessions", "persistent", "flag"]]) },
  {
    version: 4,
    run: addColumns([
      ["sessions", "amr", "text"],
      ["verifications", "attempts", "int", "zero"],
    ]),
  },
  {
    version: 5,
    run: async (conn, dialect, prefix) => {
      await addColumns([["users", "two_factor_enabled", "flag"]])(conn, dialect, prefix);
      await createTables(conn, dialect, prefix); // the second-factor tables (CREATE ... IF NOT EXISTS)
    },
  },
];

/** The version a database is at: the highest recorded step, 0 for none (a new database, or one from before versions). */
async function currentVersion(conn: Conn, table: string): Promise<number> {
  const { rows } = await sql<{ v: unknown }>`select max(${sql.ref("version")}) as v from ${sql.table(table)}`.execute(conn);
  return Number(rows[0]?.v ?? 0) || 0;
}

async function upgrade(conn: Conn, dialect: KyselyDialect, prefix: string): Promise<void> {
  const table = tableNames(prefix).migrations;
  const time = TYPES[dialect].time;
  await sql
    .raw(
      `CREATE TABLE IF NOT EXISTS ${quote(dialect, table)} (${quote(dialect, "version")} INTEGER NOT NULL, ${quote(dialect, "applied_at")} ${time} NOT NULL, PRIMARY KEY (${quote(dialect, "version")}))`,
    )
    .execute(conn);
  const from = await currentVersion(conn, table);
  // Version 1 (CREATE ... IF NOT EXISTS of the latest tables) runs every time, as migrate() always did: tables
  // dropped while the migrations table stayed are made again, already in the latest shape.
  if (from >= 1) await createTables(conn, dialect, prefix);
  for (const step of STEPS) {
    if (step.version <= from) continue;
    await step.run(conn, dialect, prefix);
    await sql`insert into ${sql.table(table)} (${sql.ref("version")}, ${sql.ref("applied_at")}) values (${step.version}, ${Date.now()})`.execute(conn);
  }
}

/**
 * Brings the tables to {@link SCHEMA_VERSION}: creates them on a new database, upgrades older ones in place
 * (only additive steps: no row is rewritten or lost), and leaves a database at a newer version alone.
 * Idempotent and safe to run concurrently: on PostgreSQL inside one transaction holding an advisory lock, on
 * MySQL under `GET_LOCK` on one connection (DDL commits implicitly there, so each step is idempotent), on
 * SQLite inside one transaction.
 *
 * @example
 * ```ts
 * await migrate(db, "postgres", "auth_");
 * ```
 */
export async function migrate(db: Conn, dialect: KyselyDialect, prefix: string): Promise<void> {
  const lockName = `auth-skill/kysely:migrate:${prefix}`;
  if (dialect === "postgres") {
    const key = createHash("sha256").update(lockName).digest().readBigInt64BE(0).toString();
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(cast(${key} as bigint))`.execute(trx);
      await upgrade(trx, dialect, prefix);
    });
  }
  if (dialect === "mysql") {
    return db.connection().execute(async (conn) => {
      const { rows } = await sql<{ locked: unknown }>`select get_lock(${lockName}, 60) as locked`.execute(conn);
      if (Number(rows[0]?.locked) !== 1) throw new Error("auth-skill/kysely: timed out waiting for the migration lock");
      try {
        await upgrade(conn, dialect, prefix);
      } finally {
        await sql`select release_lock(${lockName})`.execute(conn);
      }
    });
  }
  return db.transaction().execute((trx) => upgrade(trx, dialect, prefix));
}
