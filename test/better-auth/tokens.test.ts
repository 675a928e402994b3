// Point 6: refresh tokens for Better Auth users. A native client gets rotating refresh tokens with reuse detection
// through AuthSkill, each family tied to a Better Auth session; bridge.issueTokens starts such a family for a user
// already signed in to Better Auth on the web. Proven against the real Better Auth on the same database.
import { afterEach, describe, expect, it } from "vitest";
import { AuthSkill } from "auth-skill";
import { rejectsWith } from "../helpers.js";
import { BASE_URL, DIALECTS, betterAuthSignup, betterAuthUserOf, cookiePair, newSecret, stack, type Stack } from "./support.js";

const PASSWORD = "a long passphrase 42";

function authSkill(s: Stack, secret = s.secret): AuthSkill {
  return new AuthSkill({ secret, storage: s.bridge.storage, rateLimit: false });
}

async function sessionCount(s: Stack, userId: string): Promise<number> {
  return (await s.db.selectFrom("session").select("id").where("userId", "=", userId).execute()).length;
}

describe.each(DIALECTS)("refresh tokens for Better Auth users (%s)", (dialect) => {
  let s: Stack;
  afterEach(async () => s?.close());

  it("a native client signs in through AuthSkill: its refresh family rotates, detects reuse, and is a Better Auth session", async () => {
    s = await stack(dialect, { argon2: true });
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const a = authSkill(s);
    const first = await a.signin({ email: "ada@example.com", password: PASSWORD }, { userAgent: "ios-app/3.1" });
    // the native client can call Better Auth's own endpoints with the session as a bearer token
    const bearer = s.bridge.bearerToken(first.betterAuth!.token);
    expect(bearer).toBe(decodeURIComponent(cookiePair(first.betterAuth!.setCookie).split("=")[1]!));
    const sessions = await s.auth.api.listSessions({ headers: new Headers({ authorization: `Bearer ${bearer}` }) });
    expect(sessions.map((x) => x.userAgent).sort()).toEqual(["", "ios-app/3.1"]);
    const second = await a.refresh(first.refreshToken);
    const third = await a.refresh(second.refreshToken);
    expect(third.sessionId).toBe(first.sessionId);
    // replaying a rotated token ends the family and the Better Auth session; the web session stays
    await rejectsWith(a.refresh(second.refreshToken), "REFRESH_TOKEN_REUSED");
    await rejectsWith(a.refresh(third.refreshToken), "TOKEN_REVOKED");
    expect(await s.auth.api.getSession({ headers: new Headers({ authorization: `Bearer ${bearer}` }) })).toBeNull();
    expect(await betterAuthUserOf(s, ada.cookie)).toBe(ada.userId);
  });

  it("issueTokens starts AuthSkill tokens from a signed-in web session, as a new session of its own", async () => {
    s = await stack(dialect);
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const a = authSkill(s);
    const web = (await s.bridge.getSession(new Headers({ cookie: ada.cookie })))!;
    const request = new Request(`${BASE_URL}/native/handoff`, { method: "POST", headers: { cookie: ada.cookie, "user-agent": "android-app/2.0" } });
    const issued = await s.bridge.issueTokens(a, request);
    expect(issued.user.id).toBe(ada.userId);
    expect(issued.sessionId).not.toBe(web.session.id);
    await expect(a.verifyAccessToken(issued.accessToken, { checkRevocation: true })).resolves.toMatchObject({ sub: ada.userId, sid: issued.sessionId });
    // Better Auth knows the new session (its cookie works, it is listed on the web)
    expect(await betterAuthUserOf(s, cookiePair(issued.betterAuth!.setCookie))).toBe(ada.userId);
    const listed = await s.auth.api.listSessions({ headers: new Headers({ cookie: ada.cookie }) });
    expect(listed.map((x) => x.id).sort()).toEqual([web.session.id, issued.sessionId].sort());
    expect(listed.find((x) => x.id === issued.sessionId)?.userAgent).toBe("android-app/2.0");

    const next = await a.refresh(issued.refreshToken);
    // signing the web session out does not end the device's session...
    await s.auth.api.signOut({ headers: new Headers({ cookie: ada.cookie }) });
    const after = await a.refresh(next.refreshToken);
    // ...revoking it from Better Auth does
    const other = await betterAuthSignup(s, "bob@example.com", PASSWORD, "Bob"); // a second, unrelated user stays put
    const web2 = await s.auth.api.signInEmail({ body: { email: "ada@example.com", password: PASSWORD }, returnHeaders: true });
    const webCookie = cookiePair(web2.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token="))!);
    await s.auth.api.revokeSession({ body: { token: issued.betterAuth!.token }, headers: new Headers({ cookie: webCookie }) });
    await rejectsWith(a.refresh(after.refreshToken), "TOKEN_REVOKED");
    await rejectsWith(a.verifyAccessToken(after.accessToken, { checkRevocation: true }), "TOKEN_REVOKED");
    expect(await betterAuthUserOf(s, other.cookie)).toBe(other.userId);
  });

  it("issueTokens accepts getSession's result, and refuses absent, forged or ended sessions", async () => {
    s = await stack(dialect);
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const a = authSkill(s);
    const current = (await s.bridge.getSession(new Headers({ cookie: ada.cookie })))!;
    const issued = await s.bridge.issueTokens(a, current, { ttl: "1h" });
    expect(issued.refreshTokenExpiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000);
    await rejectsWith(s.bridge.issueTokens(a, new Headers()), "TOKEN_INVALID");
    await rejectsWith(s.bridge.issueTokens(a, new Headers({ cookie: `${ada.cookie.slice(0, -6)}AAAA%3D` })), "TOKEN_INVALID");
    const forged = { ...current, session: { ...current.session, token: "x".repeat(32) } };
    await rejectsWith(s.bridge.issueTokens(a, forged), "TOKEN_INVALID");
    await s.auth.api.signOut({ headers: new Headers({ cookie: ada.cookie }) });
    await rejectsWith(s.bridge.issueTokens(a, current), "TOKEN_INVALID");
  });

  it("issueTokens with an AuthSkill of another secret is a CONFIG_ERROR and leaves no live session behind", async () => {
    s = await stack(dialect);
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const before = await sessionCount(s, ada.userId);
    await rejectsWith(s.bridge.issueTokens(authSkill(s, newSecret()), new Headers({ cookie: ada.cookie })), "CONFIG_ERROR");
    expect(await sessionCount(s, ada.userId)).toBe(before);
  });
});
