/**
 * A broken clock fails closed. Every consumer of the injected `now` — access-token signing,
 * both verification paths (synchronous and jose), the verified-token cache, sessions and refresh expiry —
 * reads it through one checked clock (src/clock.ts): a time that is not a valid Date is CONFIG_ERROR, never
 * "not expired".
 */
import { describe, expect, it } from "vitest";
import { checkedClock, readClock, systemClock } from "../../src/clock.js";
import { generateSigningKey, memoryStorage, type AuthSkill, type PasswordHasher } from "../../src/index.js";
import { SECRET, T0, frozenClock, hmacToken, joseSign, makeAuth, rejectsWith, throwsWith, validClaims } from "./helpers.js";

const cheapHasher: PasswordHasher = { hash: async () => "cheap$x", verify: async (p) => p === "correct horse battery" };

/** Values a broken `now` might return: NaN dates, dates past any real clock, and things that are no Date. */
const BROKEN: Array<[string, unknown]> = [
  ["new Date(NaN)", new Date(Number.NaN)],
  ["new Date(Infinity)", new Date(Number.POSITIVE_INFINITY)],
  ["new Date(-Infinity)", new Date(Number.NEGATIVE_INFINITY)],
  ["the largest Date (year 275760)", new Date(8.64e15)],
  ["the smallest Date (year -271821)", new Date(-8.64e15)],
  ["a number of milliseconds", T0 * 1000],
  ["an ISO string", "2030-03-17T17:46:40Z"],
  ["a Date-like object", { getTime: () => T0 * 1000 }],
  ["null", null],
];

/** A clock the test can break after setting things up with a good time. */
function switchableClock() {
  let value: unknown = new Date(T0 * 1000);
  return {
    now: () => value as Date,
    set(v: unknown) {
      value = v;
    },
    seconds(s: number) {
      value = new Date(s * 1000);
    },
  };
}

describe("readClock / checkedClock", () => {
  it.each(BROKEN)("%s is CONFIG_ERROR", (_name, value) => {
    throwsWith(() => readClock(() => value as Date), "CONFIG_ERROR");
    throwsWith(() => checkedClock(() => value as Date)(), "CONFIG_ERROR");
  });

  it("a clock that throws is CONFIG_ERROR with the original as cause", () => {
    const boom = new Error("clock source down");
    const err = throwsWith(
      () =>
        readClock(() => {
          throw boom;
        }),
      "CONFIG_ERROR",
    );
    expect(err.cause).toBe(boom);
  });

  it("valid times pass unchanged, from 1970 to the end of year 9999; the system clock stays itself", () => {
    for (const ms of [0, T0 * 1000, 253_402_300_799_999]) expect(readClock(() => new Date(ms))).toBe(ms);
    throwsWith(() => readClock(() => new Date(253_402_300_800_000)), "CONFIG_ERROR");
    throwsWith(() => readClock(() => new Date(-1)), "CONFIG_ERROR");
    expect(checkedClock(systemClock)).toBe(systemClock);
    const wrapped = checkedClock(() => new Date(T0 * 1000));
    expect(checkedClock(wrapped)).toBe(wrapped);
    expect(wrapped().getTime()).toBe(T0 * 1000);
  });
});

