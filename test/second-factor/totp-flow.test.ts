// TOTP end to end on memoryStorage, with the real otplib and argon2: enrol, confirm, the sign-in challenge, the code,
// each time step once, recovery codes once, removal; and what a pending second factor must not give.
import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { AuthSkill, type AuthEvent, type MfaChallenge, memoryStorage } from "../../src/index.js";
import { ScureBase32Plugin } from "otplib";
import { totp } from "../../src/totp/index.js";

const SECRET = "totp-flow-test-secret-0123456789abcdefABCDEF";
const PASSWORD = "a long enough passphrase 42";
const base32 = new ScureBase32Plugin();

function setup() {
  let clock = Date.parse("2026-12-02T10:00:00Z");
  const events: AuthEvent[] = [];
  const storage = memoryStorage();
  const auth = new AuthSkill({ secret: SECRET, storage, now: () => new Date(clock), onEvent: (e) => void events.push(e), totp: totp({ issuer: "Example" }) });
  const codeAt = (secret: string, offsetSteps = 0) => generate({ secret: base32.decode(secret), epoch: Math.floor(clock / 1000) + offsetSteps * 30 });
  return { auth, storage, events, codeAt, tick: (ms: number) => (clock += ms) };
}

async function enrolled() {
  const t = setup();
  const up = await t.auth.signup({ email: "ada@example.com", password: PASSWORD });
  const { secret, uri } = await t.auth.totp.enroll(up.user.id);
  const { recoveryCodes } = await t.auth.totp.confirm(up.user.id, await t.codeAt(secret));
  t.tick(30_000); // the confirming code's step is used: the next sign-in needs the next one
  return { ...t, user: up.user, secret, uri, recoveryCodes };
}

const challenge = (r: unknown): MfaChallenge => {
  expect(r).toMatchObject({ mfaRequired: true });
  return r as MfaChallenge;
};

