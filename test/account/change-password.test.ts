// changePassword: the current password on the account's signin budget, the policy on the new one, and every
// other session ended (all of them, or all but keepSessionId).
import { describe, expect, it } from "vitest";
import { rejectsWith } from "../helpers.js";
import { MESSAGES, NEW_PASSWORD, PASSWORD, flush, interleavedStorage, withAda } from "./support.js";

describe("changing the password", () => {
  it("a wrong current password is INVALID_CREDENTIALS and spends the account's budget: RATE_LIMITED after rateLimit.account.max", async () => {
    const { auth, ada } = await withAda({ rateLimit: { account: { max: 3, window: "15m" } } });
    const change = (currentPassword: string) => auth.changePassword({ userId: ada.user.id, currentPassword, newPassword: NEW_PASSWORD });
    for (let i = 0; i < 3; i++) expect((await rejectsWith(change("not my password"), "INVALID_CREDENTIALS")).field).toBe("currentPassword");
    expect((await rejectsWith(change(PASSWORD), "RATE_LIMITED")).retryAfter).toBeGreaterThan(0);
    await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "RATE_LIMITED"); // the same budget
  });

  it("a weak new password is WEAK_PASSWORD (field newPassword) and changes nothing", async () => {
    const { auth, ada } = await withAda();
    for (const newPassword of ["password", "ada2024!"]) {
      const err = await rejectsWith(auth.changePassword({ userId: ada.user.id, currentPassword: PASSWORD, newPassword }), "WEAK_PASSWORD");
      expect(err.field).toBe("newPassword");
    }
    await expect(auth.signin({ email: "ada@example.com", password: PASSWORD })).resolves.toBeDefined();
    await expect(auth.refresh(ada.refreshToken)).resolves.toBeDefined();
  });

  it("with keepSessionId, keeps exactly that session and ends the others", async () => {
    const { auth, of, ada } = await withAda();
    const [b, c] = [await auth.signin({ email: "ada@example.com", password: PASSWORD }), await auth.signin({ email: "ada@example.com", password: PASSWORD })];
    await auth.changePassword({ userId: ada.user.id, currentPassword: PASSWORD, newPassword: NEW_PASSWORD, keepSessionId: b.sessionId });
    await flush();
    const revoked = of("session.revoked");
    expect(revoked.map((e) => e.reason)).toEqual(["password", "password"]);
    expect(revoked.map((e) => e.sessionId).sort()).toEqual([ada.sessionId, c.sessionId].sort());
    expect((await auth.listSessions(ada.user.id)).map((s) => s.id)).toEqual([b.sessionId]);
    await expect(auth.refresh(b.refreshToken)).resolves.toBeDefined();
    for (const s of [ada, c]) await rejectsWith(auth.refresh(s.refreshToken), "TOKEN_REVOKED");
    await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "INVALID_CREDENTIALS");
    await expect(auth.signin({ email: "ada@example.com", password: NEW_PASSWORD })).resolves.toBeDefined();
  });

  it("voids a pending email change", async () => {
    const { auth, mail, ada } = await withAda();
    await auth.requestEmailChange({ userId: ada.user.id, newEmail: "intruder@example.com", password: PASSWORD });
    await flush();
    await auth.changePassword({ userId: ada.user.id, currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    await rejectsWith(auth.confirmEmailChange({ token: mail.token("email-change", "intruder@example.com") }), "TOKEN_INVALID");
  });

  it("without keepSessionId, ends every session at once (one event with the count)", async () => {
    const { auth, of, ada } = await withAda();
    const b = await auth.signin({ email: "ada@example.com", password: PASSWORD });
    await auth.changePassword({ userId: ada.user.id, currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    await flush();
    expect(of("session.revoked")).toEqual([{ type: "session.revoked", reason: "password", userId: ada.user.id, count: 2, at: expect.any(Date) }]);
    expect(await auth.listSessions(ada.user.id)).toEqual([]);
    for (const s of [ada, b]) await rejectsWith(auth.refresh(s.refreshToken), "TOKEN_REVOKED");
  });

  it("a right current password gives the account its budget back", async () => {
    const { auth, ada } = await withAda({ rateLimit: { account: { max: 3, window: "15m" } } });
    for (let i = 0; i < 2; i++)
      await rejectsWith(auth.changePassword({ userId: ada.user.id, currentPassword: "not my password", newPassword: NEW_PASSWORD }), "INVALID_CREDENTIALS");
    await auth.changePassword({ userId: ada.user.id, currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    for (let i = 0; i < 2; i++) await rejectsWith(auth.signin({ email: "ada@example.com", password: "not my password" }), "INVALID_CREDENTIALS");
    await expect(auth.signin({ email: "ada@example.com", password: NEW_PASSWORD })).resolves.toBeDefined();
  });

  it("spends no client budget: the check has no client address of its own", async () => {
    const { auth, ada } = await withAda({ rateLimit: { client: { max: 2, window: "15m" }, account: { max: 10, window: "15m" } } });
    for (let i = 0; i < 3; i++)
      await rejectsWith(auth.changePassword({ userId: ada.user.id, currentPassword: "not my password", newPassword: NEW_PASSWORD }), "INVALID_CREDENTIALS");
    await rejectsWith(auth.signin({ email: "ada@example.com", password: "not my password" }), "INVALID_CREDENTIALS");
  });

  it("a user deleted during the change is INVALID_INPUT (field userId)", async () => {
    const { storage, base, beforeNext } = interleavedStorage();
    const { auth, ada } = await withAda({ storage });
    beforeNext("updateUser", () => base.deleteUser(ada.user.id));
    const err = await rejectsWith(auth.changePassword({ userId: ada.user.id, currentPassword: PASSWORD, newPassword: NEW_PASSWORD }), "INVALID_INPUT");
    expect([err.field, err.message]).toEqual(["userId", MESSAGES.noSuchUser]);
  });

  it("works without rate limits (rateLimit: false)", async () => {
    const { auth, ada } = await withAda({ rateLimit: false });
    await auth.changePassword({ userId: ada.user.id, currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    await expect(auth.signin({ email: "ada@example.com", password: NEW_PASSWORD })).resolves.toBeDefined();
  });
});
