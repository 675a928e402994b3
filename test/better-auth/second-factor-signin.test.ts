// Issue 12's proof for the bridge: "A Better Auth user who enabled TOTP in Better Auth signs in through AuthSkill with
// the same code." The real better-auth 1.7.25 (twoFactor plugin) and AuthSkill with `totp()` on bridge.storage, on
// SQLite and PostgreSQL: one enrolment — made on either side — serves both, a code is taken once here, and a backup
// code once across both.
import { afterEach, describe, expect, it } from "vitest";
import { AuthSkill } from "auth-skill";
import { totp } from "../../src/totp/index.js";
import { rejectsWith } from "../helpers.js";
import { betterAuthSignup, betterAuthUserOf, cookieOf, DIALECTS, type Stack } from "./support.js";
import { betterAuthAnswers, betterAuthChallenge, codeOf, enableInBetterAuth, PASSWORD, twoFactorApi, twoFactorStack } from "./two-factor-support.js";

const ADA = "ada@example.com";
const authSkill = (s: Stack) => new AuthSkill({ secret: s.secret, storage: s.bridge.storage, rateLimit: false, totp: totp({ issuer: "Example" }) });

async function challenge(auth: ReturnType<typeof authSkill>, email: string) {
  const result = await auth.signin({ email, password: PASSWORD });
  if (!("mfaRequired" in result)) throw new Error("signin did not ask for the second factor");
  return result;
}

for (const dialect of DIALECTS) {
  describe(`better-auth bridge (${dialect}): second factor across both sides`, () => {
    let s: Stack | undefined;
    afterEach(async () => {
      await s?.close();
      s = undefined;
    });

    it("a Better Auth user who enabled TOTP in Better Auth signs in through AuthSkill with the same code, once", async () => {
      s = await twoFactorStack(dialect, { argon2: true }); // AuthSkill rehashes to argon2id: Better Auth must verify it
      const ada = await enableInBetterAuth(s, ADA);
      const auth = authSkill(s);
      const first = await challenge(auth, ADA);
      expect(first).toMatchObject({ mfaRequired: true, methods: ["totp", "recovery-code"] });
      expect(await s.db.selectFrom("session").select("id").where("userId", "=", ada.userId).execute()).toHaveLength(1); // Better Auth's own, from enabling
      const code = await codeOf(ada.secret);
      await rejectsWith(auth.verifySecondFactor({ mfaToken: first.mfaToken, code: code === "000000" ? "111111" : "000000" }), "INVALID_CREDENTIALS");
      const session = await auth.verifySecondFactor({ mfaToken: first.mfaToken, code });
      expect(session.user.id).toBe(ada.userId);
      // the session is a Better Auth session too
      expect(await betterAuthUserOf(s, (await cookieOf(s, session.sessionId)).setCookie.split(";")[0]!)).toBe(ada.userId);
      // the same code again: refused (its time step is used), under a new challenge
      const second = await challenge(auth, ADA);
      await rejectsWith(auth.verifySecondFactor({ mfaToken: second.mfaToken, code }), "INVALID_CREDENTIALS");
      expect((await s.bridge.storage.secondFactors!.findTotp(ada.userId))?.lastStep).not.toBeNull();
    });

    it("a Better Auth backup code works once in AuthSkill and is then gone for Better Auth too", async () => {
      s = await twoFactorStack(dialect, { argon2: true }); // AuthSkill rehashes to argon2id: Better Auth must verify it
      const ada = await enableInBetterAuth(s, ADA);
      const auth = authSkill(s);
      const [backup, other] = ada.backupCodes as [string, string];
      const session = await auth.verifySecondFactor({ mfaToken: (await challenge(auth, ADA)).mfaToken, recoveryCode: backup });
      expect(session.user.id).toBe(ada.userId);
      await rejectsWith(auth.verifySecondFactor({ mfaToken: (await challenge(auth, ADA)).mfaToken, recoveryCode: backup }), "INVALID_CREDENTIALS");
      expect(await betterAuthAnswers(s, await betterAuthChallenge(s, ADA), { backupCode: backup })).toBe(false);
      expect(await betterAuthAnswers(s, await betterAuthChallenge(s, ADA), { backupCode: other })).toBe(true);
      await rejectsWith(auth.verifySecondFactor({ mfaToken: (await challenge(auth, ADA)).mfaToken, recoveryCode: other }), "INVALID_CREDENTIALS");
      expect(await auth.totp.status(ada.userId)).toEqual({ enabled: true, pending: false, recoveryCodes: 8 });
    });

    it("an enrolment made through auth.totp is accepted by Better Auth's verify-totp and verify-backup-code", async () => {
      s = await twoFactorStack(dialect, { argon2: true }); // AuthSkill rehashes to argon2id: Better Auth must verify it
      const cy = await betterAuthSignup(s, "cy@example.com", PASSWORD);
      const auth = authSkill(s);
      const { secret } = await auth.totp.enroll(cy.userId);
      expect(await s.auth.api.signInEmail({ body: { email: "cy@example.com", password: PASSWORD } })).toMatchObject({ user: { id: cy.userId } }); // pending: not on yet
      const { recoveryCodes } = await auth.totp.confirm(cy.userId, await codeOf(secret));
      expect(await s.bridge.storage.findUserById(cy.userId)).toMatchObject({ twoFactorEnabled: true });
      expect(await betterAuthAnswers(s, await betterAuthChallenge(s, "cy@example.com"), { code: await codeOf(secret) })).toBe(true);
      expect(await betterAuthAnswers(s, await betterAuthChallenge(s, "cy@example.com"), { backupCode: recoveryCodes[0]! })).toBe(true);
      expect((await twoFactorApi(s).viewBackupCodes({ body: { userId: cy.userId } })).backupCodes).toEqual(recoveryCodes.slice(1));
      // and AuthSkill's own sign-in with the next code
      const session = await auth.verifySecondFactor({ mfaToken: (await challenge(auth, "cy@example.com")).mfaToken, code: await codeOf(secret, 1) });
      expect(session.user.id).toBe(cy.userId);
      // removing it through AuthSkill turns it off for Better Auth
      await auth.totp.disable(cy.userId, { password: PASSWORD });
      expect(await s.auth.api.signInEmail({ body: { email: "cy@example.com", password: PASSWORD } })).toMatchObject({ user: { id: cy.userId } });
    });
  });
}
