// Account gates in the core: a user base whose records carry `disabledUntil` / `twoFactorEnabled`, or whose storage
// declares `policy.requireEmailVerification`, is honoured by signin (once the password is right) and by refresh.
// A real memoryStorage; the "shared user base" layer below stands for another system writing those fields.
import { describe, expect, it } from "vitest";
import { AuthSkill, memoryStorage, type StorageAdapter, type UserRecord } from "../../src/index.js";
import { isDisabled, signinGate } from "../../src/account/gates.js";
import { SECRET, makeAuth, manualClock, rejectsWith, throwsWith } from "../helpers.js";

const PASSWORD = "quiet mountain lakes at dawn";
const FOREVER = new Date(8.64e15);
type Flags = Partial<Pick<UserRecord, "disabledUntil" | "twoFactorEnabled" | "emailVerified">>;

/** memoryStorage whose users another system can ban, put behind a second factor, or mark (un)verified. */
function sharedUserBase(policy?: { requireEmailVerification: boolean }) {
  const base = memoryStorage();
  const flags = new Map<string, Flags>();
  const withFlags = (u: UserRecord | null) => (u ? { ...u, ...flags.get(u.id) } : null);
  const storage: StorageAdapter = {
    ...base,
    findUserById: async (id) => withFlags(await base.findUserById(id)),
    findUserByEmail: async (email) => withFlags(await base.findUserByEmail(email)),
    findUserByUsername: async (username) => withFlags(await base.findUserByUsername(username)),
    ...(policy ? { policy } : {}),
  };
  return { storage, set: (id: string, f: Flags) => flags.set(id, { ...flags.get(id), ...f }) };
}

/** Ada signed up (and holding a session) before the user base's rules are set. */
async function setup(rules?: { requireEmailVerification: boolean }) {
  const clock = manualClock();
  const policy = { requireEmailVerification: false };
  const shared = sharedUserBase(rules ? policy : undefined);
  const { user, refreshToken } = await makeAuth({ storage: shared.storage, now: clock.now, rateLimit: false }).signup({
    email: "ada@example.com",
    password: PASSWORD,
  });
  // the storage declares the rule, and the instance says the same (else CONFIG_ERROR)
  const required = rules?.requireEmailVerification === true;
  policy.requireEmailVerification = required;
  const auth = new AuthSkill({ secret: SECRET, storage: shared.storage, now: clock.now, rateLimit: false, requireEmailVerification: required });
  return { ...shared, auth, clock, userId: user.id, refreshToken };
}

describe("account gates on signin", () => {
  it("a disabled account is refused with ACCOUNT_DISABLED once the password is right, INVALID_CREDENTIALS before", async () => {
    const { auth, set, userId, clock } = await setup();
    set(userId, { disabledUntil: new Date(clock.now().getTime() + 3_600_000) });
    const err = await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "ACCOUNT_DISABLED");
    expect(err.status).toBe(403);
    expect(JSON.stringify(err.toJSON())).not.toMatch(/ada@|quiet|mountain/);
    await rejectsWith(auth.signin({ email: "ada@example.com", password: "wrong password entirely" }), "INVALID_CREDENTIALS");
    // until the instant has passed; then it signs in
    clock.advance(3_600_000);
    await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "ACCOUNT_DISABLED");
    clock.advance(1);
    await expect(auth.signin({ email: "ada@example.com", password: PASSWORD })).resolves.toMatchObject({ user: { id: userId } });
  });

  it("a permanent ban, and an invalid disabledUntil, stay disabled (fails closed)", async () => {
    const { auth, set, userId, clock } = await setup();
    set(userId, { disabledUntil: FOREVER });
    clock.advance(100 * 365 * 86_400_000);
    await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "ACCOUNT_DISABLED");
    set(userId, { disabledUntil: new Date(Number.NaN) });
    await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "ACCOUNT_DISABLED");
    set(userId, { disabledUntil: null });
    await expect(auth.signin({ email: "ada@example.com", password: PASSWORD })).resolves.toBeDefined();
  });

  it("a disabledUntil that is no Date (a string or a number an adapter stored as is) counts as disabled, not as a crash", async () => {
    const { auth, set, userId } = await setup();
    for (const junk of ["2000-01-01T00:00:00Z", 946_684_800_000, {}]) {
      set(userId, { disabledUntil: junk as unknown as Date });
      await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "ACCOUNT_DISABLED");
    }
  });

  it("each gate answers with its own fixed message, which names no reason, date or address", async () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const messages = [
      throwsWith(() => signinGate({ emailVerified: true, disabledUntil: new Date("2026-02-03T00:00:00Z") }, now, false), "ACCOUNT_DISABLED"),
      throwsWith(() => signinGate({ emailVerified: false }, now, true), "EMAIL_NOT_VERIFIED"),
      throwsWith(() => signinGate({ emailVerified: true, twoFactorEnabled: true }, now, false), "MFA_REQUIRED"),
    ].map((e) => e.message);
    expect(messages).toEqual([
      "This account has been disabled. Contact support if you think this is a mistake.",
      "Verify your email address before signing in.",
      "A second factor is required to sign in to this account.",
    ]);
  });

  it("an account with a second factor is refused with MFA_REQUIRED; without one it signs in", async () => {
    const { auth, set, userId } = await setup();
    set(userId, { twoFactorEnabled: true });
    expect((await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "MFA_REQUIRED")).status).toBe(403);
    await rejectsWith(auth.signin({ email: "ada@example.com", password: "wrong password entirely" }), "INVALID_CREDENTIALS");
    set(userId, { twoFactorEnabled: false });
    await expect(auth.signin({ email: "ada@example.com", password: PASSWORD })).resolves.toBeDefined();
  });

  it("an unverified email is refused with EMAIL_NOT_VERIFIED only where the storage's policy requires verification", async () => {
    const strict = await setup({ requireEmailVerification: true });
    expect((await rejectsWith(strict.auth.signin({ email: "ada@example.com", password: PASSWORD }), "EMAIL_NOT_VERIFIED")).status).toBe(403);
    await rejectsWith(strict.auth.signin({ email: "ada@example.com", password: "wrong password entirely" }), "INVALID_CREDENTIALS");
    await strict.storage.updateUser(strict.userId, { emailVerified: true });
    await expect(strict.auth.signin({ email: "ada@example.com", password: PASSWORD })).resolves.toBeDefined();
    const lax = await setup();
    await expect(lax.auth.signin({ email: "ada@example.com", password: PASSWORD })).resolves.toMatchObject({ user: { emailVerified: false } });
  });

  it("signup under requireEmailVerification creates the user but no session: it resolves { user }", async () => {
    const shared = sharedUserBase({ requireEmailVerification: true });
    const auth = new AuthSkill({ secret: SECRET, storage: shared.storage, rateLimit: false, requireEmailVerification: true });
    const result = await auth.signup({ email: "grace@example.com", password: PASSWORD });
    expect(Object.keys(result)).toEqual(["user"]);
    expect(result.user).toMatchObject({ email: "grace@example.com", emailVerified: false });
    const grace = await shared.storage.findUserByEmail("grace@example.com");
    expect(grace).toMatchObject({ emailVerified: false });
    await rejectsWith(auth.signin({ email: "grace@example.com", password: PASSWORD }), "EMAIL_NOT_VERIFIED");
    await shared.storage.updateUser(grace!.id, { emailVerified: true });
    await expect(auth.signin({ email: "grace@example.com", password: PASSWORD })).resolves.toMatchObject({ user: { id: grace!.id } });
  });

  it("a ban wins over the other gates; unknown fields leave a plain user base unaffected", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const everything = { emailVerified: false, disabledUntil: FOREVER, twoFactorEnabled: true };
    throwsWith(() => signinGate(everything, now, true), "ACCOUNT_DISABLED");
    throwsWith(() => signinGate({ ...everything, disabledUntil: null }, now, true), "EMAIL_NOT_VERIFIED");
    expect(() => signinGate({ emailVerified: false }, now, false)).not.toThrow();
    expect(isDisabled({ emailVerified: true, disabledUntil: now }, new Date(Number.NaN))).toBe(true); // a garbage clock fails closed
  });
});

