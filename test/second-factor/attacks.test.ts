// Attacks on the TOTP second factor (security-baseline.md, "How we attack"): a challenge used for another user, a
// challenge passed off as a session token, secrets leaking into events and errors, malformed input, a clock that jumps
// back, a banned account, and guessing codes past the account's signin budget. Real otplib, argon2 and memoryStorage.
import { inspect } from "node:util";
import { generate, ScureBase32Plugin } from "otplib";
import { describe, expect, it, vi } from "vitest";
import {
  AuthError,
  type AuthEvent,
  AuthSkill,
  type MfaChallenge,
  memoryStorage,
  type RateLimitOptions,
  type StorageAdapter,
  type UserRecord,
} from "../../src/index.js";
import { insecureTestHasher } from "../../src/testing/test-hasher.js";
import { totp } from "../../src/totp/index.js";

const SECRET = "totp-attacks-test-secret-0123456789abcdefABCDEF";
const PASSWORD = "a long enough passphrase 42";
const base32 = new ScureBase32Plugin();

/** memoryStorage whose users another system can ban (it writes `disabledUntil`, as a shared user base would). */
function bannableStorage() {
  const base = memoryStorage();
  const bans = new Map<string, Date>();
  const withBan = (u: UserRecord | null) => (u && bans.has(u.id) ? { ...u, disabledUntil: bans.get(u.id)! } : u);
  const storage: StorageAdapter = {
    ...base,
    findUserById: async (id) => withBan(await base.findUserById(id)),
    findUserByEmail: async (email) => withBan(await base.findUserByEmail(email)),
    findUserByUsername: async (username) => withBan(await base.findUserByUsername(username)),
  };
  return { storage, ban: (id: string, until: Date) => bans.set(id, until) };
}

function setup(options: { rateLimit?: RateLimitOptions } = {}) {
  let clock = Date.parse("2026-12-02T10:00:05Z");
  const events: AuthEvent[] = [];
  const { storage, ban } = bannableStorage();
  const auth = new AuthSkill({
    secret: SECRET,
    storage,
    now: () => new Date(clock),
    onEvent: (e) => void events.push(e),
    password: { hasher: insecureTestHasher() },
    totp: totp({ issuer: "Example" }),
    ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
  });
  const now = () => new Date(clock);
  async function user(email: string) {
    const up = await auth.signup({ email, password: PASSWORD });
    const { secret } = await auth.totp.enroll(up.user.id);
    const codeAt = (steps = 0) => generate({ secret: base32.decode(secret), epoch: Math.floor(clock / 1000) + steps * 30 });
    const { recoveryCodes } = await auth.totp.confirm(up.user.id, await codeAt());
    return { id: up.user.id, email, secret, codeAt, recoveryCodes };
  }
  const signin = async (email: string) => {
    const r = await auth.signin({ email, password: PASSWORD });
    expect(r).toMatchObject({ mfaRequired: true });
    return r as MfaChallenge;
  };
  return { auth, storage, events, ban, user, signin, now, set: (ms: number) => (clock = ms), tick: (ms: number) => (clock += ms) };
}

