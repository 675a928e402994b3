// The SQL helpers the Kysely adapter and the Better Auth bridge share (src/adapters/sql): dialect detection,
// unique-violation parsing and driver-error scrubbing, described once.
import { inspect } from "node:util";
import Database from "better-sqlite3";
import {
  DummyDriver,
  Kysely,
  MysqlDialect,
  PostgresAdapter,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DialectAdapter,
} from "kysely";
import { describe, expect, it } from "vitest";
import { kyselyStorage } from "auth-skill/kysely";
import { betterAuthBridge } from "auth-skill/better-auth";
import { sqlDialectOf } from "../../../src/adapters/sql/dialect.js";
import { driverCode, isRetryable, scrubDriverError, uniqueViolation } from "../../../src/adapters/sql/driver-errors.js";
import { throwsWith } from "../../helpers.js";

const never = async (): Promise<never> => {
  throw new Error("never connected");
};

/** A Kysely instance whose dialect adapter is `adapter` (Kysely connects on the first query only). */
const withAdapter = (adapter: DialectAdapter) =>
  new Kysely<any>({
    dialect: {
      createAdapter: () => adapter,
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });

describe("sqlDialectOf", () => {
  it("reads Kysely's own adapters and their subclasses", () => {
    expect(sqlDialectOf(new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(":memory:") }) }))).toBe("sqlite");
    expect(sqlDialectOf(new Kysely<any>({ dialect: new PostgresDialect({ pool: never }) }))).toBe("postgres");
    expect(sqlDialectOf(new Kysely<any>({ dialect: new MysqlDialect({ pool: never }) }))).toBe("mysql");
    class NeonLikeAdapter extends PostgresAdapter {}
    expect(sqlDialectOf(withAdapter(new NeonLikeAdapter()))).toBe("postgres");
  });

  it("reads a second copy of kysely by class name along the prototype chain, then by a name that says the dialect", () => {
    const base = {
      supportsCreateIfNotExists: true,
      supportsTransactionalDdl: true,
      supportsReturning: true,
      acquireMigrationLock: async () => {},
      releaseMigrationLock: async () => {},
    };
    class MysqlAdapter {} // as a second copy of kysely defines it: not Kysely's class here
    Object.assign(MysqlAdapter.prototype, base);
    expect(sqlDialectOf(withAdapter(new MysqlAdapter() as DialectAdapter))).toBe("mysql");
    class MyPostgresAdapter {}
    Object.assign(MyPostgresAdapter.prototype, base);
    expect(sqlDialectOf(withAdapter(new MyPostgresAdapter() as DialectAdapter))).toBe("postgres");
    class OracleAdapter {}
    Object.assign(OracleAdapter.prototype, base);
    expect(sqlDialectOf(withAdapter(new OracleAdapter() as DialectAdapter))).toBeNull();
  });

  it("an unknown dialect is CONFIG_ERROR in the Kysely adapter and the bridge, and an explicit dialect wins", () => {
    class OracleAdapter extends (Object.getPrototypeOf(SqliteAdapter) as typeof SqliteAdapter) {}
    const db = withAdapter(new OracleAdapter());
    throwsWith(() => kyselyStorage({ db }), "CONFIG_ERROR");
    expect(() => kyselyStorage({ db })).toThrow(/pass options.dialect/);
    expect(kyselyStorage({ db, dialect: "mysql" }).dialect).toBe("mysql");
    throwsWith(() => betterAuthBridge({ db, secret: "shared-sql-test-secret-0123456789-abcdefgh" }), "CONFIG_ERROR");
    expect(() => betterAuthBridge({ db, secret: "shared-sql-test-secret-0123456789-abcdefgh", dialect: "sqlite" })).not.toThrow();
  });
});

describe("driver errors", () => {
  it("uniqueViolation names what PostgreSQL, MySQL and SQLite say was violated, null for anything else", () => {
    expect(uniqueViolation(Object.assign(new Error("duplicate key"), { code: "23505", constraint: "auth_users_email_key" }))).toBe("auth_users_email_key");
    expect(uniqueViolation(Object.assign(new Error("Duplicate entry 'a@b' for key 'auth_users.auth_users_email_key'"), { errno: 1062 }))).toBe(
      "auth_users_email_key",
    );
    expect(uniqueViolation(Object.assign(new Error("UNIQUE constraint failed: user.email"), { code: "SQLITE_CONSTRAINT_UNIQUE" }))).toBe("user.email");
    expect(uniqueViolation(new Error("no such table: user"))).toBeNull();
    expect(uniqueViolation("not an error")).toBeNull();
  });

  it("isRetryable and driverCode", () => {
    expect([{ code: "40P01" }, { code: "40001" }, { errno: 1213 }, { code: "ER_LOCK_DEADLOCK" }].every(isRetryable)).toBe(true);
    expect(isRetryable({ code: "23505" })).toBe(false);
    expect(driverCode({ code: "SQLITE_BUSY", errno: 5 })).toBe("SQLITE_BUSY");
    expect(driverCode({ errno: 1062 })).toBe("1062");
    expect(driverCode(null)).toBeUndefined();
  });

  it("scrubDriverError keeps the class name, code, known names and stack frames, and nothing else", () => {
    class DatabaseError extends Error {
      override name = "DatabaseError";
    }
    const driver = Object.assign(new DatabaseError(`duplicate key value violates unique constraint "auth_users_email_key" for 'ada@example.com'`), {
      code: "23505",
      detail: "Key (email)=(ada@example.com) already exists.",
      sql: "insert into auth_users values ('ada@example.com', '$argon2id$secret')",
      parameters: ["ada@example.com", "$argon2id$secret"],
    });
    const copy = scrubDriverError(driver, "ctx", (name) => name === "auth_users_email_key");
    expect(copy.message).toBe(`ctx: duplicate key value violates unique constraint "auth_users_email_key" for '…'`);
    expect(copy.name).toBe("DatabaseError");
    expect({ ...copy }).toEqual({ code: "23505" });
    expect(copy.stack?.split("\n")[0]).toBe(`DatabaseError: ${copy.message}`);
    expect(copy.stack).toContain("shared.test.ts"); // the driver's frames survive
    const shown = inspect(copy, { depth: 10, showHidden: true }) + JSON.stringify(copy) + String(copy.stack);
    expect(shown).not.toContain("ada@example.com");
    expect(shown).not.toContain("$argon2id$secret");
    const mysql = scrubDriverError(
      new Error("Duplicate entry 'it's a 'quoted' value' for key 'auth_users_email_key'"),
      "ctx",
      (n) => n === "auth_users_email_key",
    );
    expect(mysql.message).toBe("ctx: Duplicate entry '…' for key 'auth_users_email_key'");
    expect(scrubDriverError("boom", "ctx", () => true).message).toBe("ctx: unknown database error");
  });
});