describe("account gates run once per path", () => {
  /** A user base whose records count how often a gate reads `twoFactorEnabled` (only the gates read it). */
  function countingUserBase() {
    const base = memoryStorage();
    let reads = 0;
    const counted = (u: UserRecord | null): UserRecord | null =>
      u && Object.defineProperty({ ...u }, "twoFactorEnabled", { enumerable: true, get: () => (reads++, false) });
    const storage: StorageAdapter = {
      ...base,
      findUserById: async (id) => counted(await base.findUserById(id)),
      findUserByEmail: async (email) => counted(await base.findUserByEmail(email)),
      createUser: async (user) => {
        const created = await base.createUser(user);
        return created.ok ? { ok: true, user: counted(created.user)! } : created;
      },
    };
    return { storage, reads: () => reads };
  }

  it("signup, signin and startSession each read the second-factor gate exactly once", async () => {
    const counted = countingUserBase();
    const auth = makeAuth({ storage: counted.storage, rateLimit: false });
    const { user } = await auth.signup({ email: "ada@example.com", password: PASSWORD });
    expect(counted.reads()).toBe(1);
    await auth.signin({ email: "ada@example.com", password: PASSWORD });
    expect(counted.reads()).toBe(2);
    await auth.startSession(user.id);
    expect(counted.reads()).toBe(3);
  });
});

describe("account gates on refresh", () => {
  it("a disabled account's refresh is refused with ACCOUNT_DISABLED and its session revoked", async () => {
    const { auth, set, userId, refreshToken, clock } = await setup();
    const next = await auth.refresh(refreshToken);
    set(userId, { disabledUntil: new Date(clock.now().getTime() + 60_000) });
    await rejectsWith(auth.refresh(next.refreshToken), "ACCOUNT_DISABLED");
    await rejectsWith(auth.verifyAccessToken(next.accessToken, { checkRevocation: true }), "TOKEN_REVOKED");
    // the session stays ended after the ban has expired; a new signin works
    clock.advance(60_001);
    await rejectsWith(auth.refresh(next.refreshToken), "TOKEN_REVOKED");
    await expect(auth.signin({ email: "ada@example.com", password: PASSWORD })).resolves.toBeDefined();
  });

  it("a second factor or an unverified email turned on later does not end a session already granted", async () => {
    const { auth, set, userId, refreshToken } = await setup({ requireEmailVerification: true });
    set(userId, { twoFactorEnabled: true });
    const next = await auth.refresh(refreshToken);
    await expect(auth.refresh(next.refreshToken)).resolves.toMatchObject({ user: { id: userId } });
  });
});
