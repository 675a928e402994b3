// Signing in by mail: magic links and email codes. Each rule of issue 12's "magic links and email codes" and of the
// security baseline's single-use tokens, attacked: enumeration, replay, races, guessing, bypass of the gates.
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { memoryStorage, requireAmr, type StorageAdapter } from "../../src/index.js";
import { rejectsWith } from "../helpers.js";
import { countingStorage, flush, PASSWORD, setup, withAda } from "./support.js";

const ADA = "ada@example.com";

async function linkFor(s: Awaited<ReturnType<typeof withAda>>, email = ADA): Promise<string> {
  await s.auth.requestMagicLink({ email });
  await flush();
  return s.mail.token("magic-link");
}

async function codeFor(s: Awaited<ReturnType<typeof withAda>>, email = ADA): Promise<string> {
  await s.auth.requestEmailCode({ email });
  await flush();
  return s.mail.token("email-code");
}

/** A six-digit code that is not `code`. */
const wrong = (code: string, i = 1) => String((Number(code) + i) % 1_000_000).padStart(6, "0");

describe("magic links", () => {
  it("mails a link to the account, and the link signs in once: amr email, the address verified, an event", async () => {
    const s = await withAda();
    const token = await linkFor(s);
    expect(s.mail.messages.at(-1)).toMatchObject({ kind: "magic-link", to: ADA, user: { id: s.ada.user.id } });
    expect(s.mail.messages.at(-1)!.expiresAt!.getTime() - s.clock.now().getTime()).toBe(15 * 60_000);
    const result = await s.auth.signinWithMagicLink({ token }, { ip: "203.0.113.9" });
    expect(result.user).toMatchObject({ id: s.ada.user.id, emailVerified: true });
    expect(decodeJwt(result.accessToken).amr).toEqual(["email"]);
    expect(() => requireAmr(decodeJwt(result.accessToken), "email")).not.toThrow();
    await flush();
    expect(s.of("signin.succeeded").at(-1)).toMatchObject({ method: "magic-link", userId: s.ada.user.id, sessionId: result.sessionId });
    expect(s.of("email.verified").at(-1)).toMatchObject({ userId: s.ada.user.id });
    await rejectsWith(s.auth.signinWithMagicLink({ token }), "TOKEN_INVALID"); // replay
  });

  it("refreshed tokens keep the session's amr", async () => {
    const s = await withAda();
    const result = await s.auth.signinWithMagicLink({ token: await linkFor(s) });
    const refreshed = await s.auth.refresh(result.refreshToken);
    expect(decodeJwt(refreshed.accessToken).amr).toEqual(["email"]);
    expect(decodeJwt(s.ada.accessToken).amr).toEqual(["pwd"]); // signup: a password
  });

  it("answers an unknown address as a known one, with the same storage calls in the caller's time, and mails nothing", async () => {
    const { storage, calls } = countingStorage();
    const s = setup({ storage });
    await s.auth.signup({ email: ADA, password: PASSWORD });
    calls.findUserByEmail = 0;
    await expect(s.auth.requestMagicLink({ email: "nobody@example.com" })).resolves.toBeUndefined();
    await expect(s.auth.requestMagicLink({ email: ADA })).resolves.toBeUndefined();
    expect(calls.findUserByEmail).toBe(0); // both lookups happen after the answer
    await flush();
    expect(calls.findUserByEmail).toBe(2);
    expect(s.mail.messages.filter((m) => m.kind === "magic-link").map((m) => m.to)).toEqual([ADA]);
    expect(s.of("signin.requested").map((e) => e.userId === undefined)).toEqual([true, false]);
  });

  it("a new link voids the one before; an expired link is TOKEN_EXPIRED; a link of another purpose is TOKEN_INVALID", async () => {
    const s = await withAda();
    const first = await linkFor(s);
    const second = await linkFor(s);
    await rejectsWith(s.auth.signinWithMagicLink({ token: first }), "TOKEN_INVALID");
    s.clock.advance(15 * 60_000 + 1);
    await rejectsWith(s.auth.signinWithMagicLink({ token: second }), "TOKEN_EXPIRED");
    await s.auth.requestPasswordReset({ email: ADA });
    await flush();
    await rejectsWith(s.auth.signinWithMagicLink({ token: s.mail.token("password-reset") }), "TOKEN_INVALID");
    const link = await linkFor(s);
    await rejectsWith(s.auth.resetPassword({ token: link, password: "another long passphrase" }), "TOKEN_INVALID");
  });

  it("a link sent before an email change is void after it", async () => {
    const s = await withAda();
    const token = await linkFor(s);
    await s.auth.requestEmailChange({ userId: s.ada.user.id, newEmail: "ada@new.example", password: PASSWORD });
    await flush();
    await s.auth.confirmEmailChange({ token: s.mail.token("email-change", "ada@new.example") });
    await rejectsWith(s.auth.signinWithMagicLink({ token }), "TOKEN_INVALID");
  });

  it("50 concurrent uses of one link: exactly one session", async () => {
    const s = await withAda();
    const token = await linkFor(s);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => s.auth.signinWithMagicLink({ token })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await s.auth.listSessions(s.ada.user.id)).toHaveLength(2); // signup's and the link's
  });

  it("passes the gates of every sign-in: a disabled account gets no session, nor one with a second factor", async () => {
    const base = memoryStorage();
    let gate: "disabled" | "mfa" | null = null;
    const storage: StorageAdapter = {
      ...base,
      findUserById: async (id) => {
        const u = await base.findUserById(id);
        if (!u || gate === null) return u;
        return gate === "disabled" ? { ...u, disabledUntil: new Date(8.64e15) } : { ...u, twoFactorEnabled: true };
      },
      updateUser: async (id, patch) => {
        const r = await base.updateUser(id, patch);
        if (!r.ok || gate === null) return r;
        return { ok: true, user: gate === "disabled" ? { ...r.user, disabledUntil: new Date(8.64e15) } : { ...r.user, twoFactorEnabled: true } };
      },
    };
    const s = await withAda({ storage });
    gate = "disabled";
    await rejectsWith(s.auth.signinWithMagicLink({ token: await linkFor(s) }), "ACCOUNT_DISABLED");
    gate = "mfa";
    await rejectsWith(s.auth.signinWithMagicLink({ token: await linkFor(s) }), "MFA_REQUIRED");
    expect(await base.listUserSessions(s.ada.user.id, s.clock.now())).toHaveLength(1); // signup's only
  });

  it("signs in an unverified account under requireEmailVerification (the link proves the address)", async () => {
    const s = setup({ requireEmailVerification: true } as never);
    await s.auth.signup({ email: ADA, password: PASSWORD });
    await rejectsWith(s.auth.signin({ email: ADA, password: PASSWORD }), "EMAIL_NOT_VERIFIED");
    await s.auth.requestMagicLink({ email: ADA });
    await flush();
    const result = await s.auth.signinWithMagicLink({ token: s.mail.token("magic-link") });
    expect(result.user.emailVerified).toBe(true);
  });

  it("rememberMe false starts a short session; bad input is a typed error; CONFIG_ERROR without email; RATE_LIMITED per address", async () => {
    const s = await withAda();
    const short = await s.auth.signinWithMagicLink({ token: await linkFor(s) }, { rememberMe: false });
    expect(short.rememberMe).toBe(false);
    await rejectsWith(s.auth.signinWithMagicLink({ token: 42 } as never), "INVALID_INPUT");
    await rejectsWith(s.auth.requestMagicLink({ email: "not an address" }), "INVALID_INPUT");
    await expect(s.auth.signinWithMagicLink({ token: "x" }, { rememberMe: "yes" } as never)).rejects.toThrow(TypeError);
    const noMail = setup({ email: undefined });
    await rejectsWith(noMail.auth.requestMagicLink({ email: ADA }), "CONFIG_ERROR");
    for (let i = 0; i < 4; i++) await s.auth.requestMagicLink({ email: ADA }); // 1 used above: 5 per hour
    await rejectsWith(s.auth.requestMagicLink({ email: ADA }), "RATE_LIMITED");
  });
});

