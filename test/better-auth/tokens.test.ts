// Refresh tokens for Better Auth users. A native client gets rotating refresh tokens with reuse detection
// through AuthSkill, each family tied to a Better Auth session; bridge.issueTokens starts such a family for a user
// already signed in to Better Auth on the web. Proven against the real Better Auth on the same database.
import { afterEach, describe, expect, it } from "vitest";
import { AuthSkill, memoryStorage } from "auth-skill";
import type { SessionContext } from "../../src/better-auth/better-auth-sessions.js";
import { cookieFor } from "../../src/better-auth/tokens.js";
import { rejectsWith } from "../helpers.js";
import { BASE_URL, DIALECTS, betterAuthSignup, betterAuthUserOf, cookieOf, cookiePair, newSecret, stack, type Stack } from "./support.js";

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
    const cookie = await cookieOf(s, first.sessionId);
    const bearer = s.bridge.bearerToken(cookie.token);
    expect(bearer).toBe(decodeURIComponent(cookiePair(cookie.setCookie).split("=")[1]!));
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
    const issuedCookie = await cookieOf(s, issued.sessionId);
    expect(await betterAuthUserOf(s, cookiePair(issuedCookie.setCookie))).toBe(ada.userId);
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
    await s.auth.api.revokeSession({ body: { token: issuedCookie.token }, headers: new Headers({ cookie: webCookie }) });
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

  it("issueTokens: the session's lifetime is auth's refreshToken.ttl unless `ttl` says otherwise", async () => {
    s = await stack(dialect);
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const a = new AuthSkill({ secret: s.secret, storage: s.bridge.storage, rateLimit: false, refreshToken: { ttl: "2d" } });
    const t0 = Date.now();
    const issued = await s.bridge.issueTokens(a, new Headers({ cookie: ada.cookie }));
    expect(issued.refreshTokenExpiresAt.getTime()).toBeGreaterThanOrEqual(t0 + 2 * 86_400_000);
    expect(issued.refreshTokenExpiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 2 * 86_400_000);
    const longer = await s.bridge.issueTokens(a, new Headers({ cookie: ada.cookie }), { ttl: "5d" });
    expect((await s.bridge.storage.findSession(longer.sessionId))!.expiresAt.getTime()).toBeGreaterThanOrEqual(t0 + 5 * 86_400_000);
  });

  it("cookieFor gives the Better Auth cookie of a session by id: null when there is none, TypeError for a bad id", async () => {
    s = await stack(dialect);
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const a = authSkill(s);
    const started = await a.startSession(ada.userId, { userAgent: "cli/1.0" });
    const cookie = await cookieOf(s, started.sessionId);
    expect(await betterAuthUserOf(s, cookiePair(cookie.setCookie))).toBe(ada.userId);
    expect(cookie.setCookie.startsWith(`${s.bridge.cookieName}=`)).toBe(true);
    // a Better Auth session of the browser has one too (the server's own use, as revokeSession)
    const web = (await s.bridge.getSession(new Headers({ cookie: ada.cookie })))!;
    expect((await cookieOf(s, web.session.id)).token).toBe(web.session.token);
    expect(await s.bridge.cookieFor("no-such-session")).toBeNull();
    expect(await s.bridge.cookieFor("x".repeat(10_000))).toBeNull();
    const looked: string[] = [];
    const find = async (id: string) => (looked.push(id), null);
    expect(await cookieFor({} as SessionContext, "x".repeat(10_000), find)).toBeNull(); // no session has such an id:
    expect(looked).toEqual([]); // not even looked up
    for (const bad of [undefined, null, 42, "", {}]) await expect(s.bridge.cookieFor(bad as never)).rejects.toThrow(TypeError);
    await a.revokeSession(started.sessionId);
    expect(await s.bridge.cookieFor(started.sessionId)).toBeNull();
  });

  it("issueTokens works with any AuthSkill on bridge.storage, whatever its secret (the deprecated authSkillSecret is ignored)", async () => {
    s = await stack(dialect, { bridge: { authSkillSecret: newSecret() } });
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const a = authSkill(s, newSecret());
    const issued = await s.bridge.issueTokens(a, new Headers({ cookie: ada.cookie }));
    await expect(a.refresh(issued.refreshToken)).resolves.toMatchObject({ sessionId: issued.sessionId });
    // a session of AuthSkill's own, not one minted by the bridge: another AuthSkill's secret does not read it
    await rejectsWith(authSkill(s).refresh(issued.refreshToken), "TOKEN_INVALID");
  });

  it("issueTokens with an AuthSkill on another storage is a CONFIG_ERROR and leaves no session behind", async () => {
    s = await stack(dialect);
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const before = await sessionCount(s, ada.userId);
    const elsewhere = new AuthSkill({ secret: s.secret, rateLimit: false }); // memoryStorage: Ada is unknown there
    await rejectsWith(s.bridge.issueTokens(elsewhere, new Headers({ cookie: ada.cookie })), "CONFIG_ERROR");
    // not an AuthSkill at all (or one without startSession): a TypeError
    for (const bad of [undefined, {}, { refresh: () => undefined }]) {
      await expect(s.bridge.issueTokens(bad as never, new Headers({ cookie: ada.cookie }))).rejects.toThrow(/^issueTokens: pass the AuthSkill/);
    }
    // a storage that knows Ada but keeps its sessions elsewhere: its session is revoked, and CONFIG_ERROR
    const foreign = memoryStorage();
    await foreign.createUser((await s.bridge.storage.findUserById(ada.userId))!); // sessions need their user
    const created: string[] = [];
    const shadow = new AuthSkill({
      secret: s.secret,
      rateLimit: false,
      storage: {
        ...foreign,
        findUserById: (id) => s.bridge.storage.findUserById(id),
        createSession: (session) => (created.push(session.id), foreign.createSession(session)),
      },
    });
    await rejectsWith(s.bridge.issueTokens(shadow, new Headers({ cookie: ada.cookie })), "CONFIG_ERROR");
    expect(created).toHaveLength(1);
    expect((await foreign.findSession(created[0]!))?.revokedAt).toBeInstanceOf(Date);
    expect(await sessionCount(s, ada.userId)).toBe(before);
  });
});
