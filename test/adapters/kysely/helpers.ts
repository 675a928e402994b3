import Database from "better-sqlite3";
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect, sql } from "kysely";
import { createPool } from "mysql2";
import pg from "pg";
import { afterAll } from "vitest";
import { kyselySchemaSql, kyselyStorage, type KyselyDialect, type KyselyStorage } from "auth-skill/kysely";
import { randomId } from "../../../src/ids.js";
import { serverUrl } from "../../support/servers.js";

/** A Kysely instance over an in-memory (or file) SQLite database. */
export function sqliteDb(file = ":memory:", timeout?: number): Kysely<any> {
  const database = new Database(file, timeout === undefined ? {} : { timeout });
  return new Kysely<any>({ dialect: new SqliteDialect({ database }) });
}

/**
 * A Kysely instance over a pg pool. As every pg application must, it handles the `error` events a client
 * emits when its server connection drops (idle: on the pool; checked out: on the client) — unhandled,
 * they crash the process.
 */
export function pgDb(url: string, max = 10): Kysely<any> {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  return new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
}

/** A Kysely instance over a mysql2 pool. */
export function mysqlDb(url: string, connectionLimit = 10): Kysely<any> {
  return new Kysely<any>({ dialect: new MysqlDialect({ pool: createPool({ uri: url, connectionLimit }) }) });
}

/** A fresh table prefix, so each test gets empty tables. */
export const randomPrefix = (): string => `t${randomId(10).toLowerCase()}_`;

/** Drops an adapter's tables (children first: they reference users). */
export async function dropTables(db: Kysely<any>, storage: KyselyStorage): Promise<void> {
  const { users, sessions, verifications, totp, recoveryCodes, passkeys, migrations } = storage.tables;
  for (const table of [recoveryCodes, totp, passkeys, verifications, sessions, users, migrations]) await db.schema.dropTable(table).ifExists().execute();
}

/** Runs the plain-SQL schema (as a user's own migration tool would), statement by statement. */
export async function runSchemaSql(db: Kysely<any>, dialect: KyselyDialect, prefix: string): Promise<void> {
  for (const statement of kyselySchemaSql(dialect, prefix).split(/;\n/)) {
    if (statement.trim() !== "") await sql.raw(statement).execute(db);
  }
}

/** A database the multi-dialect tests run against. */
export interface Target {
  dialect: KyselyDialect;
  /** The file's shared Kysely instance (destroyed after the file's tests). */
  db: () => Kysely<any>;
}

/** A server dialect that the environment configures. */
export interface ServerTarget extends Target {
  dialect: "postgres" | "mysql";
  /** The file's shared Kysely instance (destroyed after the file's tests). */
  db: () => Kysely<any>;
  /** A new Kysely instance of its own (the caller destroys it). */
  connect: (size?: number) => Kysely<any>;
}

/**
 * The PostgreSQL or MySQL target, if its URL is set (see test/support/servers.ts: skipped with a notice
 * locally, failing under CI). Call at the top level of a test file.
 */
export function serverTarget(server: "pg" | "mysql"): ServerTarget | undefined {
  const url = serverUrl(server);
  if (!url) return undefined;
  return server === "pg" ? target("postgres", (size) => pgDb(url, size)) : target("mysql", (size) => mysqlDb(url, size));
}

/** Both server targets that are configured. */
export function serverTargets(): ServerTarget[] {
  return [serverTarget("pg"), serverTarget("mysql")].filter((t) => t !== undefined);
}

/** An in-memory SQLite database shared by a file's tests, and the configured servers. */
export function allTargets(): Target[] {
  let shared: Kysely<any> | undefined;
  afterAll(async () => {
    await shared?.destroy();
  });
  return [{ dialect: "sqlite", db: () => (shared ??= sqliteDb()) }, ...serverTargets()];
}

function target(dialect: "postgres" | "mysql", connect: (size?: number) => Kysely<any>): ServerTarget {
  let shared: Kysely<any> | undefined;
  afterAll(async () => {
    await shared?.destroy();
  });
  return { dialect, connect, db: () => (shared ??= connect()) };
}

/** A migrated storage with a random prefix on `db` (via `migrate()` or the plain SQL schema). */
export async function freshStorage(db: Kysely<any>, via: "migrate" | "schema-sql" = "migrate"): Promise<KyselyStorage> {
  const prefix = randomPrefix();
  const storage = kyselyStorage({ db, tablePrefix: prefix });
  if (via === "schema-sql") await runSchemaSql(db, storage.dialect, prefix);
  else await storage.migrate();
  return storage;
}