describe("email codes", () => {
  it("mails six digits; the code signs in once with amr email and verifies the address", async () => {
    const s = await withAda();
    const code = await codeFor(s);
    expect(code).toMatch(/^[0-9]{6}$/);
    expect(s.mail.messages.at(-1)).toMatchObject({ kind: "email-code", to: ADA, token: code });
    const result = await s.auth.signinWithEmailCode({ email: "  ADA@example.com ", code });
    expect(result.user).toMatchObject({ id: s.ada.user.id, emailVerified: true });
    expect(decodeJwt(result.accessToken).amr).toEqual(["email"]);
    await flush();
    expect(s.of("signin.succeeded").at(-1)).toMatchObject({ method: "email-code" });
    await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code }), "TOKEN_INVALID");
  });

  it("five wrong tries void the code: the right one then fails too", async () => {
    const s = await withAda();
    const code = await codeFor(s);
    for (let i = 1; i <= 5; i++) await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: wrong(code, i) }), "TOKEN_INVALID");
    await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code }), "TOKEN_INVALID");
    const next = await codeFor(s); // a new code starts again
    await expect(s.auth.signinWithEmailCode({ email: ADA, code: next })).resolves.toMatchObject({ user: { id: s.ada.user.id } });
  });

  it("four wrong tries leave the fifth to the right code", async () => {
    const s = await withAda();
    const code = await codeFor(s);
    for (let i = 1; i <= 4; i++) await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: wrong(code, i) }), "TOKEN_INVALID");
    await expect(s.auth.signinWithEmailCode({ email: ADA, code })).resolves.toBeDefined();
  });

  it("50 concurrent guesses test at most five codes: the right code among them is refused once the five are spent", async () => {
    const s = await withAda({ rateLimit: false });
    const code = await codeFor(s);
    const guesses = Array.from({ length: 49 }, (_, i) => wrong(code, i + 1));
    const results = await Promise.allSettled([...guesses, code].map((c) => s.auth.signinWithEmailCode({ email: ADA, code: c })));
    // the right code is last: by then the 49 wrong ones have taken the five attempts
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(0);
    await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code }), "TOKEN_INVALID");
  });

  it("50 concurrent uses of the right code: exactly one session", async () => {
    const s = await withAda({ rateLimit: false });
    const code = await codeFor(s);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => s.auth.signinWithEmailCode({ email: ADA, code })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("a code is bound to its account: another account's code, an unknown address, an expired code are one TOKEN_INVALID", async () => {
    const s = await withAda();
    await s.auth.signup({ email: "bob@example.com", password: PASSWORD });
    const bobs = await codeFor(s, "bob@example.com");
    const message = (await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: bobs }), "TOKEN_INVALID")).message;
    expect((await rejectsWith(s.auth.signinWithEmailCode({ email: "nobody@example.com", code: bobs }), "TOKEN_INVALID")).message).toBe(message);
    const adas = await codeFor(s);
    s.clock.advance(15 * 60_000 + 1);
    expect((await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: adas }), "TOKEN_INVALID")).message).toBe(message);
    await expect(s.auth.signinWithEmailCode({ email: "bob@example.com", code: bobs })).rejects.toThrow(); // expired too
  });

  it("an unknown address makes the same storage calls as a wrong code for a known one", async () => {
    const base = memoryStorage();
    const calls: string[] = [];
    const counted = (name: keyof StorageAdapter) =>
      ((...args: unknown[]) => (calls.push(name), (base[name] as (...a: unknown[]) => unknown)(...args))) as never;
    const storage: StorageAdapter = {
      ...base,
      findUserByEmail: counted("findUserByEmail"),
      reserveVerificationAttempt: counted("reserveVerificationAttempt"),
      findVerification: counted("findVerification"),
    };
    const s = await withAda({ storage, rateLimit: false });
    const code = await codeFor(s);
    calls.length = 0;
    await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: wrong(code) }), "TOKEN_INVALID");
    const known = [...calls];
    calls.length = 0;
    await rejectsWith(s.auth.signinWithEmailCode({ email: "nobody@example.com", code: wrong(code) }), "TOKEN_INVALID");
    expect(calls).toEqual(known);
    expect(known).toEqual(["findUserByEmail", "reserveVerificationAttempt", "findVerification"]);
  });

  it("each try counts against the account's signin limit too", async () => {
    const s = await withAda({ rateLimit: { account: { max: 3, window: "15m" } } });
    const code = await codeFor(s);
    for (let i = 1; i <= 3; i++) await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: wrong(code, i) }), "TOKEN_INVALID");
    await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code }), "RATE_LIMITED");
  });

  it("malformed codes are refused without a match: letters, too long, another script's digits, not a string", async () => {
    const s = await withAda();
    const code = await codeFor(s);
    const fullwidth = [...code].map((d) => String.fromCharCode(0xff10 + Number(d))).join("");
    for (const bad of [fullwidth, `${code}0`, code.slice(1), "abcdef"])
      await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: bad }), "TOKEN_INVALID");
    await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: 123456 } as never), "INVALID_INPUT");
    await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: "1".repeat(100_000) }), "INVALID_INPUT");
  });
});
