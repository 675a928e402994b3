import { describe, expect, it } from "vitest";
import { memoryRateLimitStore } from "../../src/index.js";
import { makeAuth, manualClock, rejectsWith } from "../helpers.js";

const password = "quiet mountain lakes at dawn";
const wrong = "wrong wrong wrong";

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
    // a stopped clock: on the real one, a second passing between the two runs changed retryAfter (59 vs 60)
    const auth = makeAuth({ rateLimit: { account: { max: 3, window: "1m" } }, now: manualClock().now });
    await auth.signup({ email: "ada@example.com", password });
    const answers = async (email: string) => {
      const codes: string[] = [];
      for (let i = 0; i < 5; i++)
        codes.push((await auth.signin({ email, password: "wrong wrong wrong" }).catch((e) => `${e.code}:${e.retryAfter ?? ""}`)) as string);
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
    const auth = makeAuth({ now: manualClock().now, rateLimit: { client: { max: 4, window: "10m" } } }); // a still clock: retryAfter is exact
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

  it("lock after lockAfter *consecutive* failures: a success in between starts the count again", async () => {
    const auth = makeAuth({ rateLimit: { lockAfter: 3 } });
    await auth.signup({ email: "ada@example.com", password });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) await rejectsWith(auth.signin({ email: "ada@example.com", password: wrong }), "INVALID_CREDENTIALS");
      await expect(auth.signin({ email: "ada@example.com", password })).resolves.toMatchObject({ user: { email: "ada@example.com" } });
    }
    for (let i = 0; i < 3; i++) await rejectsWith(auth.signin({ email: "ada@example.com", password: wrong }), "INVALID_CREDENTIALS");
    expect((await rejectsWith(auth.signin({ email: "ada@example.com", password }), "RATE_LIMITED")).message).toMatch(/locked/);
  });

  it("unlock() lifts the lock and gives the account its whole attempt budget back", async () => {
    const auth = makeAuth({ rateLimit: { lockAfter: 3, account: { max: 3, window: "15m" } } });
    const { user } = await auth.signup({ email: "ada@example.com", password });
    for (let i = 0; i < 3; i++) await rejectsWith(auth.signin({ email: "ada@example.com", password: wrong }), "INVALID_CREDENTIALS");
    expect((await rejectsWith(auth.signin({ email: "ada@example.com", password }), "RATE_LIMITED")).message).toMatch(/locked/);
    await auth.unlock(user.id);
    for (let i = 0; i < 2; i++) await rejectsWith(auth.signin({ email: "ada@example.com", password: wrong }), "INVALID_CREDENTIALS");
    await expect(auth.signin({ email: "ada@example.com", password })).resolves.toMatchObject({ user: { id: user.id } });
  });

  it("tell the user which limit refused and when to try again", async () => {
    const clock = manualClock();
    const auth = makeAuth({
      now: clock.now,
      rateLimit: { account: { max: 1, window: "5m" }, client: { max: 2, window: "10m" }, signup: { max: 1, window: "1h" } },
    });
    await auth.signup({ email: "ada@example.com", password }, { ip: "192.0.2.1" });
    const signup = await rejectsWith(auth.signup({ email: "bob@example.com", password }, { ip: "192.0.2.1" }), "RATE_LIMITED");
    expect(signup.message).toBe("Too many sign-ups. Try again in 3600 seconds.");
    await rejectsWith(auth.signin({ email: "ada@example.com", password: wrong }, { ip: "192.0.2.1" }), "INVALID_CREDENTIALS");
    clock.advance(60_000);
    const account = await rejectsWith(auth.signin({ email: "ada@example.com", password }, { ip: "192.0.2.1" }), "RATE_LIMITED");
    expect(account).toMatchObject({ message: "Too many sign-in attempts. Try again in 240 seconds.", retryAfter: 240 });
    for (const email of ["x@example.com", "y@example.com"])
      await rejectsWith(auth.signin({ email, password: wrong }, { ip: "203.0.113.9" }), "INVALID_CREDENTIALS");
    const client = await rejectsWith(auth.signin({ email: "z@example.com", password: wrong }, { ip: "203.0.113.9" }), "RATE_LIMITED");
    expect(client).toMatchObject({ message: "Too many sign-in attempts. Try again in 600 seconds.", retryAfter: 600 });
  });

  it("answer an attempt from a crafted address like any other (a zone id holding '%' and ':' threw a RangeError)", async () => {
    const auth = makeAuth({ rateLimit: { client: { max: 1, window: "15m" } } });
    const ip = "2001:db8::%eth0:1:2:3:4:5:6:7%x";
    await rejectsWith(auth.signin({ email: "a@example.com", password: wrong }, { ip }), "INVALID_CREDENTIALS");
    await rejectsWith(auth.signin({ email: "b@example.com", password: wrong }, { ip: "2001:db8::1" }), "RATE_LIMITED"); // one /64
    await expect(auth.signup({ email: "c@example.com", password }, { ip })).resolves.toMatchObject({ user: { email: "c@example.com" } });
  });

  it("lockAfter may not exceed 100", () => {
    expect(() => makeAuth({ rateLimit: { lockAfter: 101 } })).toThrow(/rateLimit/);
  });

  it("rateLimit: false turns every limit off", async () => {
    const auth = makeAuth({ rateLimit: false });
    await auth.signup({ email: "ada@example.com", password });
    for (let i = 0; i < 25; i++)
      await rejectsWith(auth.signin({ email: "ada@example.com", password: "wrong wrong wrong" }, { ip: "203.0.113.1" }), "INVALID_CREDENTIALS");
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
