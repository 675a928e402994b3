import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { runStorageConformance } from "auth-skill/testing";
import { kyselyStorage, sqliteStatementCache, type KyselyStorage } from "auth-skill/kysely";
import type { StorageAdapter } from "auth-skill";
import { runSchemaSql, sqliteDb } from "./helpers.js";

// A fresh in-memory database per test; the default table prefix.
const open = new Map<StorageAdapter, Kysely<any>>();
const teardown = async (storage: StorageAdapter) => {
  await open.get(storage)?.destroy();
  open.delete(storage);
};

runStorageConformance(
  "kysely sqlite (migrate)",
  async () => {
    const db = sqliteDb();
    const storage: KyselyStorage = kyselyStorage({ db });
    await storage.migrate();
    open.set(storage, db);
    return storage;
  },
  { teardown },
);

runStorageConformance(
  "kysely sqlite (kyselySchemaSql)",
  async () => {
    const db = sqliteDb();
    await runSchemaSql(db, "sqlite", "auth_");
    const storage = kyselyStorage({ db });
    open.set(storage, db);
    return storage;
  },
  { teardown },
);

runStorageConformance(
  "kysely sqlite (sqliteStatementCache)",
  async () => {
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqliteStatementCache(new Database(":memory:")) }) });
    const storage = kyselyStorage({ db });
    await storage.migrate();
    open.set(storage, db);
    return storage;
  },
  { teardown },
);
