// auth.startSession(userId, context?, options?): a session for a user the caller authenticated another way. The same
// gates as every new session (ban, email verification under the storage's policy, a pending second factor), an
// unknown user is INVALID_INPUT, misuse is a TypeError. A real memoryStorage; the layer below stands for another
// system that bans users, puts them behind a second factor or marks them (un)verified.
import { describe, expect, it } from "vitest";
import { AuthSkill, memoryStorage, type StorageAdapter, type UserRecord } from "../../src/index.js";
import { SECRET, makeAuth, manualClock, rejectsWith } from "../helpers.js";

const PASSWORD = "quiet mountain lakes at dawn";
const DAY = 86_400_000;
type Flags = Partial<Pick<UserRecord, "disabledUntil" | "twoFactorEnabled" | "emailVerified">>;

/** Ada signed up; `set` changes her record as another system would; `requireEmailVerification` is the storage's policy. */
async function setup(requireEmailVerification = false) {
  const base = memoryStorage();
  const flags = new Map<string, Flags>();
  const lookups: string[] = [];
  const policy = { requireEmailVerification: false };
  const withFlags = (u: UserRecord | null) => (u ? { ...u, ...flags.get(u.id) } : null);
  const storage: StorageAdapter = {
    ...base,
    findUserById: async (id) => (lookups.push(id), withFlags(await base.findUserById(id))),
    findUserByEmail: async (email) => withFlags(await base.findUserByEmail(email)),
    policy,
  };
  const clock = manualClock();
  const { user } = await makeAuth({ storage, now: clock.now, rateLimit: false }).signup({ email: "ada@example.com", password: PASSWORD });
  // the storage declares the rule, and the instance must say the same (else CONFIG_ERROR)
  policy.requireEmailVerification = requireEmailVerification;
  const auth = new AuthSkill({ secret: SECRET, storage, now: clock.now, rateLimit: false, requireEmailVerification });
  const set = (f: Flags) => flags.set(user.id, { ...flags.get(user.id), ...f });
  return { auth, storage, clock, userId: user.id, set, lookups };
}

describe("startSession", () => {
  it("starts a new session whose tokens verify, refresh and revoke like a signin's", async () => {
    const { auth, userId, clock } = await setup();
    const result = await auth.startSession(userId, { ip: "198.51.100.7", userAgent: "app/1.0" });
    expect(result.user).toMatchObject({ id: userId, email: "ada@example.com" });
    expect(result.tokenType).toBe("Bearer");
    expect(result.refreshTokenExpiresAt.getTime()).toBe(clock.now().getTime() + 30 * DAY);
    await expect(auth.verifyAccessToken(result.accessToken, { checkRevocation: true })).resolves.toMatchObject({ sub: userId, sid: result.sessionId });
    const next = await auth.refresh(result.refreshToken);
    expect(next.sessionId).toBe(result.sessionId);
    const other = await auth.startSession(userId);
    expect(other.sessionId).not.toBe(result.sessionId);
    await rejectsWith(auth.refresh(result.refreshToken), "REFRESH_TOKEN_REUSED");
    await expect(auth.refresh(other.refreshToken)).resolves.toMatchObject({ sessionId: other.sessionId }); // its own device
  });

  it("records the context, and `ttl` sets this session's absolute lifetime", async () => {
    const { auth, storage, userId, clock } = await setup();
    const short = await auth.startSession(userId, { ip: "198.51.100.7", userAgent: "app/1.0" }, { ttl: "1h" });
    expect(short.refreshTokenExpiresAt.getTime()).toBe(clock.now().getTime() + 3_600_000);
    expect(await storage.findSession(short.sessionId)).toMatchObject({ ipAddress: "198.51.100.7", userAgent: "app/1.0" });
    clock.advance(3_600_001);
    await rejectsWith(auth.refresh(short.refreshToken), "TOKEN_EXPIRED");
  });

  it("a disabled account: ACCOUNT_DISABLED, with or without secondFactorVerified, and no session written", async () => {
    const { auth, storage, userId, set, clock } = await setup();
    const createSession = storage.createSession;
    let written = 0;
    storage.createSession = (s) => (written++, createSession(s));
    set({ disabledUntil: new Date(clock.now().getTime() + DAY) });
    const err = await rejectsWith(auth.startSession(userId), "ACCOUNT_DISABLED");
    expect(err.status).toBe(403);
    await rejectsWith(auth.startSession(userId, {}, { secondFactorVerified: true }), "ACCOUNT_DISABLED");
    set({ twoFactorEnabled: true }); // the ban is answered first
    await rejectsWith(auth.startSession(userId), "ACCOUNT_DISABLED");
    expect(written).toBe(0);
    clock.advance(DAY + 1);
    set({ twoFactorEnabled: false });
    await expect(auth.startSession(userId)).resolves.toMatchObject({ user: { id: userId } });
  });

  it("an unverified email where the storage's policy requires verification: EMAIL_NOT_VERIFIED", async () => {
    const { auth, userId, set } = await setup(true);
    await rejectsWith(auth.startSession(userId), "EMAIL_NOT_VERIFIED");
    await rejectsWith(auth.startSession(userId, {}, { secondFactorVerified: true }), "EMAIL_NOT_VERIFIED");
    set({ emailVerified: true });
    await expect(auth.startSession(userId)).resolves.toMatchObject({ user: { id: userId, emailVerified: true } });
  });

  it("a user with a second factor: MFA_REQUIRED unless the caller says it checked the factor", async () => {
    const { auth, userId, set } = await setup();
    set({ twoFactorEnabled: true });
    const err = await rejectsWith(auth.startSession(userId), "MFA_REQUIRED");
    expect(err.status).toBe(403);
    await rejectsWith(auth.startSession(userId, {}, { secondFactorVerified: false }), "MFA_REQUIRED");
    await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "MFA_REQUIRED"); // as a password signin
    const result = await auth.startSession(userId, {}, { secondFactorVerified: true });
    await expect(auth.refresh(result.refreshToken)).resolves.toMatchObject({ user: { id: userId } });
  });

  it("an unknown user is INVALID_INPUT on userId; an absurdly long id is not looked up", async () => {
    const { auth, lookups } = await setup();
    const err = await rejectsWith(auth.startSession("no-such-user"), "INVALID_INPUT");
    expect(err.field).toBe("userId");
    expect(err.status).toBe(400);
    lookups.length = 0;
    await rejectsWith(auth.startSession("x".repeat(100_000)), "INVALID_INPUT");
    expect(lookups).toEqual([]);
  });

  it("misuse is a TypeError: a userId that is not a non-empty string, bad context or options, a bad ttl", async () => {
    const { auth, userId } = await setup();
    for (const bad of [undefined, null, 42, "", {}, ["id"]]) {
      await expect(auth.startSession(bad as never)).rejects.toThrow(TypeError);
    }
    await expect(auth.startSession(userId, null as never)).rejects.toThrow(TypeError);
    await expect(auth.startSession(userId, "198.51.100.7" as never)).rejects.toThrow(TypeError);
    await expect(auth.startSession(userId, {}, null as never)).rejects.toThrow(TypeError);
    await expect(auth.startSession(userId, {}, { secondFactorVerified: "true" as never })).rejects.toThrow(TypeError);
    for (const ttl of [0, -1, "forever", Number.POSITIVE_INFINITY, "401d"]) {
      await expect(auth.startSession(userId, {}, { ttl })).rejects.toThrow(TypeError);
    }
  });
});
