/**
 * Opens one of the real shared stores (PostgreSQL or MariaDB through the Kysely adapter, or Redis) with
 * its own connections, under a namespace (table prefix / key prefix) that the parent test and its
 * worker processes agree on. Used by the test process and by worker.ts alike.
 */
import { Redis } from "ioredis";
import { Kysely, MysqlDialect, PostgresDialect, sql } from "kysely";
import { createPool } from "mysql2";
import pg from "pg";
import { kyselyStorage } from "auth-skill/kysely";
import { redisStorage } from "auth-skill/redis";
import type { StorageAdapter } from "auth-skill";

export type StoreKind = "pg" | "mysql" | "redis";

/** The secret every process's AuthSkill uses: a refresh token minted by one is valid in all. */
export const SHARED_SECRET = "cross-process-secret-0123456789-abcdefghijklmnop";

/** One call's outcome, as a worker reports it. */
export type Outcome = { ok: true; refreshToken: string; userId: string } | { ok: false; code: string };

export interface OpenStore {
  storage: StorageAdapter;
  /** Creates the tables (SQL) — once, from the parent, before the workers start. */
  migrate(): Promise<void>;
  /** Removes everything under the namespace. */
  drop(): Promise<void>;
  close(): Promise<void>;
}

/** A namespace valid for both adapters: lower-case letters, digits and "_" (Kysely's tablePrefix rule). */
export function namespace(): string {
  return `xp_${process.pid}_${Math.random().toString(36).slice(2, 8)}_`;
}

export function openStore(kind: StoreKind, url: string, prefix: string, connections = 30): OpenStore {
  if (kind === "redis") {
    const client = new Redis(url, { maxRetriesPerRequest: 2 });
    const keyPrefix = `auth-skill-test:${prefix}`;
    return {
      storage: redisStorage({ client, prefix: keyPrefix }),
      migrate: async () => undefined,
      async drop() {
        let cursor = "0";
        do {
          const [next, keys] = await client.scan(cursor, "MATCH", `{${keyPrefix}}*`, "COUNT", 1000);
          if (keys.length > 0) await client.del(...keys);
          cursor = next;
        } while (cursor !== "0");
      },
      close: async () => void (await client.quit()),
    };
  }
  const db =
    kind === "pg"
      ? new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: connections }) }) })
      : new Kysely<any>({ dialect: new MysqlDialect({ pool: createPool({ uri: url, connectionLimit: connections }) }) });
  const storage = kyselyStorage({ db, tablePrefix: prefix });
  return {
    storage,
    migrate: () => storage.migrate(),
    async drop() {
      // children first (MySQL checks foreign keys table by table), then users and the migrations record
      const tables = ["recovery_codes", "totp", "passkeys", "verifications", "sessions", "users", "migrations"].map((t) => sql.table(`${prefix}${t}`));
      await sql`DROP TABLE IF EXISTS ${sql.join(tables)}${kind === "pg" ? sql` CASCADE` : sql``}`.execute(db);
    },
    close: () => db.destroy(),
  };
}
