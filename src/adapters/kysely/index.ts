/**
 * `auth-skill/kysely`: the storage adapter for SQLite, PostgreSQL and MySQL/MariaDB through Kysely.
 *
 * @example
 * ```ts
 * import { kyselyStorage } from "auth-skill/kysely";
 * const storage = kyselyStorage({ db, tablePrefix: "auth_" });
 * await storage.migrate();
 * ```
 */
export { kyselyStorage } from "./storage.js";
export type { KyselyStorage, KyselyStorageOptions } from "./storage.js";
export { kyselySchemaSql } from "./schema.js";
export type { KyselyDialect } from "./dialect.js";
export { KyselyStorageError } from "./errors.js";
export { sqliteStatementCache } from "./statement-cache.js";
export type { SqliteDatabaseLike, SqliteStatementCacheOptions } from "./statement-cache.js";
