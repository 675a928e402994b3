// The stores the storage benchmark runs on, each opened twice over: through the adapter (Kysely or
// ioredis, as AuthSkill uses it) and through the bare driver (for the round-trip limit).
import { mkdirSync, rmSync } from "node:fs";
import Database from "better-sqlite3";
import { Redis } from "ioredis";
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect, sql } from "kysely";
import { createPool as createCallbackPool } from "mysql2";
import { createPool as createPromisePool, type Pool as MysqlPool } from "mysql2/promise";
import pg from "pg";
import type { StorageAdapter } from "../../src/index.js";
import { kyselyStorage, sqliteStatementCache, type KyselyStorage } from "../../src/adapters/kysely/index.js";
import { redisStorage } from "../../src/adapters/redis/index.js";

export type SqlKind = "sqlite" | "pg" | "mysql";
/** "sqlite-cached": SQLite with the Kysely dialect over `sqliteStatementCache(database)`. */
export type StoreKind = "memory" | SqlKind | "sqlite-cached" | "redis";

export const TMP = new URL("../../.tmp/", import.meta.url);
export const SQLITE_FILE = new URL("bench-storage.sqlite", TMP);

/** The environment variable holding each server's URL (scripts/services.sh writes them). */
export const URL_VARIABLES: Record<"pg" | "mysql" | "redis", string> = {
  pg: "AUTH_SKILL_PG_URL",
  mysql: "AUTH_SKILL_MYSQL_URL",
  redis: "AUTH_SKILL_REDIS_URL",
};

/** Why a store cannot be benchmarked here, or null. */
export function unavailable(kind: StoreKind): string | null {
  if (kind === "memory" || kind === "sqlite" || kind === "sqlite-cached") return null;
  const variable = URL_VARIABLES[kind];
  return process.env[variable] ? null : `set ${variable} (bash scripts/services.sh up && source .tmp/services.env)`;
}

