// Schema version 5 (users.two_factor_enabled, the totp, recovery_codes and passkeys tables): a database made by the
// release at version 4 (fixtures/schema-v4.<dialect>.sql: its kyselySchemaSql and its migrations table), holding a user
// and a session as that release wrote them, is upgraded in place by migrate(): no row lost, the old user reads without
// twoFactorEnabled (no second factor), and the second factors work on it.
import { readFileSync } from "node:fs";
import { sql, type Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { kyselyStorage, type KyselyDialect } from "auth-skill/kysely";
import { userRecord } from "auth-skill/testing";
import { randomId } from "../../../src/ids.js";
import { allTargets, dropTables, freshStorage, randomPrefix } from "./helpers.js";
import { snapshot } from "./introspect.js";

const T0 = new Date("2026-01-01T00:00:00.000Z");

async function createV4Schema(db: Kysely<any>, dialect: KyselyDialect, prefix: string): Promise<void> {
  const text = readFileSync(new URL(`./fixtures/schema-v4.${dialect}.sql`, import.meta.url), "utf8").replaceAll("v4prefix_", prefix);
  for (const statement of text.split(/;\n/)) if (statement.trim() !== "") await sql.raw(statement).execute(db);
}

for (const target of allTargets()) {
  describe(`kysely ${target.dialect}: upgrading a version 4 database to 5`, () => {
    it("adds users.two_factor_enabled and the second-factor tables in place: rows kept, old users without a second factor", async () => {
      const db = target.db();
      const prefix = randomPrefix();
      const storage = kyselyStorage({ db, tablePrefix: prefix });
      const fresh = await freshStorage(db);
      try {
        await createV4Schema(db, target.dialect, prefix);
        const flag = (v: boolean) => (target.dialect === "sqlite" ? (v ? 1 : 0) : v);
        const u = userRecord({ createdAt: T0, updatedAt: T0, passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA" });
        await db
          .insertInto(storage.tables.users)
          .values({
            id: u.id,
            email: u.email,
            username: null,
            name: null,
            email_verified: flag(false),
            password_hash: u.passwordHash,
            created_at: T0.getTime(),
            updated_at: T0.getTime(),
            roles: "[]",
          })
          .execute();
        const sessionId = randomId();
        const t = T0.getTime();
        await db
          .insertInto(storage.tables.sessions)
          .values({ id: sessionId, user_id: u.id, token_hash: randomId(43), generation: 0, created_at: t, expires_at: t + 86_400_000, last_used_at: t })
          .execute();

        await storage.migrate();
        const versions = await db.selectFrom(storage.tables.migrations).select("version").orderBy("version").execute();
        expect(versions.map((r) => Number(r.version))).toEqual([1, 2, 3, 4, 5]);
        expect(await snapshot(db, storage)).toEqual({ ...(await snapshot(db, fresh)), indexNames: expect.any(Array) });
        const old = await storage.findUserById(u.id);
        expect(old).toEqual(u); // NULL two_factor_enabled: left out, no second factor
        expect(old).not.toHaveProperty("twoFactorEnabled");
        expect((await storage.findSession(sessionId))?.userId).toBe(u.id);

        const factors = storage.secondFactors;
        expect(await factors.setPendingTotp(u.id, "sealed", T0)).toBe(true);
        expect(await factors.activateTotp({ userId: u.id, pendingSecret: "sealed", step: 7, recoveryCodes: ["c1", "c2"], now: T0 })).toBe(true);
        expect(await storage.findUserByEmail(u.email)).toEqual({ ...u, twoFactorEnabled: true });
        const passkey = {
          id: randomId(22),
          userId: u.id,
          userHandle: randomId(22),
          publicKey: "pQECAyYgASFY",
          counter: 0,
          transports: ["internal"],
          deviceType: "multiDevice" as const,
          backedUp: true,
          name: null,
          createdAt: T0,
          lastUsedAt: null,
        };
        expect(await factors.createPasskey(passkey)).toBe(true);
        expect(await storage.deleteUser(u.id)).toBe(true);
        for (const table of [storage.tables.totp, storage.tables.recoveryCodes, storage.tables.passkeys]) {
          expect(await db.selectFrom(table).selectAll().execute()).toEqual([]);
        }

        await storage.migrate(); // at the latest version: nothing to do
        expect((await db.selectFrom(storage.tables.migrations).select("version").execute()).length).toBe(5);
      } finally {
        await dropTables(db, storage);
        await dropTables(db, fresh);
      }
    });
  });
}
