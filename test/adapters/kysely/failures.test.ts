import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { sql, type Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { AuthSkill, type AuthError } from "auth-skill";
import { kyselyStorage, type KyselyStorage } from "auth-skill/kysely";
import { randomId } from "../../../src/ids.js";
import { dropTables, freshStorage, serverTargets, sqliteDb, type ServerTarget } from "./helpers.js";

const SECRET = "kysely-failure-tests-secret-0123456789-abcdef";
const password = "a sufficiently long passphrase 7";
const email = () => `fail-${randomId(8).toLowerCase()}@example.com`;
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: unknown) => (e as AuthError).code,
  );

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The server connection whose `UPDATE` of `table` waits on a row lock, and how to kill it. */
const BLOCKED: Record<
  ServerTarget["dialect"],
  { find: (db: Kysely<any>, table: string) => Promise<unknown>; kill: (db: Kysely<any>, id: unknown) => Promise<unknown> }
> = {
  postgres: {
    find: async (db, table) =>
      (
        await sql<{ pid: number }>`select pid from pg_stat_activity where wait_event_type = 'Lock'
        and query ilike 'update%' and position(${table} in query) > 0`.execute(db)
      ).rows[0]?.pid,
    kill: (db, pid) => sql`select pg_terminate_backend(${Number(pid)})`.execute(db),
  },
  mysql: {
    find: async (db, table) =>
      (
        await sql<{ id: number }>`select id from information_schema.processlist where id <> connection_id()
        and lower(info) like 'update%' and locate(${table}, info) > 0`.execute(db)
      ).rows[0]?.id,
    kill: (db, id) => sql.raw(`kill ${Number(id)}`).execute(db),
  },
};

for (const target of serverTargets()) {
  describe(`kysely ${target.dialect}: a connection dropped mid-flow`, () => {
    it("a refresh whose connection is killed during rotation rejects STORAGE_ERROR and changes nothing", async () => {
      const db = target.connect(4);
      const locker = target.connect(1);
      const storage = await freshStorage(db);
      try {
        const auth = new AuthSkill({ secret: SECRET, storage });
        const first = await auth.signup({ email: email(), password });
        const before = await storage.findSession(first.sessionId);
        // Hold the session row so the rotation's UPDATE blocks, then kill the connection running it.
        const outcome = await locker.transaction().execute(async (trx) => {
          await sql`select id from ${sql.table(storage.tables.sessions)} where id = ${first.sessionId} for update`.execute(trx);
          const pending = codeOf(auth.refresh(first.refreshToken));
          const victim = await until(() => BLOCKED[target.dialect].find(target.db(), storage.tables.sessions), "the blocked UPDATE");
          await BLOCKED[target.dialect].kill(target.db(), victim);
          return pending;
        });
        expect(outcome).toBe("STORAGE_ERROR");
        // pg may hand the dying client out once more before its socket closes: read until a live one answers.
        const after = await until(() => storage.findSession(first.sessionId).catch(() => undefined), "a live connection");
        expect(after).toEqual(before); // no half-applied rotation
        const next = await auth.refresh(first.refreshToken); // the same token still works, once
        expect(next.sessionId).toBe(first.sessionId);
        expect((await storage.findSession(first.sessionId))?.generation).toBe(1);
      } finally {
        await dropTables(db, storage);
        await db.destroy();
        await locker.destroy();
      }
    });

    it("a destroyed pool makes every flow reject STORAGE_ERROR, leaving no rows behind", async () => {
      const db = target.connect(2);
      const storage = await freshStorage(db);
      const observer = kyselyStorage({ db: target.db(), tablePrefix: storage.tables.users.slice(0, -"users".length) });
      try {
        const auth = new AuthSkill({ secret: SECRET, storage });
        const ada = await auth.signup({ email: email(), password });
        await db.destroy();
        const late = email();
        expect(await codeOf(auth.signup({ email: late, password }))).toBe("STORAGE_ERROR");
        expect(await codeOf(auth.signin({ email: ada.user.email, password }))).toBe("STORAGE_ERROR");
        expect(await codeOf(auth.refresh(ada.refreshToken))).toBe("STORAGE_ERROR");
        expect(await codeOf(auth.verifyAccessToken(ada.accessToken, { checkRevocation: true }))).toBe("STORAGE_ERROR");
        expect(await observer.findUserByEmail(late)).toBeNull();
        expect((await observer.findSession(ada.sessionId))?.generation).toBe(0);
      } finally {
        await dropTables(target.db(), observer);
      }
    });
  });
}

describe("kysely sqlite: a locked or closed database", () => {
  it("a rotation that cannot get the write lock rejects STORAGE_ERROR and changes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "auth-skill-kysely-"));
    const file = join(dir, "auth.db");
    const db = sqliteDb(file, 50); // busy timeout 50 ms
    const other = new Database(file);
    try {
      const storage: KyselyStorage = kyselyStorage({ db });
      await storage.migrate();
      const auth = new AuthSkill({ secret: SECRET, storage });
      const first = await auth.signup({ email: email(), password });
      const before = await storage.findSession(first.sessionId);
      other.exec("BEGIN IMMEDIATE"); // another process holds the write lock
      expect(await codeOf(auth.refresh(first.refreshToken))).toBe("STORAGE_ERROR");
      other.exec("ROLLBACK");
      expect(await storage.findSession(first.sessionId)).toEqual(before);
      await expect(auth.refresh(first.refreshToken)).resolves.toMatchObject({ sessionId: first.sessionId });
    } finally {
      other.close();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a destroyed Kysely instance makes flows reject STORAGE_ERROR", async () => {
    const db = sqliteDb();
    const storage = kyselyStorage({ db });
    await storage.migrate();
    const auth = new AuthSkill({ secret: SECRET, storage });
    const ada = await auth.signup({ email: email(), password });
    await db.destroy();
    expect(await codeOf(auth.signin({ email: ada.user.email, password }))).toBe("STORAGE_ERROR");
    expect(await codeOf(auth.refresh(ada.refreshToken))).toBe("STORAGE_ERROR");
  });
});
