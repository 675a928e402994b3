import Database from "better-sqlite3";
import { Kysely, SqliteDialect, sql, type CompiledQuery } from "kysely";
import { describe, expect, it } from "vitest";
import { template } from "../../../src/adapters/kysely/template.js";

async function setup() {
  const seen: CompiledQuery[] = [];
  const db = new Kysely<any>({
    dialect: new SqliteDialect({ database: new Database(":memory:") }),
    log: (event) => void seen.push(event.query),
  });
  await sql`CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, v TEXT)`.execute(db);
  await db.insertInto("t").values({ id: "a", n: 1, v: "x" }).execute();
  seen.length = 0;
  return { db, seen };
}

describe("template (a statement compiled once)", () => {
  it("sends the builder's SQL, its slots filled in order and its constants kept", async () => {
    const { db, seen } = await setup();
    const bump = template<any, { id: string; n: number; v: string }, "v" | "id">(db, ["v", "id"], (slot) =>
      db
        .updateTable("t")
        .set((eb) => ({ v: slot.v, n: eb("n", "+", 5) }))
        .where("id", "=", slot.id)
        .returningAll(),
    );
    const built = db
      .updateTable("t")
      .set((eb) => ({ v: "y", n: eb("n", "+", 5) }))
      .where("id", "=", "a")
      .returningAll()
      .compile();
    const result = await bump({ id: "a", v: "y" });
    expect(result.rows).toEqual([{ id: "a", n: 6, v: "y" }]);
    expect(seen.at(-1)!.sql).toBe(built.sql);
    expect(seen.at(-1)!.parameters).toEqual(built.parameters); // ["y", 5, "a"]
    expect((await bump({ id: "a", v: null })).rows).toEqual([{ id: "a", n: 11, v: null }]);
    expect((await bump({ id: "nobody", v: "z" })).rows).toEqual([]);
    await db.destroy();
  });

  it("runs on a transaction when given one", async () => {
    const { db } = await setup();
    const setV = template(db, ["v"], (slot) => db.updateTable("t").set({ v: slot.v }).where("id", "=", "a"));
    await expect(
      db.transaction().execute(async (trx) => {
        await setV({ v: "inside" }, trx);
        expect(await trx.selectFrom("t").select("v").executeTakeFirst()).toEqual({ v: "inside" });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await db.selectFrom("t").select("v").executeTakeFirst()).toEqual({ v: "x" });
    await db.destroy();
  });

  it("refuses a slot the query does not use", async () => {
    const { db } = await setup();
    expect(() => template(db, ["id", "unused"], (slot) => db.selectFrom("t").selectAll().where("id", "=", slot.id))).toThrow(/unused/);
    await db.destroy();
  });
});
