// Email change: the password to ask, a confirmation mailed to the new address (never to a taken one, with the
// same answer), the switch on confirmation with a notice to the old address, USER_EXISTS only then.
import { describe, expect, it } from "vitest";
import { AuthSkill, type AuthEvent } from "../../src/index.js";
import { SECRET, rejectsWith } from "../helpers.js";
import { MESSAGES, PASSWORD, countingStorage, flush, interleavedStorage, withAda } from "./support.js";

describe("changing the email address", () => {
  it("needs the password, and mails a confirmation to the new address only", async () => {
    const { auth, mail, ada } = await withAda();
    const sent = mail.messages.length;
    const err = await rejectsWith(
      auth.requestEmailChange({ userId: ada.user.id, newEmail: "ada@new.example", password: "not my password" }),
      "INVALID_CREDENTIALS",
    );
    expect([err.field, err.message]).toEqual(["password", MESSAGES.wrongPassword]);
    await auth.requestEmailChange({ userId: ada.user.id, newEmail: "ada@new.example", password: PASSWORD });
    await flush();
    expect(mail.messages.slice(sent)).toMatchObject([{ kind: "email-change", to: "ada@new.example", newEmail: "ada@new.example" }]);
    expect((await auth.getUser(ada.user.id))?.email).toBe("ada@example.com"); // not before confirmation
  });

  it("sends nothing when the new address is taken, and answers the same without looking it up first", async () => {
    const { storage, calls } = countingStorage();
    const { auth, mail, ada } = await withAda({ storage });
    await auth.signup({ email: "bob@example.com", password: PASSWORD });
    const [sent, lookups] = [mail.messages.length, calls.findUserByEmail];
    await expect(auth.requestEmailChange({ userId: ada.user.id, newEmail: "bob@example.com", password: PASSWORD })).resolves.toBeUndefined();
    expect(calls.findUserByEmail).toBe(lookups); // the address is looked up after the answer
    await flush();
    expect(mail.messages).toHaveLength(sent);
  });

  it("a new request voids the confirmation sent before, even when nothing is sent for it (the address is taken)", async () => {
    const { auth, mail, ada } = await withAda();
    await auth.signup({ email: "bob@example.com", password: PASSWORD });
    await auth.requestEmailChange({ userId: ada.user.id, newEmail: "typo@example.com", password: PASSWORD });
    await flush();
    const typo = mail.token("email-change", "typo@example.com");
    await auth.requestEmailChange({ userId: ada.user.id, newEmail: "bob@example.com", password: PASSWORD });
    await flush();
    await rejectsWith(auth.confirmEmailChange({ token: typo }), "TOKEN_INVALID");
  });

  it("confirming switches the address, marks it verified, and tells the old address without a token", async () => {
    const { auth, mail, ada } = await withAda();
    await auth.requestEmailChange({ userId: ada.user.id, newEmail: "ada@new.example", password: PASSWORD });
    await flush();
    const { user } = await auth.confirmEmailChange({ token: mail.token("email-change", "ada@new.example") });
    expect(user).toMatchObject({ id: ada.user.id, email: "ada@new.example", emailVerified: true });
    await flush();
    expect(mail.messages.at(-1)).toMatchObject({ kind: "email-change", to: "ada@example.com", token: null, expiresAt: null, newEmail: "ada@new.example" });
    await expect(auth.signin({ email: "ada@new.example", password: PASSWORD })).resolves.toMatchObject({ user: { id: ada.user.id } });
    await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "INVALID_CREDENTIALS");
  });

  it("is USER_EXISTS at confirmation when the address was taken since, and the token stays usable", async () => {
    const { auth, mail, ada } = await withAda();
    await auth.requestEmailChange({ userId: ada.user.id, newEmail: "ada@new.example", password: PASSWORD });
    await flush();
    const token = mail.token("email-change", "ada@new.example");
    const squatter = await auth.signup({ email: "ada@new.example", password: "someone else entirely" });
    const err = await rejectsWith(auth.confirmEmailChange({ token }), "USER_EXISTS");
    expect([err.field, err.message]).toEqual(["email", MESSAGES.emailTaken]);
    await auth.deleteUser(squatter.user.id);
    await expect(auth.confirmEmailChange({ token })).resolves.toMatchObject({ user: { email: "ada@new.example" } });
    await rejectsWith(auth.confirmEmailChange({ token }), "TOKEN_INVALID");
  });

  it("the same address is INVALID_INPUT", async () => {
    const { auth, ada } = await withAda();
    const err = await rejectsWith(auth.requestEmailChange({ userId: ada.user.id, newEmail: "ada@example.com", password: PASSWORD }), "INVALID_INPUT");
    expect([err.field, err.message]).toEqual(["newEmail", MESSAGES.sameEmail]);
  });

  it("is TOKEN_INVALID when the user is deleted while the link is used, before or after it is spent", async () => {
    for (const step of ["findUserById", "updateUser"] as const) {
      const { storage, base, beforeNext } = interleavedStorage();
      const { auth, mail, ada } = await withAda({ storage });
      await auth.requestEmailChange({ userId: ada.user.id, newEmail: "ada@new.example", password: PASSWORD });
      await flush();
      beforeNext(step, () => base.deleteUser(ada.user.id));
      const err = await rejectsWith(auth.confirmEmailChange({ token: mail.token("email-change", "ada@new.example") }), "TOKEN_INVALID");
      expect(err.message).toBe(MESSAGES.linkInvalid);
    }
  });

  it("is USER_EXISTS when another account takes the address between the check and the switch", async () => {
    const { storage, beforeNext } = interleavedStorage();
    const { auth, mail, ada } = await withAda({ storage });
    await auth.requestEmailChange({ userId: ada.user.id, newEmail: "ada@new.example", password: PASSWORD });
    await flush();
    beforeNext("updateUser", () => auth.signup({ email: "ada@new.example", password: "someone else entirely" }));
    expect((await rejectsWith(auth.confirmEmailChange({ token: mail.token("email-change", "ada@new.example") }), "USER_EXISTS")).field).toBe("email");
    expect((await auth.getUser(ada.user.id))?.email).toBe("ada@example.com");
  });

  it("confirming an address the account was moved to meanwhile (by another path) succeeds and sends no notice", async () => {
    const { storage, base } = interleavedStorage();
    const { auth, mail, ada } = await withAda({ storage });
    await auth.requestEmailChange({ userId: ada.user.id, newEmail: "ada@new.example", password: PASSWORD });
    await flush();
    await base.updateUser(ada.user.id, { email: "ada@new.example", updatedAt: new Date() });
    const sent = mail.messages.length;
    await expect(auth.confirmEmailChange({ token: mail.token("email-change", "ada@new.example") })).resolves.toMatchObject({
      user: { email: "ada@new.example", emailVerified: true },
    });
    await flush();
    expect(mail.messages).toHaveLength(sent);
  });

  it("an instance without the email option confirms a link without a notice, and reports no failed send", async () => {
    const { storage } = interleavedStorage();
    const { auth, mail, clock, ada } = await withAda({ storage });
    await auth.requestEmailChange({ userId: ada.user.id, newEmail: "ada@new.example", password: PASSWORD });
    await flush();
    const events: AuthEvent[] = [];
    const mailless = new AuthSkill({ secret: SECRET, storage, now: clock.now, onEvent: (e) => void events.push(e) });
    await expect(mailless.confirmEmailChange({ token: mail.token("email-change", "ada@new.example") })).resolves.toMatchObject({
      user: { email: "ada@new.example" },
    });
    await flush();
    expect(events.map((e) => e.type)).toEqual(["email.changed"]);
  });

  it("a storage failure after the answer becomes email.send_failed (kind email-change)", async () => {
    const { storage, beforeNext } = interleavedStorage();
    const { auth, mail, of, ada } = await withAda({ storage });
    const sent = mail.messages.length;
    beforeNext("findUserByEmail", () => Promise.reject(new Error("database down")));
    await expect(auth.requestEmailChange({ userId: ada.user.id, newEmail: "ada@new.example", password: PASSWORD })).resolves.toBeUndefined();
    await flush();
    expect(of("email.send_failed")).toEqual([{ type: "email.send_failed", kind: "email-change", at: expect.any(Date) }]);
    expect(mail.messages).toHaveLength(sent);
  });

  it("counts requests per new address but not per client (the request has no client address)", async () => {
    const { auth, ada } = await withAda({ rateLimit: { emailClient: { max: 1, window: "1h" }, emailAddress: { max: 1, window: "1h" } } });
    const change = (newEmail: string) => auth.requestEmailChange({ userId: ada.user.id, newEmail, password: PASSWORD });
    await change("one@example.com");
    await change("two@example.com");
    await rejectsWith(change("two@example.com"), "RATE_LIMITED");
  });

  it("works without rate limits (rateLimit: false)", async () => {
    const { auth, mail, ada } = await withAda({ rateLimit: false });
    await auth.requestEmailChange({ userId: ada.user.id, newEmail: "ada@new.example", password: PASSWORD });
    await flush();
    await expect(auth.confirmEmailChange({ token: mail.token("email-change", "ada@new.example") })).resolves.toMatchObject({
      user: { email: "ada@new.example" },
    });
  });
});
