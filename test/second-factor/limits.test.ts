// The signin limiter and the second factor: a right first factor does not reset the account's counters while its second
// factor is to come (password and email code alike), and a malformed request spends no attempt.
import { generate, ScureBase32Plugin } from "otplib";
import { describe, expect, it } from "vitest";
import { AuthError, AuthSkill, type MfaChallenge, memoryStorage } from "../../src/index.js";
import { insecureTestHasher } from "../../src/testing/test-hasher.js";
import { totp } from "../../src/totp/index.js";

const base32 = new ScureBase32Plugin();
const PASSWORD = "a long enough passphrase 42";
async function setup(max: number, mail: { token: string | null }[] = []) {
  let clock = Date.parse("2026-12-02T10:00:05Z");
  const auth = new AuthSkill({
    email: { send: (m) => void mail.push(m) },
    secret: "found-bugs-test-secret-0123456789abcdefABCDEF",
    storage: memoryStorage(),
    now: () => new Date(clock),
    password: { hasher: insecureTestHasher() },
    rateLimit: { account: { max, window: "15m" } },
    totp: totp({ issuer: "Example" }),
  });
  const up = await auth.signup({ email: "a@example.com", password: PASSWORD });
  const { secret } = await auth.totp.enroll(up.user.id);
  const codeAt = () => generate({ secret: base32.decode(secret), epoch: Math.floor(clock / 1000) });
  await auth.totp.confirm(up.user.id, await codeAt());
  clock += 30_000;
  return { auth, id: up.user.id, codeAt };
}
const codeOf = (err: unknown) => (err instanceof AuthError ? err.code : String(err));

describe("second factor and the signin limiter", () => {
  it("wrong TOTP codes across sign-ins reach RATE_LIMITED after the account budget (6)", async () => {
    const { auth, codeAt } = await setup(6);
    const right = await codeAt();
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    const outcomes: string[] = [];
    for (let round = 0; round < 20; round++) {
      let c: MfaChallenge;
      try {
        c = (await auth.signin({ email: "a@example.com", password: PASSWORD })) as MfaChallenge;
      } catch (err) {
        outcomes.push(`signin:${codeOf(err)}`);
        break;
      }
      for (let i = 0; i < 5; i++) outcomes.push(await auth.verifySecondFactor({ mfaToken: c.mfaToken, code: wrong }).then(() => "ok", codeOf));
      if (outcomes.some((o) => o.includes("RATE_LIMITED"))) break;
    }
    expect(outcomes.filter((o) => o === "INVALID_CREDENTIALS").length).toBeLessThanOrEqual(6);
    expect(outcomes.join(",")).toContain("RATE_LIMITED");
  });

  it("malformed totp.disable proofs (INVALID_INPUT) spend no signin attempt", async () => {
    const { auth, id } = await setup(3);
    for (let i = 0; i < 3; i++) await expect(auth.totp.disable(id, {} as never)).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(auth.signin({ email: "a@example.com", password: PASSWORD })).resolves.toMatchObject({ mfaRequired: true });
  });

  it("an email code's right answer does not reset the account's counters of a second-factor account either", async () => {
    const mail: { token: string | null }[] = [];
    const { auth, codeAt } = await setup(6, mail);
    const right = await codeAt();
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    const outcomes: string[] = [];
    for (let round = 0; round < 12 && !outcomes.some((o) => o.endsWith("RATE_LIMITED")); round++) {
      await auth.requestEmailCode({ email: "a@example.com" });
      await new Promise((r) => setTimeout(r, 20)); // the mail goes out after the request resolved
      try {
        const c = (await auth.signinWithEmailCode({ email: "a@example.com", code: mail.at(-1)!.token! })) as MfaChallenge;
        await auth.verifySecondFactor({ mfaToken: c.mfaToken, code: wrong });
      } catch (err) {
        outcomes.push(codeOf(err));
      }
    }
    expect(outcomes.at(-1)).toBe("RATE_LIMITED");
    expect(outcomes.length).toBeLessThanOrEqual(6);
  });
});
