// The server's own operations on users: getUser, listSessions (newest first, live only), deleteUser.
import { describe, expect, it } from "vitest";
import { rejectsWith } from "../helpers.js";
import { NEW_PASSWORD, PASSWORD, flush, withAda } from "./support.js";

describe("reading a user", () => {
  it("getUser resolves the user without its hash, or null for an unknown id", async () => {
    const { auth, ada } = await withAda();
    const user = await auth.getUser(ada.user.id);
    expect(user).toEqual(ada.user);
    expect(user).not.toHaveProperty("passwordHash");
    expect(await auth.getUser("no-such-user")).toBeNull();
    expect(await auth.getUser("x".repeat(300))).toBeNull();
    await expect(auth.getUser(null as unknown as string)).rejects.toBeInstanceOf(TypeError);
  });
});

describe("listing sessions", () => {
  it("lists live sessions newest first with their ip and user agent, without revoked ones", async () => {
    const { auth, clock, ada } = await withAda();
    clock.advance(60_000);
    const phone = await auth.signin({ email: "ada@example.com", password: PASSWORD }, { ip: "2001:db8::1", userAgent: "Safari" });
    clock.advance(60_000);
    const gone = await auth.signin({ email: "ada@example.com", password: PASSWORD });
    await auth.revoke(gone.refreshToken);
    const sessions = await auth.listSessions(ada.user.id);
    expect(sessions.map((s) => [s.id, s.ip, s.userAgent])).toEqual([
      [phone.sessionId, "2001:db8::1", "Safari"],
      [ada.sessionId, "203.0.113.7", "Firefox"],
    ]);
    expect(Object.keys(sessions[0]!).sort()).toEqual(["createdAt", "expiresAt", "id", "ip", "lastUsedAt", "userAgent"]);
    expect(await auth.listSessions("no-such-user")).toEqual([]);
  });

  it("leaves out sessions past refreshToken.idleTtl, and shows the idle expiry and the last use", async () => {
    const { auth, clock, ada } = await withAda({ refreshToken: { ttl: "30d", idleTtl: "1h" } });
    clock.advance(30 * 60_000);
    const fresh = await auth.signin({ email: "ada@example.com", password: PASSWORD });
    const [listed] = await auth.listSessions(fresh.user.id);
    expect(listed).toMatchObject({ id: fresh.sessionId, lastUsedAt: clock.now(), expiresAt: new Date(clock.now().getTime() + 3_600_000) });
    clock.advance(30 * 60_000); // ada's first session: idle for an hour
    expect((await auth.listSessions(ada.user.id)).map((s) => s.id)).toEqual([fresh.sessionId]);
  });
});

describe("deleting a user", () => {
  it("ends their sessions, frees their email, and is idempotent", async () => {
    const { auth, ada } = await withAda();
    await auth.deleteUser(ada.user.id);
    expect(await auth.getUser(ada.user.id)).toBeNull();
    await rejectsWith(auth.refresh(ada.refreshToken), "TOKEN_INVALID");
    await rejectsWith(auth.verifyAccessToken(ada.accessToken, { checkRevocation: true }), "TOKEN_REVOKED");
    await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "INVALID_CREDENTIALS");
    await expect(auth.deleteUser(ada.user.id)).resolves.toBeUndefined();
    await expect(auth.deleteUser("no-such-user")).resolves.toBeUndefined();
    const again = await auth.signup({ email: "ada@example.com", password: PASSWORD });
    expect(again.user.id).not.toBe(ada.user.id);
  });

  it("voids their pending mailed tokens", async () => {
    const { auth, mail, ada } = await withAda();
    await auth.requestEmailVerification(ada.user.id);
    await auth.requestPasswordReset({ email: "ada@example.com" });
    await flush();
    await auth.deleteUser(ada.user.id);
    await rejectsWith(auth.verifyEmail({ token: mail.token("email-verification") }), "TOKEN_INVALID");
    await rejectsWith(auth.resetPassword({ token: mail.token("password-reset"), password: NEW_PASSWORD }), "TOKEN_INVALID");
  });
});
