// Issue 12's storage on the bridge. `SessionRecord.amr` lives in auth-skill's own refresh table (`amr`, comma-joined),
// never in Better Auth's tables; a refresh table made by a release from before the column gets it from
// `bridge.migrate()`, keeping its rows (their sessions read without amr: unknown). Attempts at a token are counted
// in the `value` JSON of our `verification` row (`"attempts"`, after `userId` and `payload`), and a value whose
// count is not a count fails closed.
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { AuthSkill } from "auth-skill";
import { randomId } from "../../src/ids.js";
import { DIALECTS, stack, type Stack } from "./support.js";

const PASSWORD = "a bridged passphrase 42";
const REFRESH = "authSkillRefresh";

const columns = async (s: Stack) =>
  s.dialect === "sqlite"
    ? (await sql<{ name: string }>`select name from pragma_table_info(${REFRESH})`.execute(s.db)).rows.map((r) => r.name)
    : (
        await sql<{
          name: string;
        }>`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = ${REFRESH}`.execute(s.db)
      ).rows.map((r) => r.name);

for (const dialect of DIALECTS) {
  describe(`better-auth bridge (${dialect}): amr and attempts`, () => {
    let s: Stack | undefined;
    afterEach(async () => {
      await s?.close();
      s = undefined;
    });

    it("migrate() adds `amr` (and `persistent`) to a refresh table made before them, keeping its rows", async () => {
      s = await stack(dialect);
      const auth = new AuthSkill({ secret: s.secret, storage: s.bridge.storage, rateLimit: false });
      const old = await auth.signup({ email: "old@example.com", password: PASSWORD });
      for (const column of ["amr", "persistent"]) await sql`alter table ${sql.table(REFRESH)} drop column ${sql.ref(column)}`.execute(s.db);
      expect(await columns(s)).not.toContain("amr");

      await Promise.all([s.bridge.migrate(), s.bridge.migrate()]); // two instances starting together
      await s.bridge.migrate();
      expect(await columns(s)).toEqual(expect.arrayContaining(["amr", "persistent"]));
      const found = await s.bridge.storage.findSession(old.sessionId);
      expect(found).not.toHaveProperty("amr");
      await expect(auth.refresh(old.refreshToken)).resolves.toMatchObject({ sessionId: old.sessionId });

      const record = { ...found!, id: randomId(), tokenHash: randomId(43), amr: ["pwd", "otp", "mfa"] };
      await s.bridge.storage.createSession(record);
      expect((await s.bridge.storage.findSession(record.id))?.amr).toEqual(["pwd", "otp", "mfa"]);
      const row = await s.db.selectFrom(REFRESH).select("amr").where("sessionId", "=", record.id).executeTakeFirstOrThrow();
      expect(row.amr).toBe("pwd,otp,mfa");
      expect(await s.db.selectFrom("session").selectAll().where("id", "=", record.id).executeTakeFirstOrThrow()).not.toHaveProperty("amr");
    });

    it("counts attempts in the token's value JSON; a value whose count is not a count is spent", async () => {
      s = await stack(dialect);
      const auth = new AuthSkill({ secret: s.secret, storage: s.bridge.storage, rateLimit: false });
      const { user } = await auth.signup({ email: "codes@example.com", password: PASSWORD });
      const now = new Date();
      const token = { id: randomId(), purpose: "email-code", userId: user.id, tokenHash: randomId(43), createdAt: now, payload: "p" };
      await s.bridge.storage.createVerification({ ...token, expiresAt: new Date(now.getTime() + 600_000) });
      const identifier = `auth-skill:email-code:${token.tokenHash}`;
      const value = async () => (await s!.db.selectFrom("verification").select("value").where("identifier", "=", identifier).executeTakeFirst())?.value;
      expect(await value()).toBe(JSON.stringify({ userId: user.id, payload: "p" }));
      expect(await s.bridge.storage.reserveVerificationAttempt(user.id, "email-code", 5, now)).toBe(true);
      expect(await s.bridge.storage.reserveVerificationAttempt(user.id, "email-code", 5, now)).toBe(true);
      expect(await value()).toBe(JSON.stringify({ userId: user.id, payload: "p", attempts: 2 }));
      expect(await s.bridge.storage.findVerification(token.tokenHash, "email-code")).toMatchObject({ userId: user.id, payload: "p" });

      await s.db
        .updateTable("verification")
        .set({ value: JSON.stringify({ userId: user.id, attempts: "0" }) })
        .where("identifier", "=", identifier)
        .execute();
      expect(await s.bridge.storage.reserveVerificationAttempt(user.id, "email-code", 5, now)).toBe(false);
      expect(await value()).toBe(JSON.stringify({ userId: user.id, attempts: "0" })); // refused, not rewritten
    });
  });
}