describe("TOTP", () => {
  it("enrols with an otpauth URI, confirms with a code, and gives ten recovery codes", async () => {
    const { uri, secret, recoveryCodes, auth, user } = await enrolled();
    expect(uri).toBe(`otpauth://totp/Example:ada%40example.com?secret=${secret}&issuer=Example`);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    await expect(auth.totp.status(user.id)).resolves.toEqual({ enabled: true, pending: false, recoveryCodes: 10 });
  });

  it("signs in in two steps: the password gives a challenge and no session, the code gives the session with amr", async () => {
    const { auth, storage, secret, codeAt, user } = await enrolled();
    const before = await storage.listUserSessions(user.id, new Date(Date.parse("2026-12-02T10:01:00Z")));
    const first = challenge(await auth.signin({ email: "ada@example.com", password: PASSWORD }));
    expect(first.methods).toEqual(["totp", "recovery-code"]);
    expect(Object.keys(first).sort()).toEqual(["methods", "mfaRequired", "mfaToken", "mfaTokenExpiresAt"]);
    expect(await storage.listUserSessions(user.id, new Date(Date.parse("2026-12-02T10:01:00Z")))).toHaveLength(before.length);
    await expect(auth.refresh(first.mfaToken)).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    await expect(auth.verifyAccessToken(first.mfaToken)).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    const session = await auth.verifySecondFactor({ mfaToken: first.mfaToken, code: await codeAt(secret) });
    const claims = await auth.verifyAccessToken(session.accessToken);
    expect(claims.amr).toEqual(["pwd", "otp", "mfa"]);
    const refreshed = await auth.refresh(session.refreshToken);
    expect((await auth.verifyAccessToken(refreshed.accessToken)).amr).toEqual(["pwd", "otp", "mfa"]);
  });

  it("accepts each time step once: the same code is refused under a new challenge, and the confirming code never signs in", async () => {
    const t = setup();
    const up = await t.auth.signup({ email: "ada@example.com", password: PASSWORD });
    const { secret } = await t.auth.totp.enroll(up.user.id);
    const confirming = await t.codeAt(secret);
    await t.auth.totp.confirm(up.user.id, confirming);
    const a = challenge(await t.auth.signin({ email: "ada@example.com", password: PASSWORD }));
    await expect(t.auth.verifySecondFactor({ mfaToken: a.mfaToken, code: confirming })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    t.tick(30_000);
    const code = await t.codeAt(secret);
    await t.auth.verifySecondFactor({ mfaToken: a.mfaToken, code });
    const b = challenge(await t.auth.signin({ email: "ada@example.com", password: PASSWORD }));
    await expect(t.auth.verifySecondFactor({ mfaToken: b.mfaToken, code })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    // a code of the step before the used one is refused too (steps only move forward)
    await expect(t.auth.verifySecondFactor({ mfaToken: b.mfaToken, code: await t.codeAt(secret, -1) })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    await expect(t.auth.verifySecondFactor({ mfaToken: b.mfaToken, code: await t.codeAt(secret, 1) })).resolves.toMatchObject({ user: { id: up.user.id } });
  });

  it("of 50 concurrent verifications of one code under 50 challenges, exactly one signs in", async () => {
    const { auth, secret, codeAt } = await enrolled();
    const challenges: MfaChallenge[] = [];
    // each sign-in voids the one before (one pending challenge per user): race 50 attempts at one challenge instead,
    // and 50 challenges of 50 instances sharing one storage are the same race on the step
    const c = challenge(await auth.signin({ email: "ada@example.com", password: PASSWORD }));
    challenges.push(c);
    const code = await codeAt(secret);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => auth.verifySecondFactor({ mfaToken: c.mfaToken, code })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("allows five attempts per challenge, then voids it", async () => {
    const { auth, secret, codeAt } = await enrolled();
    const c = challenge(await auth.signin({ email: "ada@example.com", password: PASSWORD }));
    const right = await codeAt(secret);
    const wrong = right === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++)
      await expect(auth.verifySecondFactor({ mfaToken: c.mfaToken, code: wrong })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    await expect(auth.verifySecondFactor({ mfaToken: c.mfaToken, code: right })).rejects.toMatchObject({ code: "TOKEN_INVALID" });
  });

  it("expires the challenge after five minutes", async () => {
    const { auth, secret, codeAt, tick } = await enrolled();
    const c = challenge(await auth.signin({ email: "ada@example.com", password: PASSWORD }));
    tick(5 * 60_000 + 1);
    await expect(auth.verifySecondFactor({ mfaToken: c.mfaToken, code: await codeAt(secret) })).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });
  });

  it("takes a recovery code once, in any case and with or without hyphens, and says rc in amr", async () => {
    const { auth, recoveryCodes, user } = await enrolled();
    const c = challenge(await auth.signin({ email: "ada@example.com", password: PASSWORD }));
    const typed = ` ${recoveryCodes[0]!.toLowerCase().replace(/-/g, "")} `;
    const session = await auth.verifySecondFactor({ mfaToken: c.mfaToken, recoveryCode: typed });
    expect((await auth.verifyAccessToken(session.accessToken)).amr).toEqual(["pwd", "rc", "mfa"]);
    const d = challenge(await auth.signin({ email: "ada@example.com", password: PASSWORD }));
    await expect(auth.verifySecondFactor({ mfaToken: d.mfaToken, recoveryCode: recoveryCodes[0]! })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    await expect(auth.totp.status(user.id)).resolves.toMatchObject({ recoveryCodes: 9 });
    const { recoveryCodes: fresh } = await auth.totp.regenerateRecoveryCodes(user.id);
    await expect(auth.verifySecondFactor({ mfaToken: d.mfaToken, recoveryCode: recoveryCodes[1]! })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    await expect(auth.verifySecondFactor({ mfaToken: d.mfaToken, recoveryCode: fresh[0]! })).resolves.toMatchObject({ user: { id: user.id } });
  });

  it("asks mail sign-ins for the second factor too: two messages to one inbox are not two factors", async () => {
    const sent: { token: string | null }[] = [];
    const storage = memoryStorage();
    let clock = Date.parse("2026-12-02T10:00:00Z");
    const auth = new AuthSkill({
      secret: SECRET,
      storage,
      now: () => new Date(clock),
      email: { send: (m) => void sent.push(m) },
      totp: totp({ issuer: "Example" }),
    });
    const up = await auth.signup({ email: "ada@example.com", password: PASSWORD });
    const { secret } = await auth.totp.enroll(up.user.id);
    await auth.totp.confirm(up.user.id, await generate({ secret: base32.decode(secret), epoch: Math.floor(clock / 1000) }));
    clock += 30_000;
    await auth.requestMagicLink({ email: "ada@example.com" });
    await new Promise((r) => setTimeout(r, 50));
    const c = challenge(await auth.signinWithMagicLink({ token: sent.at(-1)!.token! }));
    expect(c.methods).not.toContain("email-code");
    const session = await auth.verifySecondFactor({
      mfaToken: c.mfaToken,
      code: await generate({ secret: base32.decode(secret), epoch: Math.floor(clock / 1000) }),
    });
    expect((await auth.verifyAccessToken(session.accessToken)).amr).toEqual(["email", "otp", "mfa"]);
  });

  it("refuses startSession without secondFactorVerified, and removes the factor after a code or the password", async () => {
    const { auth, user, secret, codeAt, tick, events } = await enrolled();
    await expect(auth.startSession(user.id)).rejects.toMatchObject({ code: "MFA_REQUIRED" });
    await expect(auth.totp.disable(user.id, { password: "wrong password here" })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    await auth.totp.disable(user.id, { code: await codeAt(secret) });
    await expect(auth.totp.status(user.id)).resolves.toEqual({ enabled: false, pending: false, recoveryCodes: 0 });
    tick(1000);
    await expect(auth.signin({ email: "ada@example.com", password: PASSWORD })).resolves.toHaveProperty("accessToken");
    expect(events.filter((e) => e.type === "second_factor.changed").map((e) => (e as { change: string }).change)).toEqual(["enabled", "disabled"]);
  });

  it("keeps the confirmed secret active while a re-enrolment is pending", async () => {
    const { auth, user, secret, codeAt } = await enrolled();
    const again = await auth.totp.enroll(user.id);
    expect(again.secret).not.toBe(secret);
    await expect(auth.totp.status(user.id)).resolves.toMatchObject({ enabled: true, pending: true });
    const c = challenge(await auth.signin({ email: "ada@example.com", password: PASSWORD }));
    await expect(auth.verifySecondFactor({ mfaToken: c.mfaToken, code: await codeAt(secret) })).resolves.toHaveProperty("accessToken");
  });

  it("answers CONFIG_ERROR for auth.totp without the option, and MFA_REQUIRED for a second-factor account", async () => {
    const auth = new AuthSkill({ secret: SECRET });
    await expect(auth.totp.enroll("u")).rejects.toMatchObject({ code: "CONFIG_ERROR" });
    await expect(auth.verifySecondFactor({ mfaToken: "x", code: "123456" })).rejects.toMatchObject({ code: "CONFIG_ERROR" });
    expect(() => totp({ issuer: "a:b" })).toThrow(expect.objectContaining({ code: "CONFIG_ERROR" }));
  });
});
