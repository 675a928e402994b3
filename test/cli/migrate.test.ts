// `migrate --db` (SQLite in a temp dir; PostgreSQL and MySQL from AUTH_SKILL_PG_URL / AUTH_SKILL_MYSQL_URL, required
// under CI by test/support/servers.ts) and `schema --dialect`. A URL's password never reaches the output.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createPool } from "mysql2/promise";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { kyselySchemaSql } from "../../src/adapters/kysely/index.js";
import { SCHEMA_VERSION } from "../../src/adapters/kysely/migrations.js";
import { serverUrl } from "../support/servers.js";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "auth-skill-cli-migrate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TABLES = ["users", "sessions", "verifications", "totp", "recovery_codes", "passkeys", "migrations"];
const prefix = () => `cli_${randomBytes(4).toString("hex")}_`;

/** The URL with its password replaced by `password`. */
function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

describe.concurrent("schema", () => {
  it.each(["sqlite", "postgres", "mysql"] as const)("--dialect %s prints the adapter's DDL", async (dialect) => {
    const { code, stdout, stderr } = await runCli(["schema", "--dialect", dialect]);
    expect([code, stderr]).toEqual([0, ""]);
    expect(stdout).toBe(kyselySchemaSql(dialect));
    const prefixed = await runCli(["schema", "--dialect", dialect, "--prefix", "app_"]);
    expect(prefixed.stdout).toBe(kyselySchemaSql(dialect, "app_"));
  });

  it("an unknown dialect is a usage error (2); a bad prefix CONFIG_ERROR (1)", async () => {
    expect((await runCli(["schema", "--dialect", "oracle"])).code).toBe(2);
    const bad = await runCli(["schema", "--dialect", "sqlite", "--prefix", "Bad-Prefix"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("CONFIG_ERROR");
  });
});

describe.concurrent("migrate: SQLite", () => {
  it("sqlite:<path> and a plain path create the tables at the latest version; running again changes nothing", async () => {
    const file = join(dir, "auth.db");
    for (const db of [`sqlite:${file}`, file]) {
      const { code, stdout, stderr } = await runCli(["migrate", "--db", db]);
      expect([code, stderr]).toEqual([0, ""]);
      expect(stdout).toBe(`migrated the sqlite database to auth-skill schema version ${SCHEMA_VERSION}\n`);
    }
    const sqlite = new Database(file, { readonly: true });
    try {
      const tables = sqlite.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all();
      expect(tables).toEqual(TABLES.map((t) => `auth_${t}`).sort());
      expect(sqlite.prepare("select version from auth_migrations order by version").pluck().all()).toEqual(
        Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
      );
    } finally {
      sqlite.close();
    }
  });

  it("DATABASE_URL when --db is absent; --prefix names the tables", async () => {
    const file = join(dir, "env.db");
    const { code } = await runCli(["migrate", "--prefix", "env_"], { env: { DATABASE_URL: `sqlite:${file}` } });
    expect(code).toBe(0);
    const sqlite = new Database(file, { readonly: true });
    expect(sqlite.prepare("select count(*) from sqlite_master where name like 'env_%' and type = 'table'").pluck().get()).toBe(TABLES.length);
    sqlite.close();
  });

  it("no database is a usage error; an unknown scheme too; a directory that does not exist: exit 1", async () => {
    const none = await runCli(["migrate"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("migrate needs --db");
    const scheme = await runCli(["migrate", "--db", "redis://127.0.0.1:6379"]);
    expect(scheme.code).toBe(2);
    const port = await runCli(["migrate", "--db", "mysql://u:Canary-pw@127.0.0.1:99999/db"]);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain("not a usable mysql:// URL");
    expect(port.stderr).not.toContain("Canary");
    const url = await runCli(["migrate", "--db", "postgres://u:Canary-pw@host:notaport/db"]);
    expect(url.code).toBe(1);
    expect(url.stderr).not.toContain("Canary");
    const missing = await runCli(["migrate", "--db", `sqlite:${join(dir, "no", "such", "dir.db")}`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cannot open the SQLite database");
  });
});

const pgUrl = serverUrl("pg");
describe.skipIf(!pgUrl)("migrate: PostgreSQL", () => {
  it("creates the tables (idempotent), and a wrong password fails without printing it", async () => {
    const p = prefix();
    for (let i = 0; i < 2; i++) {
      const run = await runCli(["migrate", "--db", pgUrl!, "--prefix", p]);
      expect([run.code, run.stdout]).toEqual([0, `migrated the postgres database to auth-skill schema version ${SCHEMA_VERSION}\n`]);
    }
    const pool = new pg.Pool({ connectionString: pgUrl, max: 1 });
    try {
      const { rows } = await pool.query("select table_name from information_schema.tables where table_schema = current_schema() and table_name like $1", [
        `${p}%`,
      ]);
      expect(rows.map((r: { table_name: string }) => r.table_name).sort()).toEqual(TABLES.map((t) => `${p}${t}`).sort());
      const canary = "Canary-pw-4e1d";
      const wrong = await runCli(["migrate", "--db", withPassword(pgUrl!, canary), "--prefix", p]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/^auth-skill: STORAGE_ERROR \(28P01\): /);
      expect(wrong.stdout + wrong.stderr).not.toContain(canary);
    } finally {
      for (const t of TABLES) await pool.query(`drop table if exists "${p}${t}" cascade`);
      await pool.end();
    }
  });
});

const mysqlUrl = serverUrl("mysql");
describe.skipIf(!mysqlUrl)("migrate: MySQL/MariaDB", () => {
  it("creates the tables (idempotent), and a wrong password fails without printing it", async () => {
    const p = prefix();
    for (let i = 0; i < 2; i++) {
      const run = await runCli(["migrate", "--db", mysqlUrl!, "--prefix", p]);
      expect([run.code, run.stdout]).toEqual([0, `migrated the mysql database to auth-skill schema version ${SCHEMA_VERSION}\n`]);
    }
    const pool = createPool({ uri: mysqlUrl!, connectionLimit: 1 });
    try {
      const [rows] = await pool.query("select table_name as t from information_schema.tables where table_schema = database() and table_name like ?", [`${p}%`]);
      expect((rows as { t: string }[]).map((r) => r.t).sort()).toEqual(TABLES.map((t) => `${p}${t}`).sort());
      const canary = "Canary-pw-7b2c";
      const wrong = await runCli(["migrate", "--db", withPassword(mysqlUrl!, canary), "--prefix", p]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/^auth-skill: STORAGE_ERROR \(ER_ACCESS_DENIED_ERROR\): /);
      expect(wrong.stdout + wrong.stderr).not.toContain(canary);
    } finally {
      for (const t of ["sessions", "verifications", "recovery_codes", "totp", "passkeys", "users", "migrations"])
        await pool.query(`drop table if exists \`${p}${t}\``); // children first
      await pool.end();
    }
  });
});
