// "Remember me": signin/signup take `rememberMe` in their context, startSession in its options. `false` caps the
// session's absolute lifetime at refreshToken.shortTtl (default one day), stores the choice with the session
// (SessionRecord.persistent) and reports it as AuthResult.rememberMe through every refresh, which never extends
// it. The default (true) keeps today's lifetimes. A manual clock, a real memoryStorage, real argon2.
import { describe, expect, it } from "vitest";
import { AuthSkill, memoryStorage, type AuthSkillOptions, type StorageAdapter } from "../../src/index.js";
import { SECRET, manualClock, rejectsWith } from "../helpers.js";

const PASSWORD = "quiet mountain lakes at dawn";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const EMAIL = "ada@example.com";

function setup(options: AuthSkillOptions & { requireEmailVerification?: false | undefined; totp?: undefined } = {}) {
  const storage: StorageAdapter = memoryStorage();
  const clock = manualClock();
  const auth = new AuthSkill({ secret: SECRET, storage, now: clock.now, rateLimit: false, ...options });
  const t0 = clock.now().getTime();
  return { storage, clock, auth, t0 };
}

describe("remember me", () => {
  it("by default (true) a session keeps today's lifetimes: 30 days, stored as persistent", async () => {
    const { storage, auth, clock, t0 } = setup();
    await auth.signup({ email: EMAIL, password: PASSWORD });
    for (const result of [
      await auth.signin({ email: EMAIL, password: PASSWORD }),
      await auth.signin({ email: EMAIL, password: PASSWORD }, { rememberMe: true }),
    ]) {
      expect(result.rememberMe).toBe(true);
      expect(result.refreshTokenExpiresAt).toEqual(new Date(t0 + 30 * DAY));
      expect((await storage.findSession(result.sessionId))?.persistent).toBe(true);
    }
    const s = await auth.signin({ email: EMAIL, password: PASSWORD });
    clock.advance(2 * DAY); // well past the short lifetime
    await expect(auth.refresh(s.refreshToken)).resolves.toMatchObject({ rememberMe: true, refreshTokenExpiresAt: new Date(t0 + 30 * DAY) });
  });

  it("rememberMe: false on signin lives one day from signin; refreshes keep false and never extend it", async () => {
    const { storage, auth, clock, t0 } = setup();
    await auth.signup({ email: EMAIL, password: PASSWORD });
    const first = await auth.signin({ email: EMAIL, password: PASSWORD }, { ip: "203.0.113.7", rememberMe: false });
    expect(first.rememberMe).toBe(false);
    expect(first.refreshTokenExpiresAt).toEqual(new Date(t0 + DAY));
    expect(await storage.findSession(first.sessionId)).toMatchObject({ persistent: false, expiresAt: new Date(t0 + DAY), ipAddress: "203.0.113.7" });

    let current = first;
    for (let i = 0; i < 3; i++) {
      clock.advance(7 * HOUR);
      current = await auth.refresh(current.refreshToken);
      expect(current).toMatchObject({ sessionId: first.sessionId, rememberMe: false, refreshTokenExpiresAt: new Date(t0 + DAY) });
    }
    expect((await storage.findSession(first.sessionId))?.persistent).toBe(false);
    clock.advance(3 * HOUR); // exactly one day after signin
    await rejectsWith(auth.refresh(current.refreshToken), "TOKEN_EXPIRED");
  });

  it("rememberMe: false on signup starts the first session the same way", async () => {
    const { storage, auth, t0 } = setup();
    const result = await auth.signup({ email: EMAIL, password: PASSWORD }, { rememberMe: false });
    expect(result).toMatchObject({ rememberMe: false, refreshTokenExpiresAt: new Date(t0 + DAY) });
    expect((await storage.findSession(result.sessionId))?.persistent).toBe(false);
  });

  it("refreshToken.shortTtl sets the short lifetime; by default it is one day, or ttl when shorter", async () => {
    const custom = setup({ refreshToken: { shortTtl: "2h" } });
    await custom.auth.signup({ email: EMAIL, password: PASSWORD });
    const s = await custom.auth.signin({ email: EMAIL, password: PASSWORD }, { rememberMe: false });
    expect(s.refreshTokenExpiresAt).toEqual(new Date(custom.t0 + 2 * HOUR));
    custom.clock.advance(2 * HOUR);
    await rejectsWith(custom.auth.refresh(s.refreshToken), "TOKEN_EXPIRED");

    const shortTtl = setup({ refreshToken: { ttl: "12h", idleTtl: "30d" } });
    const r = await shortTtl.auth.signup({ email: EMAIL, password: PASSWORD }, { rememberMe: false });
    expect(r.refreshTokenExpiresAt).toEqual(new Date(shortTtl.t0 + 12 * HOUR));
    // the default short lifetime is that ttl too, so a longer startSession ttl is still cut to it
    const started = await shortTtl.auth.startSession(r.user.id, {}, { rememberMe: false, ttl: "3d" });
    expect(started.refreshTokenExpiresAt).toEqual(new Date(shortTtl.t0 + 12 * HOUR));
  });

  it("refuses a shortTtl longer than ttl, or of 0, naming the option", () => {
    expect(() => new AuthSkill({ secret: SECRET, refreshToken: { ttl: "7d", shortTtl: "8d" } })).toThrow(
      /refreshToken\.shortTtl must not exceed refreshToken\.ttl/,
    );
    expect(() => new AuthSkill({ secret: SECRET, refreshToken: { shortTtl: 0 } })).toThrow(/refreshToken\.shortTtl must be longer than 0/);
    expect(() => new AuthSkill({ secret: SECRET, refreshToken: { shortTtl: "30d" } })).not.toThrow();
  });

  it("startSession takes rememberMe in its options: short lifetime, a shorter ttl still wins", async () => {
    const { storage, auth, t0 } = setup();
    const { user } = await auth.signup({ email: EMAIL, password: PASSWORD });
    const short = await auth.startSession(user.id, {}, { rememberMe: false });
    expect(short).toMatchObject({ rememberMe: false, refreshTokenExpiresAt: new Date(t0 + DAY) });
    expect((await storage.findSession(short.sessionId))?.persistent).toBe(false);
    await expect(auth.startSession(user.id, {}, { rememberMe: false, ttl: "90d" })).resolves.toMatchObject({ refreshTokenExpiresAt: new Date(t0 + DAY) });
    await expect(auth.startSession(user.id, {}, { rememberMe: false, ttl: "2h" })).resolves.toMatchObject({
      rememberMe: false,
      refreshTokenExpiresAt: new Date(t0 + 2 * HOUR),
    });
    await expect(auth.startSession(user.id, {}, { ttl: "10d" })).resolves.toMatchObject({ rememberMe: true, refreshTokenExpiresAt: new Date(t0 + 10 * DAY) });
  });

  it("a duplicate refresh within reuseInterval gets the successor with the session's rememberMe", async () => {
    const { auth } = setup({ refreshToken: { reuseInterval: "10s" } });
    await auth.signup({ email: EMAIL, password: PASSWORD });
    const s = await auth.signin({ email: EMAIL, password: PASSWORD }, { rememberMe: false });
    const [a, b] = await Promise.all([auth.refresh(s.refreshToken), auth.refresh(s.refreshToken)]);
    expect(a.refreshToken).toBe(b.refreshToken);
    expect([a.rememberMe, b.rememberMe]).toEqual([false, false]);
  });

  it("a session record stored without the field (an older adapter or release) refreshes as remember-me", async () => {
    const { storage, auth, clock } = setup();
    const signedUp = await auth.signup({ email: EMAIL, password: PASSWORD });
    const legacy: StorageAdapter = {
      ...storage,
      findSession: async (id) => {
        const s = await storage.findSession(id);
        if (s) delete s.persistent;
        return s;
      },
      rotateSession: async (input) => {
        const s = await storage.rotateSession(input);
        if (s) delete s.persistent;
        return s;
      },
    };
    const onLegacy = new AuthSkill({ secret: SECRET, storage: legacy, now: clock.now, rateLimit: false });
    await expect(onLegacy.refresh(signedUp.refreshToken)).resolves.toMatchObject({ sessionId: signedUp.sessionId, rememberMe: true });
  });

  it("rememberMe that is not a boolean is a TypeError, before anything is written", async () => {
    const { storage, auth } = setup();
    const signup = auth.signup({ email: EMAIL, password: PASSWORD }, { rememberMe: "on" as unknown as boolean });
    await expect(signup).rejects.toThrow(new TypeError("signup: rememberMe must be a boolean"));
    expect(await storage.findUserByEmail(EMAIL)).toBeNull();
    const { user } = await auth.signup({ email: EMAIL, password: PASSWORD });
    await expect(auth.signin({ email: EMAIL, password: PASSWORD }, { rememberMe: 0 as unknown as boolean })).rejects.toThrow(
      new TypeError("signin: rememberMe must be a boolean"),
    );
    await expect(auth.startSession(user.id, {}, { rememberMe: null as unknown as boolean })).rejects.toThrow(
      new TypeError("startSession: rememberMe must be a boolean"),
    );
    expect(await storage.listUserSessions(user.id, new Date("2026-01-01T00:00:00Z"))).toHaveLength(1); // signup's only
  });
});
