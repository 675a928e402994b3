// One user base and one session table. AuthSkill runs on bridge.storage over Better Auth's tables while
// the real Better Auth serves the same database: sign-ups and sign-ins cross over, an AuthSkill signin is also a
// Better Auth session (bridge.cookieFor(result.sessionId)), and revoking on either side ends the session on both.
import { afterEach, describe, expect, it } from "vitest";
import { AuthSkill } from "auth-skill";
import { getMigrations } from "better-auth/db/migration";
import { toDb } from "../../src/better-auth/db.js";
import { rejectsWith } from "../helpers.js";
import { DIALECTS, betterAuthOptions, betterAuthSignin, betterAuthSignup, betterAuthUserOf, cookieOf, cookiePair, stack, type Stack } from "./support.js";

const PASSWORD = "a long passphrase 42";
const DAY = 86_400_000;

function authSkill(s: Stack): AuthSkill {
  return new AuthSkill({ secret: s.secret, storage: s.bridge.storage, rateLimit: false });
}

describe.each(DIALECTS)("one user base: AuthSkill and Better Auth on the same tables (%s)", (dialect) => {
  let s: Stack;
  afterEach(async () => s?.close());

  it("a Better Auth sign-up signs in through AuthSkill, and that signin is a Better Auth session", async () => {
    s = await stack(dialect, { argon2: true });
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const result = await authSkill(s).signin({ email: "ADA@example.com", password: PASSWORD }, { ip: "198.51.100.4", userAgent: "app/1.0" });
    expect(result.user).toMatchObject({ id: ada.userId, email: "ada@example.com", name: "Ada" });
    const cookie = await cookieOf(s, result.sessionId);
    expect(cookie.token).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(cookie.setCookie).toMatch(/^better-auth\.session_token=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/);
    const seen = await s.auth.api.getSession({ headers: new Headers({ cookie: cookiePair(cookie.setCookie) }) });
    expect(seen?.user.id).toBe(ada.userId);
    expect(seen?.session).toMatchObject({ id: result.sessionId, ipAddress: "198.51.100.4", userAgent: "app/1.0" });
    expect((await s.bridge.getSession(new Headers({ cookie: cookiePair(cookie.setCookie) })))?.session.id).toBe(result.sessionId);
    // after a refresh it is the same session, with the same cookie
    const next = await authSkill(s).refresh(result.refreshToken);
    expect(await cookieOf(s, next.sessionId)).toEqual(cookie);
  });

  it("an AuthSkill sign-up signs in through Better Auth (with bridge.passwordHasher), and emails stay unique across both", async () => {
    s = await stack(dialect, { argon2: true });
    const a = authSkill(s);
    const signup = await a.signup({ email: "Grace@Example.com", password: PASSWORD, name: "Grace" });
    const viaBetterAuth = await betterAuthSignin(s, "grace@example.com", PASSWORD);
    expect(viaBetterAuth.userId).toBe(signup.user.id);
    const row = await s.db.selectFrom("account").selectAll().where("userId", "=", signup.user.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ providerId: "credential", accountId: signup.user.id });
    expect(String(row.password)).toMatch(/^\$argon2id\$/);
    // a nameless AuthSkill user is a Better Auth user with an empty name
    const nameless = await a.signup({ email: "noname@example.com", password: PASSWORD });
    expect(nameless.user.name).toBeNull();
    expect((await s.auth.api.getSession({ headers: new Headers({ cookie: cookiePair((await cookieOf(s, nameless.sessionId)).setCookie) }) }))?.user.name).toBe(
      "",
    );
    // one email, one user: each side refuses the other's
    await rejectsWith(a.signup({ email: "grace@example.com", password: PASSWORD }), "USER_EXISTS");
    await betterAuthSignup(s, "ada@example.com", PASSWORD);
    await rejectsWith(a.signup({ email: "ada@example.com", password: PASSWORD }), "USER_EXISTS");
    await expect(s.auth.api.signUpEmail({ body: { email: "grace@example.com", password: PASSWORD, name: "G" } })).rejects.toMatchObject({ statusCode: 422 });
  });

  it("Better Auth signing out ends the AuthSkill session: refresh and revocation checks fail", async () => {
    s = await stack(dialect, { argon2: true });
    await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const a = authSkill(s);
    const result = await a.signin({ email: "ada@example.com", password: PASSWORD });
    await expect(a.verifyAccessToken(result.accessToken, { checkRevocation: true })).resolves.toMatchObject({ sid: result.sessionId });
    await s.auth.api.signOut({ headers: new Headers({ cookie: cookiePair((await cookieOf(s, result.sessionId)).setCookie) }) });
    expect(await s.bridge.cookieFor(result.sessionId)).toBeNull(); // an ended session has no cookie to give
    await rejectsWith(a.refresh(result.refreshToken), "TOKEN_REVOKED");
    await rejectsWith(a.verifyAccessToken(result.accessToken, { checkRevocation: true }), "TOKEN_REVOKED");

    // Better Auth's "sign out everywhere" too
    const second = await a.signin({ email: "ada@example.com", password: PASSWORD });
    const web = await betterAuthSignin(s, "ada@example.com", PASSWORD);
    await s.auth.api.revokeSessions({ headers: new Headers({ cookie: web.cookie }) });
    await rejectsWith(a.refresh(second.refreshToken), "TOKEN_REVOKED");
  });

  it("AuthSkill revoking (one session, all, or on reuse) ends the Better Auth sessions", async () => {
    s = await stack(dialect, { argon2: true });
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const a = authSkill(s);
    const one = await a.signin({ email: "ada@example.com", password: PASSWORD });
    const cookie = cookiePair((await cookieOf(s, one.sessionId)).setCookie);
    expect(await betterAuthUserOf(s, cookie)).toBe(ada.userId);
    await a.revoke(one.refreshToken);
    expect(await betterAuthUserOf(s, cookie)).toBeNull();
    expect(await s.bridge.getSession(new Headers({ cookie }))).toBeNull();

    // revokeAll ends AuthSkill's sessions and Better Auth's own browser sessions
    const two = await a.signin({ email: "ada@example.com", password: PASSWORD });
    const twoCookie = cookiePair((await cookieOf(s, two.sessionId)).setCookie);
    expect(await betterAuthUserOf(s, ada.cookie)).toBe(ada.userId);
    await a.revokeAll(ada.userId);
    expect(await betterAuthUserOf(s, ada.cookie)).toBeNull();
    expect(await betterAuthUserOf(s, twoCookie)).toBeNull();
    await rejectsWith(a.refresh(two.refreshToken), "TOKEN_REVOKED");

    // reuse detection revokes, and the browser cookie of that session dies with it
    const three = await a.signin({ email: "ada@example.com", password: PASSWORD });
    const threeCookie = cookiePair((await cookieOf(s, three.sessionId)).setCookie);
    await a.refresh(three.refreshToken);
    await rejectsWith(a.refresh(three.refreshToken), "REFRESH_TOKEN_REUSED");
    expect(await betterAuthUserOf(s, threeCookie)).toBeNull();
    // revoking by session id works for a Better Auth-only session as well
    const web = await betterAuthSignin(s, "ada@example.com", PASSWORD);
    const webSession = await s.bridge.getSession(new Headers({ cookie: web.cookie }));
    await a.revokeSession(webSession!.session.id);
    expect(await betterAuthUserOf(s, web.cookie)).toBeNull();
  });

  it("a refresh slides Better Auth's expiresAt; once Better Auth's session has expired, refresh fails too", async () => {
    s = await stack(dialect, { argon2: true });
    await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const a = authSkill(s);
    const first = await a.signin({ email: "ada@example.com", password: PASSWORD });
    const firstCookie = cookiePair((await cookieOf(s, first.sessionId)).setCookie);
    const db = { kysely: s.db, dialect, refresh: "" };
    const setExpiry = (at: Date) =>
      s.db
        .updateTable("session")
        .set({ expiresAt: toDb(db, at) })
        .where("id", "=", first.sessionId)
        .execute();
    const expiry = async () => (await s.bridge.getSession(new Headers({ cookie: firstCookie })))?.session.expiresAt.getTime();

    await setExpiry(new Date(Date.now() + 3_600_000)); // one hour left
    const second = await a.refresh(first.refreshToken);
    expect((await expiry())!).toBeGreaterThan(Date.now() + 7 * DAY - 60_000);
    expect(second.refreshTokenExpiresAt.getTime()).toBeGreaterThan(Date.now() + 7 * DAY - 60_000);

    await setExpiry(new Date(Date.now() - 1000));
    await rejectsWith(a.refresh(second.refreshToken), "TOKEN_EXPIRED");
    expect(await betterAuthUserOf(s, firstCookie)).toBeNull();
    expect(await s.bridge.cookieFor(first.sessionId)).toBeNull(); // expired: no cookie to give
  });

  it("migrate() never alters Better Auth's schema: Better Auth finds nothing to migrate afterwards", async () => {
    s = await stack(dialect, { usernames: true, argon2: true });
    await s.bridge.migrate(); // idempotent
    const { toBeCreated, toBeAdded } = await getMigrations(
      betterAuthOptions({ dialect, db: s.db, close: async () => {} }, s.secret, { usernames: true, argon2: true }, s.bridge),
    );
    expect(toBeCreated).toEqual([]);
    expect(toBeAdded).toEqual([]);
    // and usernames round-trip through the username plugin's column
    const a = authSkill(s);
    const signup = await a.signup({ email: "ada@example.com", username: "ada_l", password: PASSWORD });
    await expect(a.signin({ username: "ADA_L", password: PASSWORD })).resolves.toMatchObject({ user: { id: signup.user.id } });
    const viaPlugin = await (s.auth.api as unknown as SignInUsername).signInUsername({ body: { username: "ada_l", password: PASSWORD } });
    expect(viaPlugin?.user.id).toBe(signup.user.id);
  });
});

/** The username plugin's endpoint (not in the statically inferred API of a plugin list chosen at runtime). */
interface SignInUsername {
  signInUsername(input: { body: { username: string; password: string } }): Promise<{ user: { id: string } } | null>;
}
