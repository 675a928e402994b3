import { describe, expect, it } from "vitest";
import { memoryRateLimitStore } from "../../src/index.js";
import { makeAuth, manualClock, rejectsWith } from "../helpers.js";

const password = "quiet mountain lakes at dawn";
const signup = (auth: ReturnType<typeof makeAuth>, i: number | string, ip?: string) =>
  auth.signup({ email: `new${i}@example.com`, password }, ip === undefined ? {} : { ip });

describe("signup rate limits", () => {
  it("are on by default: 20 signups per client address per hour, then RATE_LIMITED with retryAfter", async () => {
    const clock = manualClock();
    const auth = makeAuth({ now: clock.now });
    for (let i = 0; i < 20; i++) await signup(auth, i, "203.0.113.7");
    const err = await rejectsWith(signup(auth, 20, "203.0.113.7"), "RATE_LIMITED");
    expect(err.status).toBe(429);
    expect(err.retryAfter).toBe(3600);
    await signup(auth, 21, "203.0.113.8"); // another address has its own budget
    clock.advance(3_600_000);
    await signup(auth, 22, "203.0.113.7");
  }, 30_000);

  it("count, window and key each matter (max 3 per 10 minutes, per /64)", async () => {
    const clock = manualClock();
    const auth = makeAuth({ now: clock.now, rateLimit: { signup: { max: 3, window: "10m" } } });
    for (let i = 0; i < 3; i++) await signup(auth, i, `2001:db8:1:2::${i + 1}`);
    expect((await rejectsWith(signup(auth, 3, "[2001:db8:1:2::ff]:443"), "RATE_LIMITED")).retryAfter).toBe(600);
    await signup(auth, 4, "2001:db8:1:3::1"); // the next /64
    clock.advance(599_999);
    expect((await rejectsWith(signup(auth, 5, "2001:db8:1:2::1"), "RATE_LIMITED")).retryAfter).toBe(1);
    clock.advance(1);
    await signup(auth, 6, "2001:db8:1:2::1");
  }, 30_000);

  it("have a budget of their own: signups do not use the signin budget of the address, nor the reverse", async () => {
    const auth = makeAuth({ rateLimit: { signup: { max: 2, window: "1h" }, client: { max: 2, window: "1h" } } });
    await signup(auth, 0, "198.51.100.1");
    await signup(auth, 1, "198.51.100.1");
    await rejectsWith(auth.signin({ email: "new0@example.com", password: "wrong wrong wrong" }, { ip: "198.51.100.1" }), "INVALID_CREDENTIALS");
    await rejectsWith(auth.signin({ email: "new1@example.com", password: "wrong wrong wrong" }, { ip: "198.51.100.1" }), "INVALID_CREDENTIALS");
    await rejectsWith(signup(auth, 2, "198.51.100.1"), "RATE_LIMITED");
    await rejectsWith(auth.signin({ email: "new0@example.com", password }, { ip: "198.51.100.1" }), "RATE_LIMITED");
  }, 30_000);

  it("a missing or unparsable address shares one bucket", async () => {
    const auth = makeAuth({ rateLimit: { signup: { max: 3, window: "1h" } } });
    await signup(auth, 0);
    await signup(auth, 1, "garbage");
    await signup(auth, 2, "203.0.113.9, 10.0.0.1");
    await rejectsWith(signup(auth, 3, ""), "RATE_LIMITED");
    await signup(auth, 4, "203.0.113.9");
  }, 30_000);

  it("is reserved before hashing, so a refused signup stores nothing; a weak password is refused before it counts", async () => {
    const auth = makeAuth({ rateLimit: { signup: { max: 1, window: "1h" } } });
    for (let i = 0; i < 3; i++) await rejectsWith(auth.signup({ email: "weak@example.com", password: "password123" }, { ip: "192.0.2.1" }), "WEAK_PASSWORD");
    await signup(auth, 0, "192.0.2.1");
    await rejectsWith(signup(auth, 1, "192.0.2.1"), "RATE_LIMITED");
    await rejectsWith(auth.signin({ email: "new1@example.com", password }, { ip: "192.0.2.2" }), "INVALID_CREDENTIALS");
  }, 30_000);

  it("a full memory store makes room again each time windows end, not only the first time", async () => {
    const clock = manualClock();
    const auth = makeAuth({ now: clock.now, rateLimit: { store: memoryRateLimitStore(3), signup: { max: 5, window: "1h" } } });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) await signup(auth, `${round}-${i}`, `203.0.113.${round * 10 + i}`);
      const full = await rejectsWith(signup(auth, `${round}-x`, "203.0.113.99"), "RATE_LIMITED"); // no room for a 4th address
      expect(full.retryAfter).toBe(3600);
      clock.advance(3_600_000);
    }
  }, 30_000);

  it("rateLimit.signup is validated", () => {
    expect(() => makeAuth({ rateLimit: { signup: { max: 0, window: "1h" } } })).toThrow(/rateLimit\.signup\.max/);
    expect(() => makeAuth({ rateLimit: { signup: { max: 5, window: 0 } } })).toThrow(/rateLimit\.signup\.window/);
    expect(() => makeAuth({ rateLimit: { signup: { max: 5, window: "soon" } } })).toThrow(/rateLimit\.signup\.window/);
    expect(() => makeAuth({ rateLimit: { signup: { max: 5 } as never } })).toThrow(/rateLimit/);
    const oldStyle = { hit: async () => ({ count: 1, resetAt: new Date() }), peek: async () => ({ count: 0, resetAt: null }), reset: async () => {} };
    expect(() => makeAuth({ rateLimit: { store: oldStyle as never } })).toThrow(/rateLimit/);
  });
});
