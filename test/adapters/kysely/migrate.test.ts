import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { kyselySchemaSql, kyselyStorage } from "auth-skill/kysely";
import { randomId } from "../../../src/ids.js";
import { allTargets, dropTables, freshStorage, randomPrefix, runSchemaSql, serverTargets, sqliteDb } from "./helpers.js";
import { snapshot } from "./introspect.js";
import { throwsWith } from "../../helpers.js";

const T0 = new Date("2026-01-01T00:00:00.000Z");
const user = (email = `${randomId(8).toLowerCase()}@example.com`) => ({
  id: randomId(),
  email,
  username: null,
  name: null,
  emailVerified: false,
  roles: [],
  passwordHash: null,
  createdAt: T0,
  updatedAt: T0,
});

/** Every lookup the adapter makes has an index (primary keys included). */
const EXPECTED_INDEXES = [
  "passkeys.id unique",
  "passkeys.user_id index",
  "recovery_codes.code_hash unique", // the primary key (user_id, code_hash)
  "recovery_codes.user_id unique",
  "sessions.expires_at index",
  "sessions.id unique",
  "sessions.revoked_at index",
  "sessions.user_id index",
  "totp.user_id unique",
  "users.email unique",
  "users.id unique",
  "users.username unique",
  "verifications.expires_at index",
  "verifications.id unique",
  "verifications.token_hash unique",
  "verifications.user_id index",
];

for (const target of allTargets()) {
  describe(`kysely ${target.dialect}: schema and migrations`, () => {
    it("detects the dialect and creates the tables with an index for every lookup", async () => {
      const storage = await freshStorage(target.db());
      try {
        expect(storage.dialect).toBe(target.dialect);
        const schema = await snapshot(target.db(), storage);
        expect(schema.indexes).toEqual(EXPECTED_INDEXES);
        expect(schema.columns).toHaveLength(10 + 14 + 8 + 5 + 3 + 11);
      } finally {
        await dropTables(target.db(), storage);
      }
    });

    it("migrate() twice, and three times concurrently, changes nothing and keeps the data", async () => {
      const storage = await freshStorage(target.db());
      try {
        const before = await snapshot(target.db(), storage);
        const u = user();
        expect((await storage.createUser(u)).ok).toBe(true);
        await storage.migrate();
        await Promise.all([storage.migrate(), storage.migrate(), storage.migrate()]);
        expect(await snapshot(target.db(), storage)).toEqual(before);
        expect(await storage.findUserById(u.id)).toEqual(u);
      } finally {
        await dropTables(target.db(), storage);
      }
    });

    it("migrate() after the plain SQL schema is a no-op: the same columns and index names", async () => {
      const viaSql = await freshStorage(target.db(), "schema-sql");
      const viaMigrate = await freshStorage(target.db());
      try {
        const sqlSchema = await snapshot(target.db(), viaSql);
        await viaSql.migrate();
        const after = await snapshot(target.db(), viaSql);
        expect(after).toEqual(sqlSchema);
        const migrated = await snapshot(target.db(), viaMigrate);
        expect(after.columns).toEqual(migrated.columns);
        expect(after.indexes).toEqual(migrated.indexes);
        const strip = (names: string[], storage: { tables: { users: string } }) =>
          names.map((n) => n.replace(storage.tables.users.slice(0, -"users".length), "<prefix>"));
        expect(strip(after.indexNames, viaSql)).toEqual(strip(migrated.indexNames, viaMigrate));
      } finally {
        await dropTables(target.db(), viaSql);
        await dropTables(target.db(), viaMigrate);
      }
    });

    it("isolates table prefixes: the same email in two prefixes, nothing shared", async () => {
      const a = await freshStorage(target.db());
      const b = await freshStorage(target.db());
      try {
        const email = `twin-${randomId(6).toLowerCase()}@example.com`;
        const ua = user(email);
        const ub = user(email);
        expect((await a.createUser(ua)).ok).toBe(true);
        expect((await b.createUser(ub)).ok).toBe(true);
        expect(await a.findUserByEmail(email)).toEqual(ua);
        expect(await b.findUserByEmail(email)).toEqual(ub);
        expect(await b.findUserById(ua.id)).toBeNull();
        expect(await a.createUser(user(email))).toEqual({ ok: false, conflict: "email" });
      } finally {
        await dropTables(target.db(), a);
        await dropTables(target.db(), b);
      }
    });
  });
}