const codeOf = (err: unknown) => (err instanceof AuthError ? err.code : `not an AuthError: ${String(err)}`);
async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("TOTP attacks", () => {
  it("binds the mfaToken to its user: A's challenge with B's right code is refused, and B's code still works for B", async () => {
    const t = setup();
    const a = await t.user("a@example.com");
    const b = await t.user("b@example.com");
    t.tick(30_000);
    const ca = await t.signin(a.email);
    const bCode = await b.codeAt();
    if (bCode !== (await a.codeAt()))
      await expect(t.auth.verifySecondFactor({ mfaToken: ca.mfaToken, code: bCode })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    await expect(t.auth.verifySecondFactor({ mfaToken: ca.mfaToken, recoveryCode: b.recoveryCodes[0]! })).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
    const cb = await t.signin(b.email);
    const session = await t.auth.verifySecondFactor({ mfaToken: cb.mfaToken, code: bCode });
    expect((await t.auth.verifyAccessToken(session.accessToken)).sub).toBe(b.id);
    await expect(t.auth.totp.status(b.id)).resolves.toMatchObject({ recoveryCodes: 10 });
  });

  it("an mfaToken is no access, refresh, reset, verification or sign-in token anywhere", async () => {
    const t = setup();
    const a = await t.user("a@example.com");
    t.tick(30_000);
    const { mfaToken } = await t.signin(a.email);
    const attempts: [string, Promise<unknown>][] = [
      ["verifyAccessToken", t.auth.verifyAccessToken(mfaToken)],
      ["refresh", t.auth.refresh(mfaToken)],
      ["revoke", t.auth.revoke(mfaToken)],
      ["resetPassword", t.auth.resetPassword({ token: mfaToken, password: "another long passphrase 43" })],
      ["verifyEmail", t.auth.verifyEmail({ token: mfaToken })],
      ["confirmEmailChange", t.auth.confirmEmailChange({ token: mfaToken })],
      ["signinWithMagicLink", t.auth.signinWithMagicLink({ token: mfaToken })],
    ];
    for (const [name, p] of attempts) {
      const outcome = await p.then(
        (v) => ({ resolved: v }),
        (err: unknown) => ({ code: codeOf(err) }),
      );
      // revoke of an unknown token may resolve quietly (it revokes nothing: checked below); every other call refuses
      if ("resolved" in outcome) expect(name).toBe("revoke");
      else expect(["TOKEN_INVALID", "TOKEN_EXPIRED", "INVALID_INPUT"], name).toContain(outcome.code);
    }
    expect(await t.storage.listUserSessions(a.id, t.now())).toHaveLength(1); // the signup's session only
    // the challenge survived all of that and still finishes the sign-in
    await expect(t.auth.verifySecondFactor({ mfaToken, code: await a.codeAt() })).resolves.toHaveProperty("accessToken");
  });

  it("canary scan: no event, error message or thrown value carries the secret (base32 or raw), the mfaToken, a code or a recovery code", async () => {
    const t = setup();
    const thrown: unknown[] = [];
    const keep = async (p: Promise<unknown>) => p.catch((err: unknown) => void thrown.push(err));
    const a = await t.user("a@example.com");
    const raw = Buffer.from(base32.decode(a.secret));
    const canaries = new Set<string>([
      a.secret,
      a.secret.toLowerCase(),
      raw.toString("hex"),
      raw.toString("base64"),
      raw.toString("base64url"),
      raw.toString("latin1"),
    ]);
    const codes = new Set<string>(a.recoveryCodes);
    for (const c of a.recoveryCodes) codes.add(c.replace(/-/g, ""));
    t.tick(30_000);
    for (let round = 0; round < 3; round++) {
      const c = await t.signin(a.email);
      canaries.add(c.mfaToken);
      const right = await a.codeAt();
      const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
      codes.add(right).add(wrong);
      await keep(t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code: wrong }));
      await keep(t.auth.verifySecondFactor({ mfaToken: c.mfaToken, recoveryCode: `${a.recoveryCodes[round]!}X` }));
      await keep(t.auth.verifySecondFactor({ mfaToken: `${c.mfaToken}x`, code: right }));
      await keep(t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code: right, recoveryCode: a.recoveryCodes[round]! } as never));
      await keep(t.auth.verifyAccessToken(c.mfaToken));
      await keep(t.auth.refresh(c.mfaToken));
      await keep(t.auth.totp.disable(a.id, { code: wrong }));
      await keep(t.auth.totp.disable(a.id, { recoveryCode: `${a.recoveryCodes[round]!}Z` }));
      await keep(t.auth.totp.confirm(a.id, right)); // nothing pending
      if (round === 1) await t.auth.verifySecondFactor({ mfaToken: c.mfaToken, recoveryCode: a.recoveryCodes[round]! });
      else await t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code: right });
      await keep(t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code: right })); // spent
      t.tick(30_000);
    }
    const { recoveryCodes: fresh } = await t.auth.totp.regenerateRecoveryCodes(a.id);
    for (const c of fresh) codes.add(c);
    await t.auth.totp.disable(a.id, { recoveryCode: fresh[0]! });
    expect(thrown.length).toBeGreaterThan(20);
    await vi.waitFor(() => expect(t.events.length).toBeGreaterThan(5)); // events are delivered after the flow moved on
    const texts = [
      ...t.events.map((e) => JSON.stringify(e)),
      ...t.events.map((e) => inspect(e, { depth: 5 })),
      ...thrown.flatMap((err) => [String(err), inspect(err, { depth: 5 }), JSON.stringify(err), (err as Error).message ?? "", (err as Error).stack ?? ""]),
    ];
    for (const text of texts) {
      for (const canary of canaries) expect(text.includes(canary), `a secret or mfaToken in: ${text.slice(0, 200)}`).toBe(false);
      for (const code of codes) expect(new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(text), `code ${code} in: ${text.slice(0, 200)}`).toBe(false);
    }
  });

  it("malformed inputs give INVALID_INPUT in bounded time and write nothing (no attempt, no budget, no session)", async () => {
    // 6: the sign-in's right password counts as one attempt until its second factor is verified
    const t = setup({ rateLimit: { account: { max: 6, window: "15m" } } });
    const a = await t.user("a@example.com");
    t.tick(30_000);
    const { mfaToken } = await t.signin(a.email);
    const huge = "9".repeat(5_000_000);
    const inputs: unknown[] = [
      { mfaToken, code: huge },
      { mfaToken, recoveryCode: huge },
      { mfaToken, code: 123456 },
      { mfaToken, code: ["123456"] },
      { mfaToken, code: { toString: () => "123456" } },
      { mfaToken, code: null },
      { mfaToken, code: "" },
      { mfaToken },
      { mfaToken, code: "123456", recoveryCode: a.recoveryCodes[0] },
      JSON.parse(`{"mfaToken":${JSON.stringify(mfaToken)},"__proto__":{"code":"123456"}}`),
      null,
      "string",
      [mfaToken, "123456"],
    ];
    const before = Date.now();
    for (const input of inputs) {
      const started = Date.now();
      const err = await caught(t.auth.verifySecondFactor(input as never));
      expect(codeOf(err), inspect(input, { maxStringLength: 40 })).toBe("INVALID_INPUT");
      expect(Date.now() - started).toBeLessThan(1000);
    }
    for (const token of [huge, 42, ["x"], null, { __proto__: { a: 1 } }]) {
      const err = await caught(t.auth.verifySecondFactor({ mfaToken: token, code: "123456" } as never));
      expect(["INVALID_INPUT", "TOKEN_INVALID"]).toContain(codeOf(err));
    }
    expect(Date.now() - before).toBeLessThan(10_000);
    expect(String(({} as Record<string, unknown>).code)).toBe("undefined"); // no prototype was polluted
    // nothing was written: no session, the factor as it was, the account budget (6, one spent by the password) and the challenge's 5 attempts
    // whole — four wrong codes and then the right one still sign in
    expect(await t.storage.listUserSessions(a.id, t.now())).toHaveLength(1);
    await expect(t.auth.totp.status(a.id)).resolves.toEqual({ enabled: true, pending: false, recoveryCodes: 10 });
    const right = await a.codeAt();
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    for (let i = 0; i < 4; i++) await expect(t.auth.verifySecondFactor({ mfaToken, code: wrong })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    await expect(t.auth.verifySecondFactor({ mfaToken, code: right })).resolves.toHaveProperty("accessToken");
    // totp.disable refuses malformed proofs with INVALID_INPUT too (each still spends a signin attempt: reported, not asserted)
    for (const proof of [{}, { code: 123456 }, { password: 42 }, JSON.parse('{"__proto__":{"code":"123456"}}'), JSON.parse('{"__proto__":{"password":"x"}}')]) {
      expect(codeOf(await caught(t.auth.totp.disable(a.id, proof as never)))).toBe("INVALID_INPUT");
    }
  });

  it("fails closed when the clock jumps back minutes after a used step: old codes and the used one are refused", async () => {
    const t = setup();
    const a = await t.user("a@example.com");
    t.tick(30_000);
    const used = await a.codeAt();
    await t.auth.verifySecondFactor({ mfaToken: (await t.signin(a.email)).mfaToken, code: used });
    const at = t.now().getTime();
    t.set(at - 5 * 60_000);
    for (const steps of [-1, 0, 1]) {
      const code = await a.codeAt(steps);
      if (code === used) continue;
      const c = await t.signin(a.email);
      await expect(t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code }), `${steps} steps`).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    }
    const c = await t.signin(a.email);
    await expect(t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code: used })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    // once the clock is back past the used step, the next step signs in
    t.set(at + 30_000);
    const d = await t.signin(a.email);
    await expect(t.auth.verifySecondFactor({ mfaToken: d.mfaToken, code: await a.codeAt() })).resolves.toHaveProperty("accessToken");
  });

  it("a banned account with TOTP gets ACCOUNT_DISABLED at signin and never an mfaToken; a ban after the challenge stops the code", async () => {
    const t = setup();
    const a = await t.user("a@example.com");
    const b = await t.user("b@example.com");
    t.tick(30_000);
    const pending = await t.signin(b.email);
    t.ban(a.id, new Date(t.now().getTime() + 3600_000));
    t.ban(b.id, new Date(t.now().getTime() + 3600_000));
    const eventsBefore = t.events.length;
    const err = await caught(t.auth.signin({ email: a.email, password: PASSWORD }));
    expect(codeOf(err)).toBe("ACCOUNT_DISABLED");
    expect(JSON.stringify(err)).not.toMatch(/mfa/i);
    await expect(t.auth.signin({ email: a.email, password: "a wrong passphrase here" })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    await new Promise((r) => setTimeout(r, 20)); // events are delivered after the call
    expect(t.events.slice(eventsBefore).filter((e) => e.type === "signin.mfa_required" && e.userId === a.id)).toEqual([]);
    await expect(t.auth.verifySecondFactor({ mfaToken: pending.mfaToken, code: await b.codeAt() })).rejects.toMatchObject({ code: "ACCOUNT_DISABLED" });
    expect(await t.storage.listUserSessions(b.id, t.now())).toHaveLength(1); // the signup's only
  });

  it("counts wrong codes against the account's signin budget: past it within a challenge, RATE_LIMITED even for the right code", async () => {
    const t = setup({ rateLimit: { account: { max: 3, window: "15m" } } });
    const a = await t.user("a@example.com");
    t.tick(30_000);
    const right = await a.codeAt();
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    const c = await t.signin(a.email); // the right password: one of the 3, counted until the second factor is verified
    for (let i = 0; i < 2; i++)
      await expect(t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code: wrong })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    const err = await caught(t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code: right }));
    expect(codeOf(err)).toBe("RATE_LIMITED");
    expect((err as AuthError).retryAfter).toBeGreaterThan(0);
    expect(await t.storage.listUserSessions(a.id, t.now())).toHaveLength(1); // the signup's only
  });
});
