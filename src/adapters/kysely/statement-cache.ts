import { AuthError } from "../../errors.js";

/** The part of a better-sqlite3 `Database` that Kysely's `SqliteDialect` uses. */
export interface SqliteDatabaseLike<Statement> {
  /** Compiles `sql` into a statement that can run many times. */
  prepare(sql: string): Statement;
  /** Closes the database (and, through the cache, drops the statements it keeps). */
  close(): void;
}

/** Options of {@link sqliteStatementCache}. */
export interface SqliteStatementCacheOptions {
  /** How many prepared statements to keep, least recently used dropped first (default 200). */
  max?: number | undefined;
}

/**
 * Wraps a better-sqlite3 `Database` for Kysely's `SqliteDialect` so each distinct SQL text is prepared
 * once and its statement reused. Kysely's SQLite driver prepares every query afresh, which on an
 * in-process database costs more than running it; with the cache a refresh-token rotation is several
 * times faster (see docs/benchmarks.md). It changes nothing else: same SQL, same results, the same
 * one-query-at-a-time connection (Kysely's driver serialises queries, so a cached statement is never
 * run twice at once).
 *
 * Give the wrapper only to `SqliteDialect`; keep using the `Database` itself for anything else.
 * `close()` empties the cache and closes the database.
 *
 * @example
 * ```ts
 * import Database from "better-sqlite3";
 * import { Kysely, SqliteDialect } from "kysely";
 * import { kyselyStorage, sqliteStatementCache } from "auth-skill/kysely";
 *
 * const database = new Database("auth.db");
 * database.pragma("journal_mode = WAL");
 * const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqliteStatementCache(database) }) });
 * const storage = kyselyStorage({ db });
 * ```
 */
export function sqliteStatementCache<Statement>(
  database: SqliteDatabaseLike<Statement>,
  options: SqliteStatementCacheOptions = {},
): SqliteDatabaseLike<Statement> {
  if (typeof database?.prepare !== "function" || typeof database.close !== "function") {
    throw new AuthError("CONFIG_ERROR", "sqliteStatementCache: database must be a better-sqlite3 Database");
  }
  const max = options.max ?? 200;
  if (!Number.isInteger(max) || max < 1) throw new AuthError("CONFIG_ERROR", "sqliteStatementCache: options.max must be a positive integer");
  const statements = new Map<string, Statement>(); // insertion order = recency order
  return {
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql); // a failed prepare throws here and caches nothing
        if (statements.size >= max) statements.delete(statements.keys().next().value!);
      } else {
        statements.delete(sql);
      }
      statements.set(sql, statement);
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
