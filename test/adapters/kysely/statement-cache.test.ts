import Database from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { AuthSkill } from "auth-skill";
import { kyselyStorage, sqliteStatementCache } from "auth-skill/kysely";
import { rejectsWith, throwsWith } from "../../helpers.js";

/** A real better-sqlite3 database whose `prepare` calls are counted by SQL text. */
function countingDatabase() {
  const database = new Database(":memory:");
  const prepared = new Map<string, number>();
  const prepare = database.prepare.bind(database);
  const counted = {
    prepare(text: string) {
      prepared.set(text, (prepared.get(text) ?? 0) + 1);
      return prepare(text);
    },
    close: () => database.close(),
  };
  return { database, counted, prepared, total: () => [...prepared.values()].reduce((a, b) => a + b, 0) };
}

const kysely = (database: Parameters<typeof sqliteStatementCache>[0]) => new Kysely<any>({ dialect: new SqliteDialect({ database: database as never }) });

describe("sqliteStatementCache", () => {
  it("prepares each distinct statement once, where the plain dialect prepares every query", async () => {
    const plain = countingDatabase();
    const cached = countingDatabase();
    for (const [d, db] of [
      [plain, kysely(plain.counted)],
      [cached, kysely(sqliteStatementCache(cached.counted))],
    ] as const) {
      await sql`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`.execute(db);
      for (let i = 0; i < 50; i++)
        await db
          .insertInto("t")
          .values({ id: i, v: `v${i}` })
          .execute();
      for (let i = 0; i < 50; i++) expect(await db.selectFrom("t").select("v").where("id", "=", i).executeTakeFirst()).toEqual({ v: `v${i}` });
      await db.destroy();
      expect(d.database.open).toBe(false); // destroy closes through the wrapper
    }
    expect(plain.total()).toBe(101);
    expect(cached.total()).toBe(3);
  });

  it("keeps at most `max` statements, dropping the least recently used", async () => {
    const d = countingDatabase();
    const db = kysely(sqliteStatementCache(d.counted, { max: 2 }));
    const a = sql`SELECT 1 AS a`;
    const b = sql`SELECT 2 AS b`;
    const c = sql`SELECT 3 AS c`;
    for (const q of [a, b, a, c, a, b]) await q.execute(db); // c evicts b (a was used more recently); then b evicts c
    expect(d.prepared.get("SELECT 1 AS a")).toBe(1);
    expect(d.prepared.get("SELECT 2 AS b")).toBe(2);
    expect(d.prepared.get("SELECT 3 AS c")).toBe(1);
    await db.destroy();
  });

  it("answers exactly as the plain dialect: transactions, rollbacks, errors, streams", async () => {
    const db = kysely(sqliteStatementCache(new Database(":memory:")));
    await sql`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)`.execute(db);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("t").values({ id: 1, v: "one" }).execute();
      await trx.insertInto("t").values({ id: 2, v: "two" }).execute();
    });
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("t").values({ id: 3, v: "three" }).execute();
        await trx.insertInto("t").values({ id: 4, v: "one" }).execute(); // unique violation
      }),
    ).rejects.toThrow(/UNIQUE/);
    // the failed statement is usable again, and the rolled-back row is gone
    await db.insertInto("t").values({ id: 5, v: "five" }).execute();
    const rows: unknown[] = [];
    for await (const row of db.selectFrom("t").select("v").orderBy("id").stream()) rows.push(row);
    expect(rows).toEqual([{ v: "one" }, { v: "two" }, { v: "five" }]);
    // the same statement again, while nothing streams
    expect(await db.selectFrom("t").select("v").orderBy("id").execute()).toEqual(rows);
    await db.destroy();
  });

  it("runs the whole auth flow through kyselyStorage", async () => {
    const db = kysely(sqliteStatementCache(new Database(":memory:")));
    const storage = kyselyStorage({ db });
    await storage.migrate();
    const auth = new AuthSkill({ secret: "statement-cache-secret-0123456789-abcdef", storage, rateLimit: false });
    const first = await auth.signup({ email: "ada@example.com", password: "correct horse battery staple" });
    const next = await auth.refresh(first.refreshToken);
    await rejectsWith(auth.refresh(first.refreshToken), "REFRESH_TOKEN_REUSED");
    await rejectsWith(auth.refresh(next.refreshToken), "TOKEN_REVOKED");
    await db.destroy();
  });

  it("refuses what is not a database, and a bad max (CONFIG_ERROR)", () => {
    throwsWith(() => sqliteStatementCache({} as never), "CONFIG_ERROR");
    throwsWith(() => sqliteStatementCache(new Database(":memory:"), { max: 0 }), "CONFIG_ERROR");
    throwsWith(() => sqliteStatementCache(new Database(":memory:"), { max: 1.5 }), "CONFIG_ERROR");
  });
});
