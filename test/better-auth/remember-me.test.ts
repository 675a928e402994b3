// "Remember me" on the bridge: the choice lives in auth-skill's own refresh table (`persistent`), never in Better
// Auth's tables (Better Auth keeps it in its signed `dont_remember` cookie, not in `session`). A refresh table made
// by a release from before the column gets it from `bridge.migrate()`, keeping its rows: their sessions refresh as
// remember-me. A short session's Better Auth row ends when it does.
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { AuthSkill } from "auth-skill";
import { manualClock } from "../helpers.js";
import { DIALECTS, stack, type Stack } from "./support.js";

const PASSWORD = "a bridged passphrase 42";
const DAY = 86_400_000;
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
  describe(`better-auth bridge (${dialect}): remember me`, () => {
    let s: Stack | undefined;
    afterEach(async () => {
      await s?.close();
      s = undefined;
    });

    it("migrate() adds `persistent` to a refresh table made before it, keeping its rows (remember-me)", async () => {
      s = await stack(dialect);
      const clock = manualClock(new Date());
      const auth = new AuthSkill({ secret: s.secret, storage: s.bridge.storage, now: clock.now, rateLimit: false });
      const old = await auth.signup({ email: "old@example.com", password: PASSWORD });
      // the table as the release before the column made it (the row stays)
      await sql`alter table ${sql.table(REFRESH)} drop column ${sql.ref("persistent")}`.execute(s.db);
      expect(await columns(s)).not.toContain("persistent");

      await Promise.all([s.bridge.migrate(), s.bridge.migrate()]); // two instances starting together
      await s.bridge.migrate();
      expect(await columns(s)).toContain("persistent");
      expect(await s.bridge.storage.findSession(old.sessionId)).not.toHaveProperty("persistent");
      await expect(auth.refresh(old.refreshToken)).resolves.toMatchObject({ sessionId: old.sessionId, rememberMe: true });

      const short = await auth.signin({ email: "old@example.com", password: PASSWORD }, { rememberMe: false });
      expect(short).toMatchObject({ rememberMe: false, refreshTokenExpiresAt: new Date(clock.now().getTime() + DAY) });
      expect((await s.bridge.storage.findSession(short.sessionId))?.persistent).toBe(false);
    });

    it("a short session's Better Auth row ends with it, and refreshes keep rememberMe false", async () => {
      s = await stack(dialect);
      const clock = manualClock(new Date());
      const t0 = clock.now().getTime();
      const auth = new AuthSkill({ secret: s.secret, storage: s.bridge.storage, now: clock.now, rateLimit: false });
      const short = await auth.signup({ email: "short@example.com", password: PASSWORD }, { rememberMe: false });
      const row = await s.db.selectFrom("session").select("expiresAt").where("id", "=", short.sessionId).executeTakeFirstOrThrow();
      expect(new Date(row.expiresAt).getTime()).toBe(t0 + DAY);
      clock.advance(DAY / 2);
      await expect(auth.refresh(short.refreshToken)).resolves.toMatchObject({ rememberMe: false, refreshTokenExpiresAt: new Date(t0 + DAY) });
      const slid = await s.db.selectFrom("session").select("expiresAt").where("id", "=", short.sessionId).executeTakeFirstOrThrow();
      expect(new Date(slid.expiresAt).getTime()).toBe(t0 + DAY); // the slide never passes the absolute expiry
    });
  });
}