for (const target of serverTargets()) {
  describe(`kysely ${target.dialect}: concurrent migrations`, () => {
    it("migrate() from two connection pools at once creates one schema without errors", async () => {
      const prefix = randomPrefix();
      const [one, two] = [target.connect(3), target.connect(3)];
      try {
        const s1 = kyselyStorage({ db: one, tablePrefix: prefix });
        const s2 = kyselyStorage({ db: two, tablePrefix: prefix });
        await Promise.all([s1.migrate(), s2.migrate(), s1.migrate(), s2.migrate()]);
        expect((await snapshot(one, s1)).indexes).toEqual(EXPECTED_INDEXES);
        const u = user();
        expect((await s1.createUser(u)).ok).toBe(true);
        expect(await s2.findUserById(u.id)).toEqual(u);
        await dropTables(one, s1);
      } finally {
        await one.destroy();
        await two.destroy();
      }
    });
  });
}

describe("kysely: options and plain SQL", () => {
  it("kyselySchemaSql renders each dialect's types and the prefix", () => {
    const pg = kyselySchemaSql("postgres");
    expect(pg).toContain('CREATE TABLE IF NOT EXISTS "auth_users"');
    expect(pg).toContain('"created_at" BIGINT NOT NULL');
    expect(pg).toContain('"email_verified" BOOLEAN NOT NULL');
    expect(pg).toContain('CREATE INDEX IF NOT EXISTS "auth_sessions_user_id_idx" ON "auth_sessions" ("user_id")');
    const mysql = kyselySchemaSql("mysql", "app_");
    expect(mysql).toContain("CREATE TABLE IF NOT EXISTS `app_users`");
    expect(mysql).toContain("`email` VARCHAR(255) NOT NULL");
    expect(mysql).toContain("INDEX `app_sessions_expires_at_idx` (`expires_at`)");
    expect(mysql).toContain("COLLATE=utf8mb4_bin");
    expect(mysql).not.toContain("CREATE INDEX");
    const sqlite = kyselySchemaSql("sqlite", "");
    expect(sqlite).toContain('CREATE TABLE IF NOT EXISTS "users"');
    expect(sqlite).toContain('"email_verified" INTEGER NOT NULL');
  });

  it("rejects a bad db, dialect or table prefix with CONFIG_ERROR", async () => {
    const db = sqliteDb();
    throwsWith(() => kyselyStorage(undefined as never), "CONFIG_ERROR");
    throwsWith(() => kyselyStorage({ db: {} as never }), "CONFIG_ERROR");
    throwsWith(() => kyselyStorage({ db, dialect: "oracle" as never }), "CONFIG_ERROR");
    for (const tablePrefix of ["Auth_", "1x_", "a-b_", "x".repeat(33), 'a"; drop table x; --']) {
      throwsWith(() => kyselyStorage({ db, tablePrefix }), "CONFIG_ERROR");
      throwsWith(() => kyselySchemaSql("sqlite", tablePrefix), "CONFIG_ERROR");
    }
    throwsWith(() => kyselySchemaSql("mssql" as never), "CONFIG_ERROR");
    expect(kyselyStorage({ db, tablePrefix: "" }).tables.users).toBe("users");
    const typed: Kysely<{ things: { id: string } }> = db; // an application's typed instance is accepted as is
    expect(kyselyStorage({ db: typed, dialect: "sqlite" }).dialect).toBe("sqlite");
    await runSchemaSql(db, "sqlite", "x_"); // the rendered SQL runs as is
    await db.destroy();
  });
});
