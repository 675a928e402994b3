// Audit events: each flow emits its event (with the user, the session and the request's address where known),
// delivered on a later tick; a handler that throws or never settles breaks and holds up nothing.
import { describe, expect, it } from "vitest";
import { AuthSkill, memoryStorage, type AuthEvent } from "../../src/index.js";
import { SECRET, rejectsWith } from "../helpers.js";
import { NEW_PASSWORD, PASSWORD, flush, interleavedStorage, setup, withAda } from "./support.js";

const ctx = { ip: "203.0.113.7", userAgent: "Firefox" };
const where = { ip: ctx.ip, userAgent: ctx.userAgent };

describe("events", () => {
  it("signup, signin, refresh, reuse and revocation emit theirs, with ids and the request's address", async () => {
    const { auth, events } = setup();
    const a = await auth.signup({ email: "ada@example.com", password: PASSWORD }, ctx);
    expect(events).toEqual([]); // delivered later, never in the flow's time
    const b = await auth.signin({ email: "ada@example.com", password: PASSWORD }, ctx);
    await auth.refresh(b.refreshToken, ctx);
    await rejectsWith(auth.refresh(b.refreshToken, ctx), "REFRESH_TOKEN_REUSED");
    await auth.revoke(a.refreshToken);
    await flush();
    const userId = a.user.id;
    expect(events).toEqual([
      { type: "user.created", userId, at: expect.any(Date), ...where },
      { type: "signin.succeeded", method: "password", userId, sessionId: a.sessionId, at: expect.any(Date), ...where },
      { type: "signin.succeeded", method: "password", userId, sessionId: b.sessionId, at: expect.any(Date), ...where },
      { type: "session.refreshed", userId, sessionId: b.sessionId, at: expect.any(Date), ...where },
      { type: "refresh.reused", userId, sessionId: b.sessionId, at: expect.any(Date), ...where },
      { type: "session.revoked", reason: "signout", sessionId: a.sessionId, at: expect.any(Date) },
    ]);
  });

  it("the account flows emit theirs", async () => {
    const { auth, mail, events, ada } = await withAda();
    const userId = ada.user.id;
    await auth.requestEmailVerification(userId); // before the reset, which marks the address verified
    await auth.verifyEmail({ token: mail.token("email-verification") });
    await auth.requestPasswordReset({ email: "ada@example.com" }, ctx);
    await flush();
    await auth.resetPassword({ token: mail.token("password-reset"), password: NEW_PASSWORD }, ctx);
    await auth.changePassword({ userId, currentPassword: NEW_PASSWORD, newPassword: PASSWORD });
    await auth.requestEmailChange({ userId, newEmail: "ada@new.example", password: PASSWORD });
    await flush();
    await auth.confirmEmailChange({ token: mail.token("email-change") });
    await auth.setRoles(userId, ["admin"]);
    await auth.deleteUser(userId);
    await flush();
    const expected: AuthEvent[] = [
      { type: "email.verification_requested", userId, at: expect.any(Date) },
      { type: "email.verified", userId, at: expect.any(Date) },
      { type: "password.reset_requested", userId, at: expect.any(Date), ...where },
      { type: "session.revoked", reason: "password", userId, count: 1, at: expect.any(Date) },
      { type: "password.reset", userId, at: expect.any(Date), ...where },
      { type: "password.changed", userId, at: expect.any(Date) },
      { type: "email.change_requested", userId, at: expect.any(Date) },
      { type: "email.changed", userId, at: expect.any(Date) },
      { type: "roles.changed", userId, roles: ["admin"], at: expect.any(Date) },
      { type: "user.deleted", userId, at: expect.any(Date) },
    ];
    expect(events.filter((e) => !["user.created", "signin.succeeded"].includes(e.type))).toEqual(expected);
  });

  it("signin.failed says why: invalid_credentials, rate_limited, locked, unverified", async () => {
    const failed = (events: AuthEvent[]) => events.flatMap((e) => (e.type === "signin.failed" ? [[e.reason, e.userId !== undefined, e.ip]] : []));
    const wrong = { email: "ada@example.com", password: "not my password" };
    const limited = await withAda({ rateLimit: { account: { max: 1, window: "1m" } } });
    await rejectsWith(limited.auth.signin(wrong, ctx), "INVALID_CREDENTIALS");
    await rejectsWith(limited.auth.signin(wrong, ctx), "RATE_LIMITED");
    const locked = await withAda({ rateLimit: { lockAfter: 1 } });
    await rejectsWith(locked.auth.signin(wrong), "INVALID_CREDENTIALS");
    await rejectsWith(locked.auth.signin(wrong), "RATE_LIMITED");
    const events: AuthEvent[] = [];
    const strict = new AuthSkill({ secret: SECRET, storage: memoryStorage(), requireEmailVerification: true, onEvent: (e) => void events.push(e) });
    await strict.signup({ email: "ada@example.com", password: PASSWORD });
    await rejectsWith(strict.signin({ email: "ada@example.com", password: PASSWORD }, ctx), "EMAIL_NOT_VERIFIED");
    await flush();
    expect([...failed(limited.events), ...failed(locked.events), ...failed(events)]).toEqual([
      ["invalid_credentials", true, ctx.ip],
      ["rate_limited", true, ctx.ip],
      ["invalid_credentials", true, undefined],
      ["locked", true, undefined],
      ["unverified", true, ctx.ip],
    ]);
  });

  it("a mail that cannot be sent becomes email.send_failed, and a flow never waits for the mailer", async () => {
    const { auth, of, ada } = await withAda({ email: { send: () => Promise.reject(new Error("smtp down")) } });
    await expect(auth.requestEmailVerification(ada.user.id)).resolves.toBeUndefined();
    const thrower = await withAda({
      email: {
        send: () => {
          throw new Error("smtp down");
        },
      },
    });
    await expect(thrower.auth.requestPasswordReset({ email: "ada@example.com" })).resolves.toBeUndefined();
    const stuck = await withAda({ email: { send: () => new Promise<never>(() => undefined) } }); // a mailer that never answers
    await expect(stuck.auth.requestEmailVerification(stuck.ada.user.id)).resolves.toBeUndefined();
    await flush();
    expect(of("email.send_failed")).toEqual([{ type: "email.send_failed", kind: "email-verification", userId: ada.user.id, at: expect.any(Date) }]);
    expect(thrower.of("email.send_failed")).toMatchObject([{ kind: "password-reset", userId: thrower.ada.user.id }]);
  });

  it("a storage failure after a reset request was answered becomes email.send_failed (kind password-reset); an unknown address is no failure", async () => {
    const { storage, beforeNext } = interleavedStorage();
    const { auth, mail, of } = await withAda({ storage });
    await auth.requestPasswordReset({ email: "nobody@example.com" });
    await flush();
    expect(of("email.send_failed")).toEqual([]);
    beforeNext("findUserByEmail", () => Promise.reject(new Error("database down")));
    await expect(auth.requestPasswordReset({ email: "ada@example.com" })).resolves.toBeUndefined();
    await flush();
    expect(of("email.send_failed")).toEqual([{ type: "email.send_failed", kind: "password-reset", at: expect.any(Date) }]);
    expect(mail.messages.filter((m) => m.kind === "password-reset")).toEqual([]);
  });

  it.each([
    [
      "throws",
      () => {
        throw new Error("handler bug");
      },
    ],
    ["never settles", () => new Promise<never>(() => undefined)],
    ["rejects", () => Promise.reject(new Error("handler bug"))],
  ])("a handler that %s breaks and holds up no flow, and leaves no unhandled rejection", async (_, handler) => {
    let calls = 0;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const auth = new AuthSkill({ secret: SECRET, storage: memoryStorage(), email: { send: () => undefined }, onEvent: () => (calls++, handler()) });
      const a = await auth.signup({ email: "ada@example.com", password: PASSWORD });
      await auth.refresh(a.refreshToken);
      await auth.requestPasswordReset({ email: "ada@example.com" });
      await auth.changePassword({ userId: a.user.id, currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
      await auth.deleteUser(a.user.id);
      await flush();
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(calls).toBeGreaterThanOrEqual(6);
    expect(unhandled).toEqual([]);
  });
});
