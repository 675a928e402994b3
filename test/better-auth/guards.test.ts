// The bridge is never a way around Better Auth's own guards. With the real Better Auth (admin and
// twoFactor plugins, requireEmailVerification), every bridge path to a session or tokens — AuthSkill's signin,
// signup and refresh on bridge.storage, issueTokens, createSession — refuses whom Better Auth refuses, once the
// password is right, and answers INVALID_CREDENTIALS (nothing more) when it is wrong.
import { afterEach, describe, expect, it, vi } from "vitest";
import { AuthSkill, type AuthResult, type EmailMessage, type PendingVerification } from "auth-skill";
import { admin, twoFactor } from "better-auth/plugins";
import { boolToDb, toDb, type Db } from "../../src/better-auth/db.js";
import { rejectsWith } from "../helpers.js";
import { DIALECTS, betterAuthSignup, betterAuthUserOf, cookieOf, cookiePair, sessionCookieFrom, stack, type Stack, type StackOptions } from "./support.js";

const PASSWORD = "a long passphrase 42";
const WRONG = "not the passphrase 42";
const ADA = "ada@example.com";
const plugins = () => [admin(), twoFactor({ skipVerificationOnEnable: true })];

/** The admin and twoFactor endpoints (Stack's Better Auth is typed without its plugins). */
interface PluginApi {
  banUser(input: { body: { userId: string; banExpiresIn?: number }; headers: Headers }): Promise<unknown>;
  unbanUser(input: { body: { userId: string }; headers: Headers }): Promise<unknown>;
  enableTwoFactor(input: { body: { password: string }; headers: Headers; returnHeaders: true }): Promise<{ headers: Headers }>;
}
const api = (s: Stack) => s.auth.api as unknown as PluginApi & Stack["auth"]["api"];

/** AuthSkill on the bridge's storage, with Better Auth's requireEmailVerification as the bridge declares it. */
function authSkill(s: Stack, now?: () => Date, outbox?: EmailMessage[]): AuthSkill<AuthResult | PendingVerification> {
  return new AuthSkill({
    secret: s.secret,
    storage: s.bridge.storage,
    rateLimit: false,
    requireEmailVerification: s.bridge.storage.policy?.requireEmailVerification === true,
    ...(now ? { now } : {}),
    ...(outbox ? { email: { send: (m: EmailMessage) => void outbox.push(m) } } : {}),
  });
}

const db = (s: Stack): Db => ({ kysely: s.db, dialect: s.dialect, refresh: "authSkillRefresh" });
const setUser = (s: Stack, id: string, values: Record<string, unknown>) => s.db.updateTable("user").set(values).where("id", "=", id).execute();
const sessionCount = async (s: Stack, userId: string) => (await s.db.selectFrom("session").select("id").where("userId", "=", userId).execute()).length;

/** An admin's session cookie (the admin plugin's role, set as an operator would). */
async function adminHeaders(s: Stack): Promise<Headers> {
  const root = await betterAuthSignup(s, "root@example.com", PASSWORD, "Root");
  await setUser(s, root.userId, { role: "admin" });
  return new Headers({ cookie: root.cookie });
}

async function betterAuthSigninFails(s: Stack, email: string, code: string): Promise<void> {
  await expect(s.auth.api.signInEmail({ body: { email, password: PASSWORD } })).rejects.toMatchObject({ statusCode: 403, body: { code } });
}

