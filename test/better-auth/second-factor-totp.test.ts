// bridge.storage.secondFactors on Better Auth's twoFactor plugin table, against the real better-auth 1.7.25: a TOTP
// enrolment made in Better Auth is read here (its secret decrypted, its backup codes usable once on both sides), and
// one made through the storage operations is read back by Better Auth's own endpoints. The used-step table is ours.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { SecondFactorStorage } from "../../src/storage/second-factor.js";
import { rejectsWith } from "../helpers.js";
import { betterAuthSignup, DIALECTS, stack, type Stack } from "./support.js";
import {
  betterAuthAnswers,
  betterAuthChallenge,
  codeOf,
  currentStep,
  enableInBetterAuth,
  PASSWORD,
  twoFactorApi,
  twoFactorStack,
  uriSecret,
} from "./two-factor-support.js";

const base32Bytes = (text: string) => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/=+$/, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  return Uint8Array.from(bits.match(/.{8}/g)!.map((b) => Number.parseInt(b, 2)));
};
const factors = (s: Stack): SecondFactorStorage => s.bridge.storage.secondFactors!;
const row = (s: Stack, userId: string) => s.db.selectFrom("twoFactor").selectAll().where("userId", "=", userId).executeTakeFirst();

for (const dialect of DIALECTS) {
  describe(`better-auth bridge (${dialect}): TOTP on Better Auth's twoFactor table`, () => {
    let s: Stack | undefined;
    afterEach(async () => {
      await s?.close();
      s = undefined;
    });

    it("reads a Better Auth enrolment: the secret opens to the URI's key, the backup codes count, the user is flagged", async () => {
      s = await twoFactorStack(dialect);
      const ada = await enableInBetterAuth(s, "ada@example.com");
      const record = await factors(s).findTotp(ada.userId);
      expect(record).toMatchObject({ userId: ada.userId, pendingSecret: null, lastStep: null, recoveryCodes: 10 });
      expect(record!.secret).toMatch(/^[0-9a-f]+$/); // Better Auth's bare hex (no `secrets` rotation)
      expect(record!.secret).toBe((await row(s, ada.userId))!.secret);
      const key = factors(s).codec!.open(record!.secret!);
      expect(Buffer.from(key!)).toEqual(Buffer.from(base32Bytes(ada.secret)));
      expect(Buffer.from(key!).toString("utf8")).toMatch(/^[A-Za-z0-9_-]{32}$/); // Better Auth's 32-character secret, as UTF-8
      expect(await codeOf(key!)).toBe(await codeOf(ada.secret));
      expect(await s.bridge.storage.findUserById(ada.userId)).toMatchObject({ twoFactorEnabled: true });
      expect(factors(s).codec!.recoveryCodeKeys(ada.backupCodes[0]!)).toEqual([ada.backupCodes[0]]); // Better Auth matches codes exactly
    });

    it("a pending Better Auth enrolment (verified = false) is a pendingSecret, not a secret", async () => {
      s = await twoFactorStack(dialect);
      const bob = await betterAuthSignup(s, "bob@example.com", PASSWORD);
      const enabled = await twoFactorApi(s).enableTwoFactor({ body: { password: PASSWORD }, headers: new Headers({ cookie: bob.cookie }) });
      const record = await factors(s).findTotp(bob.userId);
      expect(record).toMatchObject({ secret: null, recoveryCodes: 0 });
      expect(Buffer.from(factors(s).codec!.open(record!.pendingSecret!)!)).toEqual(Buffer.from(base32Bytes(uriSecret(enabled.totpURI))));
      expect(await factors(s).acceptTotpStep(bob.userId, currentStep())).toBe(false); // nothing confirmed
      expect(await factors(s).consumeRecoveryCode(bob.userId, enabled.backupCodes[0]!)).toBe(false);
    });

    it("each time step once through AuthSkill (50 at once: one wins), never an older one", async () => {
      s = await twoFactorStack(dialect);
      const ada = await enableInBetterAuth(s, "ada@example.com");
      const step = currentStep();
      const wins = await Promise.all(Array.from({ length: 50 }, () => factors(s!).acceptTotpStep(ada.userId, step)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await factors(s).acceptTotpStep(ada.userId, step - 1)).toBe(false);
      expect(await factors(s).acceptTotpStep(ada.userId, step + 1)).toBe(true);
      expect((await factors(s).findTotp(ada.userId))?.lastStep).toBe(step + 1);
      expect(await factors(s).acceptTotpStep("no-such-user", step + 2)).toBe(false);
    });

    it("a Better Auth backup code is taken once here, and is then gone for Better Auth; 50 at once: one wins", async () => {
      s = await twoFactorStack(dialect);
      const ada = await enableInBetterAuth(s, "ada@example.com");
      const [first, second, third] = ada.backupCodes as [string, string, string];
      const wins = await Promise.all(Array.from({ length: 50 }, () => factors(s!).consumeRecoveryCode(ada.userId, first)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await factors(s).consumeRecoveryCode(ada.userId, first)).toBe(false);
      expect(await factors(s).consumeRecoveryCode(ada.userId, first.toUpperCase() === first ? first.toLowerCase() : first.toUpperCase())).toBe(false);
      expect((await factors(s).findTotp(ada.userId))?.recoveryCodes).toBe(9);
      expect(await betterAuthAnswers(s, await betterAuthChallenge(s, "ada@example.com"), { backupCode: first })).toBe(false);
      expect((await twoFactorApi(s).viewBackupCodes({ body: { userId: ada.userId } })).backupCodes).not.toContain(first);
      // and the other way: a code Better Auth took is refused here
      expect(await betterAuthAnswers(s, await betterAuthChallenge(s, "ada@example.com"), { backupCode: second })).toBe(true);
      expect(await factors(s).consumeRecoveryCode(ada.userId, second)).toBe(false);
      // two different codes at once: both are taken (the compare-and-set loser reads again)
      const fourth = ada.backupCodes[3]!;
      expect(await Promise.all([factors(s).consumeRecoveryCode(ada.userId, third), factors(s).consumeRecoveryCode(ada.userId, fourth)])).toEqual([true, true]);
      expect((await twoFactorApi(s).viewBackupCodes({ body: { userId: ada.userId } })).backupCodes).toHaveLength(6);
    });

    it("an enrolment made through the storage operations is Better Auth's: its sign-in asks for TOTP and takes our code and backup codes", async () => {
      s = await twoFactorStack(dialect);
      const cy = await betterAuthSignup(s, "cy@example.com", PASSWORD);
      const key = randomBytes(20);
      const sealed = factors(s).codec!.seal(key);
      expect(await factors(s).setPendingTotp(cy.userId, sealed, new Date())).toBe(true);
      expect(await row(s, cy.userId)).toMatchObject({ secret: sealed });
      expect(await s.bridge.storage.findUserById(cy.userId)).toMatchObject({ twoFactorEnabled: false });
      const codes = ["ours1-codeA", "ours2-codeB"];
      const input = { userId: cy.userId, pendingSecret: sealed, step: currentStep(), recoveryCodes: codes, now: new Date() };
      const wins = await Promise.all(Array.from({ length: 20 }, () => factors(s!).activateTotp(input)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await factors(s).findTotp(cy.userId)).toMatchObject({ secret: sealed, pendingSecret: null, lastStep: input.step, recoveryCodes: 2 });
      expect(await s.bridge.storage.findUserById(cy.userId)).toMatchObject({ twoFactorEnabled: true });
      // Better Auth: the URI shows our key, its verify-totp accepts a code of it, its verify-backup-code our codes
      const uri = await twoFactorApi(s).getTOTPURI({ body: { password: PASSWORD }, headers: new Headers({ cookie: cy.cookie }) });
      expect(Buffer.from(base32Bytes(uriSecret(uri.totpURI)))).toEqual(key);
      expect(await betterAuthAnswers(s, await betterAuthChallenge(s, "cy@example.com"), { code: "000000" })).toBe(false);
      expect(await betterAuthAnswers(s, await betterAuthChallenge(s, "cy@example.com"), { code: await codeOf(key) })).toBe(true);
      expect(await betterAuthAnswers(s, await betterAuthChallenge(s, "cy@example.com"), { backupCode: "ours1-codeA" })).toBe(true);
      expect(await factors(s).consumeRecoveryCode(cy.userId, "ours1-codeA")).toBe(false);
      expect(await factors(s).consumeRecoveryCode(cy.userId, "ours2-codeB")).toBe(true);
    });

    it("re-enrolling keeps the confirmed secret until confirmed; replace and delete reach Better Auth", async () => {
      s = await twoFactorStack(dialect);
      const ada = await enableInBetterAuth(s, "ada@example.com");
      const old = (await factors(s).findTotp(ada.userId))!.secret!;
      const next = factors(s).codec!.seal(randomBytes(20));
      expect(await factors(s).setPendingTotp(ada.userId, next, new Date())).toBe(true);
      expect(await factors(s).findTotp(ada.userId)).toMatchObject({ secret: old, pendingSecret: next, recoveryCodes: 10 });
      expect(await betterAuthAnswers(s, await betterAuthChallenge(s, "ada@example.com"), { code: await codeOf(ada.secret) })).toBe(true);
      const stale = { userId: ada.userId, pendingSecret: old, step: currentStep(), recoveryCodes: [], now: new Date() };
      expect(await factors(s).activateTotp(stale)).toBe(false);
      expect(await factors(s).activateTotp({ ...stale, pendingSecret: next, recoveryCodes: ["fresh-codes"] })).toBe(true);
      expect(await factors(s).findTotp(ada.userId)).toMatchObject({ secret: next, pendingSecret: null, recoveryCodes: 1 });
      expect(await factors(s).replaceRecoveryCodes(ada.userId, ["a1", "b2", "c3"], new Date())).toBe(true);
      expect((await twoFactorApi(s).viewBackupCodes({ body: { userId: ada.userId } })).backupCodes).toEqual(["a1", "b2", "c3"]);
      expect(await factors(s).deleteTotp(ada.userId)).toBe(true);
      expect(await row(s, ada.userId)).toBeUndefined();
      expect(await factors(s).findTotp(ada.userId)).toBeNull();
      expect(await s.bridge.storage.findUserById(ada.userId)).toMatchObject({ twoFactorEnabled: false });
      expect(await factors(s).deleteTotp(ada.userId)).toBe(false);
      expect(await factors(s).replaceRecoveryCodes(ada.userId, ["x"], new Date())).toBe(false);
      // Better Auth signs Ada in without a second factor again
      expect(await s.auth.api.signInEmail({ body: { email: "ada@example.com", password: PASSWORD } })).toMatchObject({ user: { id: ada.userId } });
    });

    it("Better Auth's account lockout holds here: no code and no backup code while lockedUntil is ahead", async () => {
      s = await twoFactorStack(dialect);
      const ada = await enableInBetterAuth(s, "ada@example.com");
      const until = new Date(Date.now() + 15 * 60_000);
      await s.db
        .updateTable("twoFactor")
        .set({ lockedUntil: dialect === "sqlite" ? until.toISOString() : until })
        .where("userId", "=", ada.userId)
        .execute();
      expect(await factors(s).acceptTotpStep(ada.userId, currentStep())).toBe(false);
      expect(await factors(s).consumeRecoveryCode(ada.userId, ada.backupCodes[0]!)).toBe(false);
      await s.db.updateTable("twoFactor").set({ lockedUntil: null }).where("userId", "=", ada.userId).execute();
      expect(await factors(s).acceptTotpStep(ada.userId, currentStep())).toBe(true);
    });

    it("a failed write leaves nothing half-written and its error holds no secret (migrate() not run since upgrading)", async () => {
      s = await twoFactorStack(dialect);
      const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
      await s.db.schema.dropTable("authSkillTotp").execute();
      const canary = factors(s).codec!.seal(Buffer.from("CANARY-SECRET-0123456789"));
      const err = await rejectsWith(factors(s).setPendingTotp(ada.userId, canary, new Date()), "STORAGE_ERROR");
      const shown = JSON.stringify({ message: err.message, cause: String(err.cause), stack: err.stack });
      expect(shown).not.toContain(canary);
      expect(shown).not.toContain("CANARY");
      expect(await row(s, ada.userId)).toBeUndefined(); // the twoFactor insert was rolled back with it
      await s.bridge.migrate();
      expect(await factors(s).setPendingTotp(ada.userId, canary, new Date())).toBe(true);
    });

    it("deleting the user deletes the twoFactor row and ours", async () => {
      s = await twoFactorStack(dialect);
      const ada = await enableInBetterAuth(s, "ada@example.com");
      await factors(s).acceptTotpStep(ada.userId, currentStep());
      expect(await s.bridge.storage.deleteUser(ada.userId)).toBe(true);
      expect(await row(s, ada.userId)).toBeUndefined();
      expect(await s.db.selectFrom("authSkillTotp").selectAll().execute()).toEqual([]);
    });
  });

  describe(`better-auth bridge (${dialect}): without the twoFactor plugin`, () => {
    let s: Stack | undefined;
    afterEach(async () => {
      await s?.close();
      s = undefined;
    });

    it("reads find no enrolment; writes are CONFIG_ERROR naming the plugin", async () => {
      s = await stack(dialect);
      const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
      const f = factors(s);
      expect(await f.findTotp(ada.userId)).toBeNull();
      expect(await f.acceptTotpStep(ada.userId, currentStep())).toBe(false);
      expect(await f.consumeRecoveryCode(ada.userId, "abcde-fghij")).toBe(false);
      expect(await f.deleteTotp(ada.userId)).toBe(false);
      const err = await rejectsWith(f.setPendingTotp(ada.userId, f.codec!.seal(randomBytes(20)), new Date()), "CONFIG_ERROR");
      expect(err.message).toContain("twoFactor plugin");
      await rejectsWith(f.activateTotp({ userId: ada.userId, pendingSecret: "x", step: 1, recoveryCodes: [], now: new Date() }), "CONFIG_ERROR");
      await rejectsWith(f.replaceRecoveryCodes(ada.userId, [], new Date()), "CONFIG_ERROR");
    });
  });
}
