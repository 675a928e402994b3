// resetPassword: every check before the token is spent, then a new hash, every session ended, the lock lifted,
// nobody signed in; every kind of bad token refused.
import { describe, expect, it } from "vitest";
import { rejectsWith } from "../helpers.js";
import { MESSAGES, NEW_PASSWORD, PASSWORD, flush, interleavedStorage, withAda } from "./support.js";

async function requested(options: Parameters<typeof withAda>[0] = {}) {
  const s = await withAda(options);
  await s.auth.requestPasswordReset({ email: "ada@example.com" });
  await flush();
  return { ...s, token: s.mail.token("password-reset") };
}

describe("password reset", () => {
  it("mails a token to the account's address, and the token sets a new password", async () => {
    const { auth, mail, token, ada } = await requested();
    expect(mail.messages.at(-1)).toMatchObject({ kind: "password-reset", to: "ada@example.com", user: { id: ada.user.id } });
    expect(mail.messages.at(-1)!.expiresAt).toBeInstanceOf(Date);
    expect(ada.user.emailVerified).toBe(false);
    const { user } = await auth.resetPassword({ token, password: NEW_PASSWORD });
    expect(user.emailVerified).toBe(true); // the link reached the address: that proves it
    await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "INVALID_CREDENTIALS");
    await expect(auth.signin({ email: "ada@example.com", password: NEW_PASSWORD })).resolves.toMatchObject({ user: { id: ada.user.id } });
  });

  it("a weak password, or one built from the address, is WEAK_PASSWORD and leaves the token usable", async () => {
    const { auth, token } = await requested();
    expect((await rejectsWith(auth.resetPassword({ token, password: "password" }), "WEAK_PASSWORD")).field).toBe("password");
    await rejectsWith(auth.resetPassword({ token, password: "ada2024!" }), "WEAK_PASSWORD");
    await expect(auth.resetPassword({ token, password: NEW_PASSWORD })).resolves.toBeDefined();
  });

  it("ends every session, signs nobody in, and resolves only the user", async () => {
    const { auth, token, ada } = await requested();
    const other = await auth.signin({ email: "ada@example.com", password: PASSWORD });
    const result = await auth.resetPassword({ token, password: NEW_PASSWORD });
    expect(Object.keys(result)).toEqual(["user"]);
    expect(result.user).not.toHaveProperty("passwordHash");
    for (const s of [ada, other]) await rejectsWith(auth.refresh(s.refreshToken), "TOKEN_REVOKED");
    expect(await auth.listSessions(ada.user.id)).toEqual([]);
  });

  it("voids a pending email change (one an intruder who knew the password may have started)", async () => {
    const { auth, mail, token, ada } = await requested();
    await auth.requestEmailChange({ userId: ada.user.id, newEmail: "intruder@example.com", password: PASSWORD });
    await flush();
    await auth.resetPassword({ token, password: NEW_PASSWORD });
    await rejectsWith(auth.confirmEmailChange({ token: mail.token("email-change", "intruder@example.com") }), "TOKEN_INVALID");
  });

  it("lifts the lock of an account locked by failed signins", async () => {
    const s = await requested({ rateLimit: { lockAfter: 3 } });
    for (let i = 0; i < 3; i++) await rejectsWith(s.auth.signin({ email: "ada@example.com", password: "not my password" }), "INVALID_CREDENTIALS");
    const locked = await rejectsWith(s.auth.signin({ email: "ada@example.com", password: PASSWORD }), "RATE_LIMITED");
    expect(locked.retryAfter).toBeUndefined(); // the lock, not a window
    await s.auth.resetPassword({ token: s.token, password: NEW_PASSWORD });
    await expect(s.auth.signin({ email: "ada@example.com", password: NEW_PASSWORD })).resolves.toBeDefined();
  });

  it("a used, unknown, malformed or other-purpose token is TOKEN_INVALID", async () => {
    const { auth, mail, token, ada } = await requested();
    await auth.requestEmailVerification(ada.user.id); // before the reset, which marks the address verified
    await flush();
    await rejectsWith(auth.resetPassword({ token: mail.token("email-verification"), password: NEW_PASSWORD }), "TOKEN_INVALID");
    await auth.resetPassword({ token, password: NEW_PASSWORD });
    await rejectsWith(auth.resetPassword({ token, password: "another fine passphrase" }), "TOKEN_INVALID");
    const unknown = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    for (const bad of [unknown, "", "not a token", `${token}x`]) {
      expect((await rejectsWith(auth.resetPassword({ token: bad, password: NEW_PASSWORD }), "TOKEN_INVALID")).message).toBe(MESSAGES.linkInvalid);
    }
    await rejectsWith(auth.resetPassword({ token: 42 as unknown as string, password: NEW_PASSWORD }), "INVALID_INPUT");
  });

  it("is TOKEN_EXPIRED once tokens.passwordReset has passed", async () => {
    const { auth, clock, token } = await requested({ tokens: { passwordReset: "10m" } });
    clock.advance(10 * 60_000);
    await rejectsWith(auth.resetPassword({ token, password: NEW_PASSWORD }), "TOKEN_EXPIRED");
  });

  it("a new request voids the link sent before", async () => {
    const { auth, mail, token } = await requested();
    await auth.requestPasswordReset({ email: "ada@example.com" });
    await flush();
    const newer = mail.token("password-reset");
    expect(newer).not.toBe(token);
    await rejectsWith(auth.resetPassword({ token, password: NEW_PASSWORD }), "TOKEN_INVALID");
    await expect(auth.resetPassword({ token: newer, password: NEW_PASSWORD })).resolves.toBeDefined();
  });

  it("a link sent to an address the account has since left is TOKEN_INVALID", async () => {
    const { auth, mail, token, ada } = await requested();
    await auth.requestEmailChange({ userId: ada.user.id, newEmail: "ada@new.example", password: PASSWORD });
    await flush();
    await auth.confirmEmailChange({ token: mail.token("email-change", "ada@new.example") });
    expect((await rejectsWith(auth.resetPassword({ token, password: NEW_PASSWORD }), "TOKEN_INVALID")).message).toBe(MESSAGES.linkInvalid);
  });

  it("of concurrent resets with one link, exactly one sets its password; the others are TOKEN_INVALID", async () => {
    const { auth, token } = await requested();
    const passwords = ["first fine passphrase", "second fine passphrase", "third fine passphrase"];
    const outcomes = await Promise.allSettled(passwords.map((password) => auth.resetPassword({ token, password })));
    const won = outcomes.flatMap((o, i) => (o.status === "fulfilled" ? [passwords[i]!] : []));
    expect(won).toHaveLength(1);
    for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toMatchObject({ code: "TOKEN_INVALID" });
    await expect(auth.signin({ email: "ada@example.com", password: won[0]! })).resolves.toBeDefined();
  });

  it("a user deleted while their link is used is TOKEN_INVALID, before or after the link is spent", async () => {
    for (const step of ["findUserById", "updateUser"] as const) {
      const { storage, base, beforeNext } = interleavedStorage();
      const { auth, token, ada } = await requested({ storage });
      beforeNext(step, () => base.deleteUser(ada.user.id));
      await rejectsWith(auth.resetPassword({ token, password: NEW_PASSWORD }), "TOKEN_INVALID");
    }
  });

  it("works without rate limits (rateLimit: false)", async () => {
    const { auth, token } = await requested({ rateLimit: false });
    await expect(auth.resetPassword({ token, password: NEW_PASSWORD })).resolves.toBeDefined();
  });
});
