// Schema version 4 (sessions.amr, verifications.attempts): a database made by the release at version 3
// (fixtures/schema-v3.<dialect>.sql: its kyselySchemaSql and its migrations table), filled with a user, a session
// and a single-use token as that release wrote them, is upgraded in place by migrate(): no row lost, the old
// session reads without amr (unknown) and refreshes, the old token starts at 0 attempts.
import { readFileSync } from "node:fs";
import { sql, type Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { AuthSkill, memoryStorage } from "auth-skill";
import { kyselyStorage, type KyselyDialect } from "auth-skill/kysely";
import { randomId } from "../../../src/ids.js";
import { allTargets, dropTables, freshStorage, randomPrefix } from "./helpers.js";
import { snapshot } from "./introspect.js";

const SECRET = "upgrade-v4-test-secret-0123456789-abcdefghijklmnop";
const PASSWORD = "a version 3 account's passphrase 42";

async function createV3Schema(db: Kysely<any>, dialect: KyselyDialect, prefix: string): Promise<void> {
  const text = readFileSync(new URL(`./fixtures/schema-v3.${dialect}.sql`, import.meta.url), "utf8").replaceAll("v3prefix_", prefix);
  for (const statement of text.split(/;\n/)) if (statement.trim() !== "") await sql.raw(statement).execute(db);
}

for (const target of allTargets()) {
  describe(`kysely ${target.dialect}: upgrading a version 3 database to 4`, () => {
    it("adds sessions.amr and verifications.attempts in place: rows kept, old sessions without amr, old tokens at 0 attempts", async () => {
      const db = target.db();
      const prefix = randomPrefix();
      const storage = kyselyStorage({ db, tablePrefix: prefix });
      const fresh = await freshStorage(db);
      try {
        await createV3Schema(db, target.dialect, prefix);
        const made = memoryStorage();
        const signup = await new AuthSkill({ secret: SECRET, storage: made, rateLimit: false }).signup({
          email: `v3-${randomId(6).toLowerCase()}@example.com`,
          password: PASSWORD,
        });
        const user = (await made.findUserById(signup.user.id))!;
        const { amr: _, ...session } = (await made.findSession(signup.sessionId))!; // v3 has no amr column
        const flag = (v: boolean) => (target.dialect === "sqlite" ? (v ? 1 : 0) : v);
        const t = (d: Date | null) => (d === null ? null : d.getTime());
        await db
          .insertInto(storage.tables.users)
          .values({
            id: user.id,
            email: user.email,
            username: null,
            name: null,
            email_verified: flag(false),
            password_hash: user.passwordHash,
            created_at: t(user.createdAt),
            updated_at: t(user.updatedAt),
            roles: "[]",
          })
          .execute();
        const { id, userId, tokenHash, generation, rotatedAt, successor, createdAt, expiresAt, lastUsedAt, revokedAt, ipAddress, userAgent } = session;
        await db
          .insertInto(storage.tables.sessions)
          .values({
            id,
            user_id: userId,
            token_hash: tokenHash,
            generation,
            rotated_at: t(rotatedAt),
            successor,
            created_at: t(createdAt),
            expires_at: t(expiresAt),
            last_used_at: t(lastUsedAt),
            revoked_at: t(revokedAt),
            ip_address: ipAddress,
            user_agent: userAgent,
            persistent: flag(true),
          })
          .execute();
        const code = randomId(43);
        const row = { purpose: "email-code", user_id: user.id, created_at: Date.now(), expires_at: Date.now() + 600_000, payload: null };
        await db
          .insertInto(storage.tables.verifications)
          .values({ id: randomId(), token_hash: code, ...row })
          .execute();

        await storage.migrate();
        const versions = await db.selectFrom(storage.tables.migrations).select("version").orderBy("version").execute();
        expect(versions.map((r) => Number(r.version))).toEqual([1, 2, 3, 4, 5]);
        expect(await snapshot(db, storage)).toEqual({ ...(await snapshot(db, fresh)), indexNames: expect.any(Array) });
        const old = await storage.findSession(session.id);
        expect(old).toEqual({ ...session, persistent: true });
        expect(old).not.toHaveProperty("amr"); // NULL: unknown
        const stored = await db.selectFrom(storage.tables.verifications).select("attempts").where("token_hash", "=", code).executeTakeFirstOrThrow();
        expect(Number(stored.attempts)).toBe(0);

        const now = new Date();
        const granted = [];
        for (let i = 0; i < 4; i++) granted.push(await storage.reserveVerificationAttempt(user.id, "email-code", 3, now));
        expect(granted).toEqual([true, true, true, false]);
        const spent = await db.selectFrom(storage.tables.verifications).select("attempts").where("token_hash", "=", code).executeTakeFirstOrThrow();
        expect(Number(spent.attempts)).toBe(3); // refused: counted no further, left for a granted attempt to spend

        const auth = new AuthSkill({ secret: SECRET, storage, rateLimit: false });
        await expect(auth.refresh(signup.refreshToken)).resolves.toMatchObject({ sessionId: session.id, rememberMe: true });
        const signedIn = await auth.signin({ email: user.email, password: PASSWORD });
        const next = { id: randomId(), tokenHash: randomId(43) };
        await storage.createSession({ ...(await storage.findSession(signedIn.sessionId))!, ...next, amr: ["pwd", "otp", "mfa"] });
        expect((await storage.findSession(next.id))?.amr).toEqual(["pwd", "otp", "mfa"]);

        await storage.migrate(); // at the latest version: nothing to do
        expect(versions.length).toBe(5);
        expect((await db.selectFrom(storage.tables.migrations).select("version").execute()).length).toBe(5);
      } finally {
        await dropTables(db, storage);
        await dropTables(db, fresh);
      }
    });
  });
}
