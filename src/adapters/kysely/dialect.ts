import { AuthError } from "../../errors.js";
import { sqlDialectOf, type SqlDialect } from "../sql/dialect.js";
import type { AnyKysely } from "../sql/any-kysely.js";

/**
 * The SQL dialects the Kysely adapter speaks. MySQL covers MariaDB.
 *
 * @useDeclaredType
 */
export type KyselyDialect = SqlDialect;

const DIALECTS: readonly KyselyDialect[] = ["sqlite", "postgres", "mysql"];

/**
 * True for "sqlite", "postgres" and "mysql".
 *
 * @example
 * ```ts
 * isKyselyDialect("mysql"); // true
 * ```
 */
export function isKyselyDialect(value: unknown): value is KyselyDialect {
  return typeof value === "string" && (DIALECTS as readonly string[]).includes(value);
}

/**
 * Which SQL dialect a Kysely instance speaks (see `sqlDialectOf` in `adapters/sql/dialect.ts`). Throws
 * `CONFIG_ERROR` when it cannot be told.
 *
 * @example
 * ```ts
 * detectDialect(new Kysely({ dialect: new SqliteDialect({ database: new Database(":memory:") }) })); // "sqlite"
 * ```
 */
export function detectDialect(db: AnyKysely): KyselyDialect {
  const dialect = sqlDialectOf(db);
  if (dialect !== null) return dialect;
  throw new AuthError("CONFIG_ERROR", 'kyselyStorage: cannot tell the SQL dialect of options.db; pass options.dialect ("sqlite", "postgres" or "mysql")');
}

/**
 * Quotes an identifier for `dialect` (names here are validated to `[a-z0-9_]`, so no escaping is needed).
 *
 * @example
 * ```ts
 * quote("mysql", "auth_users"); // "`auth_users`"
 * ```
 */
export function quote(dialect: KyselyDialect, name: string): string {
  return dialect === "mysql" ? `\`${name}\`` : `"${name}"`;
}
