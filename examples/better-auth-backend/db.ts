/**
 * One database for both Better Auth and the backend: SQLite through Kysely. Better Auth gets this very
 * Kysely instance (`database: { db, type: "sqlite" }`) and so does the bridge, so both share one connection
 * and one transaction queue. (PostgreSQL: `new Kysely({ dialect: new PostgresDialect({ pool }) })`, type "postgres".)
 */
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";

export const databasePath = process.env.DATABASE_PATH ?? "better-auth-backend.db";

export const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(databasePath) }) });
