// Email verification: signup under requireEmailVerification signs nobody in and mails a token; signin is
// EMAIL_NOT_VERIFIED only once the password is right; verifyEmail lifts it. Tokens follow the address.
import { describe, expect, it } from "vitest";
import { AuthSkill, memoryStorage } from "../../src/index.js";
import { SECRET, manualClock, rejectsWith } from "../helpers.js";
import { MESSAGES, PASSWORD, flush, interleavedStorage, outbox, withAda } from "./support.js";

function requiring() {
  const mail = outbox();
  const clock = manualClock();
  const auth = new AuthSkill({ secret: SECRET, storage: memoryStorage(), now: clock.now, email: { send: mail.send }, requireEmailVerification: true });
  return { auth, mail, clock };
}

describe("email verification", () => {
  it("under requireEmailVerification, signup resolves exactly { user } and mails a verification token", async () => {
    const { auth, mail } = requiring();
    const result = await auth.signup({ email: "ada@example.com", password: PASSWORD });
    expect(Object.keys(result)).toEqual(["user"]);
    expect(result.user).toMatchObject({ email: "ada@example.com", emailVerified: false });
    await flush();
    expect(mail.messages).toMatchObject([{ kind: "email-verification", to: "ada@example.com", user: { id: result.user.id } }]);
    expect(await auth.listSessions(result.user.id)).toEqual([]);
  });

  it("signin is EMAIL_NOT_VERIFIED only with the right password, and works once verified", async () => {
    const { auth, mail } = requiring();
    await auth.signup({ email: "ada@example.com", password: PASSWORD });
    await flush();
    await rejectsWith(auth.signin({ email: "ada@example.com", password: "not the password" }), "INVALID_CREDENTIALS");
    expect((await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "EMAIL_NOT_VERIFIED")).status).toBe(403);
    const { user } = await auth.verifyEmail({ token: mail.token("email-verification") });
    expect(user.emailVerified).toBe(true);
    await expect(auth.signin({ email: "ada@example.com", password: PASSWORD })).resolves.toMatchObject({ user: { emailVerified: true } });
  });

  it("a token is single-use, and expires after tokens.emailVerification", async () => {
    const { auth, mail, clock, ada } = await withAda({ tokens: { emailVerification: "2h" } });
    await auth.requestEmailVerification(ada.user.id);
    await flush();
    const token = mail.token("email-verification");
    clock.advance(2 * 3_600_000);
    expect((await rejectsWith(auth.verifyEmail({ token }), "TOKEN_EXPIRED")).message).toBe(MESSAGES.linkExpired);
    await auth.requestEmailVerification(ada.user.id);
    await flush();
    const fresh = mail.token("email-verification");
    await auth.verifyEmail({ token: fresh });
    await rejectsWith(auth.verifyEmail({ token: fresh }), "TOKEN_INVALID");
    expect((await auth.getUser(ada.user.id))?.emailVerified).toBe(true);
  });

  it("requestEmailVerification sends nothing for a verified address", async () => {
    const { auth, mail, ada } = await withAda();
    await auth.requestEmailVerification(ada.user.id);
    await flush();
    await auth.verifyEmail({ token: mail.token("email-verification") });
    const sent = mail.messages.length;
    await expect(auth.requestEmailVerification(ada.user.id)).resolves.toBeUndefined();
    await flush();
    expect(mail.messages).toHaveLength(sent);
  });

  it("a token sent to an address the account has since left is TOKEN_INVALID", async () => {
    const { auth, mail, ada } = await withAda();
    await auth.requestEmailVerification(ada.user.id);
    await flush();
    const old = mail.token("email-verification", "ada@example.com");
    await auth.requestEmailChange({ userId: ada.user.id, newEmail: "ada@new.example", password: PASSWORD });
    await flush();
    await auth.confirmEmailChange({ token: mail.token("email-change", "ada@new.example") });
    expect((await rejectsWith(auth.verifyEmail({ token: old }), "TOKEN_INVALID")).message).toBe(MESSAGES.linkInvalid);
  });

  it("requestEmailVerification is INVALID_INPUT for an unknown user and CONFIG_ERROR without email", async () => {
    const { auth } = await withAda();
    const err = await rejectsWith(auth.requestEmailVerification("no-such-user"), "INVALID_INPUT");
    expect([err.field, err.message]).toEqual(["userId", MESSAGES.noSuchUser]);
    const bare = await withAda({ email: undefined });
    await rejectsWith(bare.auth.requestEmailVerification(bare.ada.user.id), "CONFIG_ERROR");
    await rejectsWith(bare.auth.requestEmailVerification("no-such-user"), "CONFIG_ERROR"); // before anything else
  });

  it("a user deleted while their link is used is TOKEN_INVALID, before or after the link is spent", async () => {
    for (const step of ["findUserById", "updateUser"] as const) {
      const { storage, base, beforeNext } = interleavedStorage();
      const { auth, mail, ada } = await withAda({ storage });
      await auth.requestEmailVerification(ada.user.id);
      await flush();
      beforeNext(step, () => base.deleteUser(ada.user.id));
      await rejectsWith(auth.verifyEmail({ token: mail.token("email-verification") }), "TOKEN_INVALID");
    }
  });

  it("works without rate limits (rateLimit: false)", async () => {
    const { auth, mail, ada } = await withAda({ rateLimit: false });
    await auth.requestEmailVerification(ada.user.id);
    await flush();
    await expect(auth.verifyEmail({ token: mail.token("email-verification") })).resolves.toMatchObject({ user: { emailVerified: true } });
  });
});
