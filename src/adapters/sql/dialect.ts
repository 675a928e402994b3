import { MysqlAdapter, PostgresAdapter, SqliteAdapter } from "kysely";
import type { AnyKysely } from "./any-kysely.js";

/**
 * Which SQL dialect a Kysely instance speaks: shared by the Kysely storage adapter and the Better Auth bridge.
 * MySQL covers MariaDB.
 *
 * @inline
 */
export type SqlDialect = "sqlite" | "postgres" | "mysql";

const ADAPTERS = [
  [PostgresAdapter, "postgres"],
  [MysqlAdapter, "mysql"],
  [SqliteAdapter, "sqlite"],
] as const;

const NAMED: readonly (readonly [RegExp, SqlDialect])[] = [
  [/postgres/i, "postgres"],
  [/mysql/i, "mysql"],
  [/sqlite/i, "sqlite"],
];

/** The class names along `value`'s prototype chain, most derived first. */
function classNames(value: unknown): string[] {
  const names: string[] = [];
  if (typeof value !== "object" || value === null) return names;
  for (let p = Object.getPrototypeOf(value); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const name = (p as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === "string") names.push(name);
  }
  return names;
}

/**
 * The dialect of a Kysely instance, from its dialect adapter, or `null` when it cannot be told (callers then
 * ask for an explicit `dialect` option). In order: Kysely's own `PostgresAdapter`, `MysqlAdapter` or
 * `SqliteAdapter`, or a subclass (third-party dialects such as Neon, PlanetScale or D1 reuse them); the same
 * class names along the prototype chain (a second copy of kysely in `node_modules`); a class name along the
 * chain that contains "postgres", "mysql" or "sqlite" (case-insensitive).
 *
 * @example
 * ```ts
 * sqlDialectOf(new Kysely({ dialect: new SqliteDialect({ database: new Database(":memory:") }) })); // "sqlite"
 * ```
 */
export function sqlDialectOf(db: AnyKysely): SqlDialect | null {
  const adapter: unknown = db.getExecutor().adapter;
  for (const [cls, dialect] of ADAPTERS) if (adapter instanceof cls) return dialect;
  const names = classNames(adapter);
  for (const name of names) for (const [cls, dialect] of ADAPTERS) if (name === cls.name) return dialect;
  for (const name of names) for (const [pattern, dialect] of NAMED) if (pattern.test(name)) return dialect;
  return null;
}
