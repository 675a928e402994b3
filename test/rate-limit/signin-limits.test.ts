import { describe, expect, it } from "vitest";
import { memoryRateLimitStore } from "../../src/index.js";
import { makeAuth, manualClock, rejectsWith } from "../helpers.js";

const password = "quiet mountain lakes at dawn";

describe("signin rate limits", () => {
  it("are on by default: the 11th attempt on one account within 15 minutes is refused with retryAfter", async () => {
    const clock = manualClock();
    const auth = makeAuth({ now: clock.now });
    await auth.signup({ email: "ada@example.com", password });
    for (let i = 0; i < 10; i++) await rejectsWith(auth.signin({ email: "ada@example.com", password: `wrong guess ${i}` }), "INVALID_CREDENTIALS");
    const err = await rejectsWith(auth.signin({ email: "ada@example.com", password }), "RATE_LIMITED");
    expect(err.status).toBe(429);
    expect(err.retryAfter).toBe(900);
    clock.advance(900_000);
    await expect(auth.signin({ email: "ada@example.com", password })).resolves.toMatchObject({ user: { email: "ada@example.com" } });
  });

  it("treat an unknown account exactly like a known one", async () => {
    const auth = makeAuth({ rateLimit: { account: { max: 3, window: "1m" } } });
    await auth.signup({ email: "ada@example.com", password });
    const answers = async (email: string) => {
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) codes.push(await auth.signin({ email, password: "wrong wrong wrong" }).catch((e) => `${e.code}:${e.retryAfter ?? ""}`) as string);
      return codes;
    };
    expect(await answers("ada@example.com")).toEqual(await answers("nobody@example.com"));
  });

  it("count attempts atomically: of 30 concurrent wrong guesses at most `max` reach the password check", async () => {
    const auth = makeAuth({ rateLimit: { account: { max: 5, window: "15m" } } });
    await auth.signup({ email: "ada@example.com", password });
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => auth.signin({ email: "ada@example.com", password: "wrong wrong wrong" })));
    const codes = results.map((r) => (r.status === "rejected" ? (r.reason as { code: string }).code : "OK"));
    expect(codes.filter((c) => c === "INVALID_CREDENTIALS")).toHaveLength(5);
    expect(codes.filter((c) => c === "RATE_LIMITED")).toHaveLength(25);
  });

  it("reset the account counter on success", async () => {
    const auth = makeAuth({ rateLimit: { account: { max: 3, window: "15m" } } });
    await auth.signup({ email: "ada@example.com", password });
    for (let round = 0; round < 3; round++) {
      await rejectsWith(auth.signin({ email: "ada@example.com", password: "wrong wrong wrong" }), "INVALID_CREDENTIALS");
      await rejectsWith(auth.signin({ email: "ada@example.com", password: "wrong wrong wrong" }), "INVALID_CREDENTIALS");
      await auth.signin({ email: "ada@example.com", password });
    }
  });

  it("throttle a client address across accounts, collapsing IPv6 to /64", async () => {
    const auth = makeAuth({ rateLimit: { client: { max: 4, window: "10m" } } });
    const tries = ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:DB8:1:2::7"];
    for (const [i, ip] of tries.entries()) {
      await rejectsWith(auth.signin({ email: `user${i}@example.com`, password: "wrong wrong wrong" }, { ip }), "INVALID_CREDENTIALS");
    }
    const err = await rejectsWith(auth.signin({ email: "fresh@example.com", password: "wrong wrong wrong" }, { ip: "2001:db8:1:2::abcd" }), "RATE_LIMITED");
    expect(err.retryAfter).toBe(600);
    await rejectsWith(auth.signin({ email: "fresh@example.com", password: "wrong wrong wrong" }, { ip: "2001:db8:1:3::1" }), "INVALID_CREDENTIALS");
    await rejectsWith(auth.signin({ email: "fresh2@example.com", password: "wrong wrong wrong" }, { ip: "203.0.113.5" }), "INVALID_CREDENTIALS");
  });

  it("lock an account after lockAfter consecutive failures until unlock()", async () => {
    const clock = manualClock();
    const auth = makeAuth({ now: clock.now, rateLimit: { account: { max: 1000, window: "1m" }, lockAfter: 100 } });
    const { user } = await auth.signup({ email: "ada@example.com", password });
    for (let i = 0; i < 100; i++) await rejectsWith(auth.signin({ email: "ada@example.com", password: "wrong wrong wrong" }), "INVALID_CREDENTIALS");
    const locked = await rejectsWith(auth.signin({ email: "ada@example.com", password }), "RATE_LIMITED");
    expect(locked.message).toMatch(/locked/);
    clock.advance(30 * 86_400_000);
    await rejectsWith(auth.signin({ email: "ada@example.com", password }), "RATE_LIMITED");
    await auth.unlock(user.id);
    await expect(auth.signin({ email: "ada@example.com", password })).resolves.toBeTruthy();
  }, 60_000);

  it("lockAfter may not exceed 100", () => {
    expect(() => makeAuth({ rateLimit: { lockAfter: 101 } })).toThrow(/rateLimit/);
  });

  it("rateLimit: false turns every limit off", async () => {
    const auth = makeAuth({ rateLimit: false });
    await auth.signup({ email: "ada@example.com", password });
    for (let i = 0; i < 25; i++) await rejectsWith(auth.signin({ email: "ada@example.com", password: "wrong wrong wrong" }, { ip: "203.0.113.1" }), "INVALID_CREDENTIALS");
    await expect(auth.signin({ email: "ada@example.com", password })).resolves.toBeTruthy();
  });

  it("a shared store makes limits hold across instances", async () => {
    const store = memoryRateLimitStore();
    const options = { rateLimit: { store, account: { max: 2, window: "15m" } } } as const;
    const [a, b] = [makeAuth(options), makeAuth(options)];
    await rejectsWith(a.signin({ email: "x@example.com", password: "wrong wrong wrong" }), "INVALID_CREDENTIALS");
    await rejectsWith(b.signin({ email: "x@example.com", password: "wrong wrong wrong" }), "INVALID_CREDENTIALS");
    await rejectsWith(a.signin({ email: "x@example.com", password: "wrong wrong wrong" }), "RATE_LIMITED");
  });
});
