import { MysqlAdapter, PostgresAdapter, SqliteAdapter, type Kysely } from "kysely";

/** The SQL dialects the Kysely adapter speaks. MySQL covers MariaDB. */
export type KyselyDialect = "sqlite" | "postgres" | "mysql";

const DIALECTS: readonly KyselyDialect[] = ["sqlite", "postgres", "mysql"];
const ADAPTERS = [
  [PostgresAdapter, "postgres"],
  [MysqlAdapter, "mysql"],
  [SqliteAdapter, "sqlite"],
] as const;

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
 * Which SQL dialect a Kysely instance speaks, from its dialect adapter: Kysely's own `PostgresAdapter`,
 * `MysqlAdapter` or `SqliteAdapter`, or a subclass of one (third-party dialects such as Neon, PlanetScale
 * or D1 reuse them). Classes are also matched by name along the prototype chain, so a second copy of
 * kysely in `node_modules` still works. Throws `TypeError` for anything else.
 *
 * @example
 * ```ts
 * detectDialect(new Kysely({ dialect: new SqliteDialect({ database: new Database(":memory:") }) })); // "sqlite"
 * ```
 */
export function detectDialect(db: Kysely<any>): KyselyDialect {
  const adapter: unknown = db.getExecutor().adapter;
  for (const [cls, dialect] of ADAPTERS) if (adapter instanceof cls) return dialect;
  for (let p = Object.getPrototypeOf(adapter); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const name = (p as { constructor?: { name?: unknown } }).constructor?.name;
    for (const [cls, dialect] of ADAPTERS) if (name === cls.name) return dialect;
  }
  throw new TypeError('kyselyStorage: cannot tell the SQL dialect of options.db; pass options.dialect ("sqlite", "postgres" or "mysql")');
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