describe.each(DIALECTS)("the bridge keeps Better Auth's guards (%s)", (dialect) => {
  let s: Stack;
  afterEach(async () => s?.close());
  const open = (o: StackOptions = {}) => stack(dialect, { argon2: true, plugins: plugins(), ...o }).then((x) => (s = x));

  it("a user the admin plugin banned: ACCOUNT_DISABLED once the password is right; their tokens stop refreshing", async () => {
    await open();
    const ada = await betterAuthSignup(s, ADA, PASSWORD);
    const a = authSkill(s);
    const before = await a.signin({ email: ADA, password: PASSWORD });
    const root = await adminHeaders(s);
    await api(s).banUser({ body: { userId: ada.userId }, headers: root });
    await betterAuthSigninFails(s, ADA, "BANNED_USER");
    const err = await rejectsWith(a.signin({ email: ADA, password: PASSWORD }), "ACCOUNT_DISABLED");
    expect(err.status).toBe(403);
    expect(JSON.stringify(err.toJSON())).not.toMatch(/ada@|passphrase/);
    await rejectsWith(a.signin({ email: ADA, password: WRONG }), "INVALID_CREDENTIALS");
    // the ban deleted every Better Auth session: AuthSkill's families end with them
    await rejectsWith(a.refresh(before.refreshToken), "TOKEN_REVOKED");
    await rejectsWith(a.verifyAccessToken(before.accessToken, { checkRevocation: true }), "TOKEN_REVOKED");
    await rejectsWith(s.bridge.issueTokens(a, new Headers({ cookie: ada.cookie })), "TOKEN_INVALID");
    await rejectsWith(s.bridge.createSession(ada.userId), "ACCOUNT_DISABLED");
    await rejectsWith(s.bridge.createSession(ada.userId, {}, { secondFactorVerified: true }), "ACCOUNT_DISABLED");
    expect(await sessionCount(s, ada.userId)).toBe(0);
    await api(s).unbanUser({ body: { userId: ada.userId }, headers: root });
    await expect(a.signin({ email: ADA, password: PASSWORD })).resolves.toMatchObject({ user: { id: ada.userId } });
  });

  it("a temporary ban holds until banExpires has passed, then the user signs in on both sides", async () => {
    await open();
    const ada = await betterAuthSignup(s, ADA, PASSWORD);
    await api(s).banUser({ body: { userId: ada.userId, banExpiresIn: 3600 }, headers: await adminHeaders(s) });
    await betterAuthSigninFails(s, ADA, "BANNED_USER");
    await rejectsWith(authSkill(s).signin({ email: ADA, password: PASSWORD }), "ACCOUNT_DISABLED");
    // an AuthSkill whose clock is past banExpires lets her in
    await expect(authSkill(s, () => new Date(Date.now() + 7_200_000)).signin({ email: ADA, password: PASSWORD })).resolves.toBeDefined();
    // a ban whose banExpires is past: both Better Auth and AuthSkill sign her in
    await setUser(s, ada.userId, { banExpires: toDb(db(s), new Date(Date.now() - 60_000)) });
    await expect(authSkill(s).signin({ email: ADA, password: PASSWORD })).resolves.toMatchObject({ user: { id: ada.userId } });
    await expect(s.auth.api.signInEmail({ body: { email: ADA, password: PASSWORD } })).resolves.toMatchObject({ user: { id: ada.userId } });
  });

  it("a ban written without deleting sessions: refresh ends the session, issueTokens refuses, getSession is Better Auth's", async () => {
    await open();
    const ada = await betterAuthSignup(s, ADA, PASSWORD);
    const a = authSkill(s);
    const before = await a.signin({ email: ADA, password: PASSWORD });
    const beforeCookie = cookiePair((await cookieOf(s, before.sessionId)).setCookie);
    await setUser(s, ada.userId, { banned: boolToDb(db(s), true), banExpires: null });
    // Better Auth's getSession does not check bans (banUser deletes the sessions instead); the bridge's matches
    expect(await betterAuthUserOf(s, ada.cookie)).toBe(ada.userId);
    const current = await s.bridge.getSession(new Headers({ cookie: ada.cookie }));
    expect(current?.user).toMatchObject({ id: ada.userId, banned: true, banExpires: null, twoFactorEnabled: false });
    const sessions = await sessionCount(s, ada.userId);
    await rejectsWith(s.bridge.issueTokens(a, new Headers({ cookie: ada.cookie })), "ACCOUNT_DISABLED");
    await rejectsWith(s.bridge.issueTokens(a, current!), "ACCOUNT_DISABLED");
    expect(await sessionCount(s, ada.userId)).toBe(sessions);
    const families = await s.db.selectFrom("authSkillRefresh").select("sessionId").where("userId", "=", ada.userId).execute();
    expect(families.map((f) => f.sessionId)).toEqual([before.sessionId]); // refused before anything was written
    // nor does it become a Better Auth cookie, nor a new session through startSession
    await rejectsWith(s.bridge.cookieFor(before.sessionId), "ACCOUNT_DISABLED");
    await rejectsWith(a.startSession(ada.userId, {}, { secondFactorVerified: true }), "ACCOUNT_DISABLED");
    await rejectsWith(a.refresh(before.refreshToken), "ACCOUNT_DISABLED");
    await rejectsWith(a.refresh(before.refreshToken), "TOKEN_REVOKED");
    expect(await betterAuthUserOf(s, beforeCookie)).toBeNull();
  });

  it("a user with two-factor on: Better Auth asks for the second factor, AuthSkill answers MFA_REQUIRED", async () => {
    await open();
    const ada = await betterAuthSignup(s, ADA, PASSWORD);
    const a = authSkill(s);
    const before = await a.signin({ email: ADA, password: PASSWORD });
    const enabled = await api(s).enableTwoFactor({ body: { password: PASSWORD }, headers: new Headers({ cookie: ada.cookie }), returnHeaders: true });
    const web = sessionCookieFrom(enabled.headers); // Better Auth's fully signed-in session after enabling
    expect(await s.auth.api.signInEmail({ body: { email: ADA, password: PASSWORD } })).toMatchObject({ twoFactorRedirect: true });
    expect((await rejectsWith(a.signin({ email: ADA, password: PASSWORD }), "MFA_REQUIRED")).status).toBe(403);
    await rejectsWith(a.signin({ email: ADA, password: WRONG }), "INVALID_CREDENTIALS");
    await rejectsWith(s.bridge.createSession(ada.userId), "MFA_REQUIRED");
    await expect(s.bridge.createSession(ada.userId, {}, { secondFactorVerified: true })).resolves.toMatchObject({ session: { userId: ada.userId } });
    // AuthSkill's startSession on bridge.storage sees the same flag, with the same option
    await rejectsWith(a.startSession(ada.userId), "MFA_REQUIRED");
    await expect(a.startSession(ada.userId, {}, { secondFactorVerified: true })).resolves.toMatchObject({ user: { id: ada.userId } });
    // sessions granted before (AuthSkill's) or after the second factor (Better Auth's) carry on
    await expect(a.refresh(before.refreshToken)).resolves.toMatchObject({ user: { id: ada.userId } });
    const issued = await s.bridge.issueTokens(a, new Headers({ cookie: web }));
    await expect(a.refresh(issued.refreshToken)).resolves.toMatchObject({ user: { id: ada.userId } });
  });

  it("requireEmailVerification: an unverified user gets no session from signin, signup or createSession", async () => {
    await open({ betterAuth: { emailAndPassword: { enabled: true, requireEmailVerification: true } }, bridge: { requireEmailVerification: true } });
    const { user } = await s.auth.api.signUpEmail({ body: { email: ADA, password: PASSWORD, name: "Ada" } });
    await betterAuthSigninFails(s, ADA, "EMAIL_NOT_VERIFIED");
    const a = authSkill(s);
    expect((await rejectsWith(a.signin({ email: ADA, password: PASSWORD }), "EMAIL_NOT_VERIFIED")).status).toBe(403);
    await rejectsWith(a.signin({ email: ADA, password: WRONG }), "INVALID_CREDENTIALS");
    await rejectsWith(s.bridge.createSession(user.id), "EMAIL_NOT_VERIFIED");
    await rejectsWith(a.startSession(user.id), "EMAIL_NOT_VERIFIED");
    // signup leaves Grace signed out until she verifies (no email option here: nothing is sent)
    await expect(a.signup({ email: "grace@example.com", password: PASSWORD })).resolves.toEqual({
      user: expect.objectContaining({ email: "grace@example.com", emailVerified: false }),
    });
    const grace = await s.db.selectFrom("user").select("id").where("email", "=", "grace@example.com").executeTakeFirstOrThrow();
    expect(await sessionCount(s, grace.id)).toBe(0);
    expect(await sessionCount(s, user.id)).toBe(0);
    // once verified (as Better Auth's verify-email does), both sides sign her in
    await setUser(s, user.id, { emailVerified: boolToDb(db(s), true) });
    await expect(a.signin({ email: ADA, password: PASSWORD })).resolves.toMatchObject({ user: { id: user.id, emailVerified: true } });
    await expect(s.auth.api.signInEmail({ body: { email: ADA, password: PASSWORD } })).resolves.toMatchObject({ user: { id: user.id } });
  });

  it("the storage's rule must be the instance's: CONFIG_ERROR without requireEmailVerification: true", async () => {
    await open({ bridge: { requireEmailVerification: true } });
    expect(() => new AuthSkill({ secret: s.secret, storage: s.bridge.storage })).toThrow(expect.objectContaining({ code: "CONFIG_ERROR" }));
    expect(() => new AuthSkill({ secret: s.secret, storage: s.bridge.storage, requireEmailVerification: false })).toThrow(
      expect.objectContaining({ code: "CONFIG_ERROR" }),
    );
  });

  it("a password reset through AuthSkill ends the user's Better Auth sessions; verifyEmail is Better Auth's emailVerified", async () => {
    await open();
    const ada = await betterAuthSignup(s, ADA, PASSWORD);
    const outbox: EmailMessage[] = [];
    const a = authSkill(s, undefined, outbox);
    await a.requestEmailVerification(ada.userId);
    await vi.waitFor(() => expect(outbox).toHaveLength(1));
    await a.verifyEmail({ token: outbox[0]!.token! });
    const verified = await s.auth.api.getSession({ headers: new Headers({ cookie: ada.cookie }) });
    expect(verified?.user.emailVerified).toBe(true);
    await a.requestPasswordReset({ email: ADA });
    await vi.waitFor(() => expect(outbox).toHaveLength(2));
    await a.resetPassword({ token: outbox[1]!.token!, password: "a new long passphrase 43" });
    expect(await s.auth.api.getSession({ headers: new Headers({ cookie: ada.cookie }) })).toBeNull();
    expect(await sessionCount(s, ada.userId)).toBe(0);
    await expect(s.auth.api.signInEmail({ body: { email: ADA, password: "a new long passphrase 43" } })).resolves.toMatchObject({ user: { id: ada.userId } });
    await rejectsWith(a.signin({ email: ADA, password: PASSWORD }), "INVALID_CREDENTIALS");
  });

  it("requireEmailVerification: issueTokens, a new session, refuses an unverified user's Better Auth session", async () => {
    // Better Auth without the rule (so its sign-up signs Ada in), the bridge with it
    await open({ bridge: { requireEmailVerification: true } });
    const ada = await betterAuthSignup(s, ADA, PASSWORD);
    const a = authSkill(s);
    const before = await sessionCount(s, ada.userId);
    await rejectsWith(s.bridge.issueTokens(a, new Headers({ cookie: ada.cookie })), "EMAIL_NOT_VERIFIED");
    expect(await sessionCount(s, ada.userId)).toBe(before);
    expect(await s.db.selectFrom("authSkillRefresh").select("sessionId").where("userId", "=", ada.userId).execute()).toEqual([]);
    await setUser(s, ada.userId, { emailVerified: boolToDb(db(s), true) });
    await expect(s.bridge.issueTokens(a, new Headers({ cookie: ada.cookie }))).resolves.toMatchObject({ user: { id: ada.userId } });
  });

  it("without the plugins (no such columns) and without the option, everything works as before", async () => {
    s = await stack(dialect);
    const ada = await betterAuthSignup(s, ADA, PASSWORD);
    const record = await s.bridge.storage.findUserByEmail(ADA);
    expect(record).not.toHaveProperty("disabledUntil");
    expect(record).not.toHaveProperty("twoFactorEnabled");
    expect(s.bridge.storage.policy).toEqual({ requireEmailVerification: false });
    const a = authSkill(s);
    const first = await a.signin({ email: ADA, password: PASSWORD }); // unverified: fine without the option
    await expect(a.refresh(first.refreshToken)).resolves.toMatchObject({ user: { id: ada.userId } });
    const current = await s.bridge.getSession(new Headers({ cookie: ada.cookie }));
    expect(Object.keys(current!.user).sort()).toEqual(["createdAt", "email", "emailVerified", "id", "image", "name", "updatedAt"]);
    await expect(s.bridge.issueTokens(a, current!)).resolves.toMatchObject({ user: { id: ada.userId } });
    await expect(s.bridge.createSession(ada.userId)).resolves.toMatchObject({ session: { userId: ada.userId } });
  });
});