/** A SQL store: Kysely for the adapter, plus a bare driver handle on the same database. */
export interface SqlStore {
  kind: SqlKind;
  db: Kysely<any>;
  /** Runs one statement on the bare driver ($1-style placeholders are rewritten to ? for SQLite/MySQL). */
  query(text: string, values: unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs `body` on one connection inside BEGIN ... COMMIT (MySQL's rotation needs it). */
  transaction<T>(body: (query: SqlStore["query"]) => Promise<T>): Promise<T>;
  /** The better-sqlite3 handle (SQLite only), for bulk loading. */
  sqlite?: Database.Database;
  close(): Promise<void>;
}

/**
 * Opens a SQL store with `connections` pooled connections on each side (adapter, bare). With
 * `statementCache`, SQLite's Kysely dialect gets the database through `sqliteStatementCache`.
 */
export function openSql(kind: SqlKind, connections: number, statementCache = false): SqlStore {
  if (kind === "sqlite") {
    mkdirSync(TMP, { recursive: true });
    for (const suffix of ["", "-wal", "-shm"]) rmSync(new URL(`bench-storage.sqlite${suffix}`, TMP), { force: true });
    const database = new Database(SQLITE_FILE.pathname);
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = NORMAL");
    const run = (text: string, values: unknown[]) => {
      const statement = database.prepare(text.replace(/\$\d+/g, "?"));
      return statement.reader ? (statement.all(...values) as Record<string, unknown>[]) : (statement.run(...values), []);
    };
    const cache = new Map<string, Database.Statement>();
    const prepared = (text: string) => {
      let s = cache.get(text);
      if (!s) {
        s = database.prepare(text.replace(/\$\d+/g, "?"));
        cache.set(text, s);
      }
      return s;
    };
    const query = async (text: string, values: unknown[]) => {
      const s = prepared(text);
      return s.reader ? (s.all(...values) as Record<string, unknown>[]) : (s.run(...values), []);
    };
    return {
      kind,
      db: new Kysely<any>({ dialect: new SqliteDialect({ database: statementCache ? sqliteStatementCache(database) : database }) }),
      query,
      transaction: async (body) => {
        run("BEGIN", []);
        try {
          const result = await body(query);
          run("COMMIT", []);
          return result;
        } catch (err) {
          run("ROLLBACK", []);
          throw err;
        }
      },
      sqlite: database,
      close: async () => {
        database.close();
        for (const suffix of ["", "-wal", "-shm"]) rmSync(new URL(`bench-storage.sqlite${suffix}`, TMP), { force: true });
      },
    };
  }
  const url = process.env[URL_VARIABLES[kind]]!;
  if (kind === "pg") {
    const bare = new pg.Pool({ connectionString: url, max: connections });
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: connections }) }) });
    return {
      kind,
      db,
      query: async (text, values) => (await bare.query(text, values)).rows,
      transaction: async (body) => {
        const client = await bare.connect();
        try {
          await client.query("BEGIN");
          const result = await body(async (text, values) => (await client.query(text, values)).rows);
          await client.query("COMMIT");
          return result;
        } finally {
          client.release();
        }
      },
      close: async () => {
        await Promise.all([db.destroy(), bare.end()]);
      },
    };
  }
  const bare: MysqlPool = createPromisePool({ uri: url, connectionLimit: connections });
  const db = new Kysely<any>({ dialect: new MysqlDialect({ pool: createCallbackPool({ uri: url, connectionLimit: connections }) }) });
  const mysqlText = (text: string) => text.replace(/\$\d+/g, "?");
  return {
    kind,
    db,
    query: async (text, values) => {
      const [rows] = await bare.query(mysqlText(text), values);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    },
    transaction: async (body) => {
      const conn = await bare.getConnection();
      try {
        await conn.query("BEGIN");
        const result = await body(async (text, values) => {
          const [rows] = await conn.query(mysqlText(text), values);
          return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [{ affectedRows: (rows as { affectedRows: number }).affectedRows }];
        });
        await conn.query("COMMIT");
        return result;
      } finally {
        conn.release();
      }
    },
    close: async () => {
      await Promise.all([db.destroy(), bare.end()]);
    },
  };
}

/** The adapter over a SQL store's Kysely, with its tables freshly created under `prefix`. */
export async function freshKyselyStorage(store: SqlStore, prefix: string): Promise<KyselyStorage> {
  await dropTables(store, prefix);
  const storage = kyselyStorage({ db: store.db, tablePrefix: prefix });
  await storage.migrate();
  return storage;
}

export async function dropTables(store: SqlStore, prefix: string): Promise<void> {
  const tables = ["verifications", "sessions", "users", "migrations"].map((t) => sql.table(`${prefix}${t}`));
  if (store.kind === "sqlite") {
    for (const t of tables) await sql`DROP TABLE IF EXISTS ${t}`.execute(store.db);
  } else {
    await sql`DROP TABLE IF EXISTS ${sql.join(tables)}${store.kind === "pg" ? sql` CASCADE` : sql``}`.execute(store.db);
  }
}

/** Redis: the adapter and the bare client share one ioredis connection (as an application would). */
export interface RedisStore {
  client: Redis;
  storage: StorageAdapter;
  /** Deletes every key of the benchmark's prefixes. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export const REDIS_PREFIX = "auth-skill-bench:";

export function openRedis(): RedisStore {
  const client = new Redis(process.env[URL_VARIABLES.redis]!);
  const clear = async () => {
    for (const pattern of [`{${REDIS_PREFIX}}*`, `${REDIS_PREFIX}*`]) {
      let cursor = "0";
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
        if (keys.length > 0) await client.del(...keys);
        cursor = next;
      } while (cursor !== "0");
    }
  };
  return {
    client,
    storage: redisStorage({ client, prefix: REDIS_PREFIX }),
    clear,
    close: async () => {
      await clear();
      await client.quit();
    },
  };
}
