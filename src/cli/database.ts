import { isAuthError } from "../errors.js";
import { DIALECTS, type Dialect } from "./choices.js";
import { CliFailure, usageError } from "./io.js";

/** Where a database is, from `--db`: a SQLite file, or a PostgreSQL / MySQL URL. */
export type Target = { dialect: "sqlite"; path: string } | { dialect: "postgres" | "mysql"; url: string };

/**
 * Reads `--db`: `sqlite:<path>` (or `sqlite://<path>`), a plain file path, `postgres://` / `postgresql://`, `mysql://`.
 *
 * @example
 * ```ts
 * parseTarget("sqlite:./auth.db"); // { dialect: "sqlite", path: "./auth.db" }
 * ```
 */
export function parseTarget(db: string): Target {
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(db)?.[1]?.toLowerCase();
  if (scheme === undefined) return { dialect: "sqlite", path: db };
  if (scheme === "sqlite") {
    const path = db.slice("sqlite:".length).replace(/^\/\/(?=.)/, "");
    if (path === "") throw usageError("--db sqlite: needs a file path, e.g. sqlite:./auth.db");
    return { dialect: "sqlite", path };
  }
  if (scheme === "postgres" || scheme === "postgresql") return { dialect: "postgres", url: db };
  if (scheme === "mysql") return { dialect: "mysql", url: db };
  throw usageError(`--db: unsupported scheme "${scheme}:" (sqlite:<path>, a file path, postgres://, mysql://)`);
}

/** Loads an optional peer dependency, or fails with the command that installs it. */
async function peer<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") throw new CliFailure(`this needs the package "${name}": npm install ${name}`);
    throw err;
  }
}

/** The message of a failure with every spelling of the URL's password removed (drivers rarely echo it; never print it). */
function scrubbed(message: string, target: Target): string {
  if (target.dialect === "sqlite") return message;
  let password = "";
  try {
    password = new URL(target.url).password;
  } catch {}
  let out = message.split(target.url).join("<db url>");
  for (const spelling of new Set([password, decodeURIComponent(password)])) if (spelling.length > 0) out = out.split(spelling).join("…");
  return out;
}

/**
 * Creates or upgrades the auth-skill tables through the Kysely adapter's `migrate()` (idempotent, locked).
 * Resolves the dialect and the schema version the database records afterwards; failures are `CliFailure`s that never contain the URL's password.
 *
 * @example
 * ```ts
 * await migrateDatabase("postgres://app@localhost/app", "auth_");
 * ```
 */
export async function migrateDatabase(db: string, tablePrefix: string): Promise<{ dialect: Dialect; version: number }> {
  const target = parseTarget(db);
  const { Kysely, SqliteDialect, PostgresDialect, MysqlDialect, sql } = await peer("kysely", () => import("kysely"));
  // The package's own subpath, as users import it (external to this bundle: kysely is loaded only here).
  const { kyselyStorage } = await peer("kysely", () => import("auth-skill/kysely"));
  let dialect: InstanceType<typeof SqliteDialect | typeof PostgresDialect | typeof MysqlDialect>;
  if (target.dialect === "sqlite") {
    const { default: Database } = await peer("better-sqlite3", () => import("better-sqlite3"));
    try {
      dialect = new SqliteDialect({ database: new Database(target.path) });
    } catch (err) {
      throw new CliFailure(`cannot open the SQLite database ${JSON.stringify(target.path)}: ${err instanceof Error ? err.message : "unknown error"}`);
    }
  } else if (target.dialect === "postgres") {
    const { default: pg } = await peer("pg", () => import("pg"));
    dialect = new PostgresDialect({ pool: new pg.Pool({ connectionString: target.url, max: 1, connectionTimeoutMillis: 10_000 }) });
  } else {
    const { createPool } = await peer("mysql2", () => import("mysql2"));
    try {
      dialect = new MysqlDialect({ pool: createPool({ uri: target.url, connectionLimit: 1, connectTimeout: 10_000 }) });
    } catch (err) {
      // mysql2 parses the URL here; its message may quote it: only the error's class is shown
      throw usageError(`--db: not a usable mysql:// URL (${err instanceof Error ? err.name : "error"})`);
    }
  }
  const conn = new Kysely<object>({ dialect });
  let version: number;
  try {
    await kyselyStorage({ db: conn, dialect: target.dialect, tablePrefix }).migrate();
    const { rows } = await sql<{ v: unknown }>`select max(${sql.ref("version")}) as v from ${sql.table(`${tablePrefix}migrations`)}`.execute(conn);
    version = Number(rows[0]?.v);
  } catch (err) {
    if (!isAuthError(err)) throw new CliFailure(scrubbed(`migrate failed: ${err instanceof Error ? err.message : "unknown error"}`, target));
    // A storage failure's own message is the fixed "try again" one; its scrubbed cause says what happened.
    const driver = (err as { driverCode?: unknown }).driverCode;
    const detail = err.cause instanceof Error ? err.cause.message : err.message;
    throw new CliFailure(scrubbed(`${err.code}${typeof driver === "string" ? ` (${driver})` : ""}: ${detail}`, target));
  } finally {
    await conn.destroy();
  }
  return { dialect: target.dialect, version };
}

/**
 * The latest schema's SQL for a dialect, from the adapter's `kyselySchemaSql`.
 *
 * @example
 * ```ts
 * process.stdout.write(await schemaSql("postgres", "auth_"));
 * ```
 */
export async function schemaSql(dialect: string, tablePrefix: string): Promise<string> {
  if (!(DIALECTS as readonly string[]).includes(dialect)) throw usageError(`--dialect must be one of ${DIALECTS.join(", ")}`);
  const { kyselySchemaSql } = await peer("kysely", () => import("auth-skill/kysely"));
  return kyselySchemaSql(dialect as Dialect, tablePrefix);
}