describe.each(BROKEN)("a clock returning %s", (_name, value) => {
  const expired = () => hmacToken({ alg: "HS256", typ: "at+jwt" }, validClaims(T0 - 3600, { exp: T0 - 1800 }), SECRET);

  it("access-token signing: CONFIG_ERROR, no token", async () => {
    const clock = switchableClock();
    const auth = makeAuth({ now: clock.now });
    clock.set(value);
    await rejectsWith(auth.createAccessToken({ userId: "u" }), "CONFIG_ERROR");
  });

  it("synchronous verification (our own HS256 header): an expired token is CONFIG_ERROR, not valid", async () => {
    const clock = switchableClock();
    const auth = makeAuth({ now: clock.now });
    clock.set(value);
    await rejectsWith(auth.verifyAccessToken(expired()), "CONFIG_ERROR");
  });

  it("jose verification (a header we never write): an expired token is CONFIG_ERROR, not valid", async () => {
    const clock = switchableClock();
    const auth = makeAuth({ now: clock.now });
    clock.set(value);
    // `typ` before `alg`: not byte-equal to our header, so jose verifies it
    await rejectsWith(auth.verifyAccessToken(hmacToken({ typ: "at+jwt", alg: "HS256" }, validClaims(T0 - 3600, { exp: T0 - 1800 }), SECRET)), "CONFIG_ERROR");
  });

  it("the verified-token cache: a cached token is CONFIG_ERROR once the clock breaks, then valid again when it heals", async () => {
    const clock = switchableClock();
    const auth = makeAuth({ now: clock.now });
    const token = await auth.createAccessToken({ userId: "u", ttl: 60 });
    await auth.verifyAccessToken(token);
    await auth.verifyAccessToken(token); // second sighting: now cached
    clock.seconds(T0 + 3600); // long expired
    clock.set(value);
    await rejectsWith(auth.verifyAccessToken(token), "CONFIG_ERROR");
    clock.seconds(T0 + 3600);
    await rejectsWith(auth.verifyAccessToken(token), "TOKEN_EXPIRED");
  });

  it("EdDSA tokens on both paths: CONFIG_ERROR", async () => {
    const key = await generateSigningKey("EdDSA", { kid: "k" });
    const clock = switchableClock();
    const auth = makeAuth({ now: clock.now, accessToken: { algorithm: "EdDSA", keys: [key] } });
    const ours = await auth.createAccessToken({ userId: "u", ttl: 60 });
    const foreignHeader = await joseSign({ alg: "EdDSA", kid: "k", typ: "at+jwt", extra: 1 }, validClaims(T0), key);
    clock.set(value);
    await rejectsWith(auth.verifyAccessToken(ours), "CONFIG_ERROR");
    await rejectsWith(auth.verifyAccessToken(foreignHeader), "CONFIG_ERROR");
  });

  describe("sessions", () => {
    async function signedUp(): Promise<{ auth: AuthSkill; clock: ReturnType<typeof switchableClock>; refreshToken: string; accessToken: string }> {
      const clock = switchableClock();
      const auth = makeAuth({ now: clock.now, storage: memoryStorage(), rateLimit: false, password: { hasher: cheapHasher }, refreshToken: { ttl: "1h" } });
      const { refreshToken, accessToken } = await auth.signup({ email: "ada@example.com", password: "correct horse battery" });
      return { auth, clock, refreshToken, accessToken };
    }

    it("refresh of an expired session: CONFIG_ERROR, never a rotation", async () => {
      const { auth, clock, refreshToken } = await signedUp();
      clock.seconds(T0 + 7200); // the session ended an hour ago
      await rejectsWith(auth.refresh(refreshToken), "TOKEN_EXPIRED");
      clock.set(value);
      await rejectsWith(auth.refresh(refreshToken), "CONFIG_ERROR");
    });

    it("refresh of a live session: CONFIG_ERROR, and the token still works once the clock heals", async () => {
      const { auth, clock, refreshToken } = await signedUp();
      clock.set(value);
      await rejectsWith(auth.refresh(refreshToken), "CONFIG_ERROR");
      clock.seconds(T0 + 60);
      await expect(auth.refresh(refreshToken)).resolves.toMatchObject({ tokenType: "Bearer" });
    });

    it("the revocation check (isLive): CONFIG_ERROR", async () => {
      const { auth, clock, accessToken } = await signedUp();
      clock.set(value);
      await rejectsWith(auth.verifyAccessToken(accessToken, { checkRevocation: true }), "CONFIG_ERROR");
    });

    it("signup and signin: CONFIG_ERROR, no session", async () => {
      const { auth, clock } = await signedUp();
      clock.set(value);
      await rejectsWith(auth.signup({ email: "bob@example.com", password: "correct horse battery" }), "CONFIG_ERROR");
      await rejectsWith(auth.signin({ email: "ada@example.com", password: "correct horse battery" }), "CONFIG_ERROR");
    });
  });
});

describe("sessions: a stored expiry that is not a number counts as expired", () => {
  it("a session whose expiresAt reads back as Invalid Date is TOKEN_EXPIRED, not live", async () => {
    const storage = memoryStorage();
    const clock = frozenClock();
    const wrapped = {
      ...storage,
      findSession: async (id: string) => {
        const s = await storage.findSession(id);
        return s && { ...s, expiresAt: new Date(Number.NaN) };
      },
    };
    const auth = makeAuth({ storage: wrapped, rateLimit: false, password: { hasher: cheapHasher } }, clock);
    const { refreshToken, accessToken } = await auth.signup({ email: "ada@example.com", password: "correct horse battery" });
    await rejectsWith(auth.refresh(refreshToken), "TOKEN_EXPIRED");
    await rejectsWith(auth.verifyAccessToken(accessToken, { checkRevocation: true }), "TOKEN_REVOKED");
  });
});
