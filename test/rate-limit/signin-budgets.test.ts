import { describe, expect, it } from "vitest";
import { memoryRateLimitStore } from "../../src/index.js";
import { makeAuth, manualClock, rejectsWith } from "../helpers.js";

const password = "quiet mountain lakes at dawn";
const wrong = "wrong wrong wrong";

describe("signin budgets cannot be raised", () => {
  it("by switching identifiers: email and username share one per-account budget", async () => {
    const auth = makeAuth({ rateLimit: { account: { max: 10, window: "15m" } } });
    await auth.signup({ email: "ada@example.com", username: "ada", password });
    for (let i = 0; i < 5; i++) await rejectsWith(auth.signin({ email: "ada@example.com", password: wrong }), "INVALID_CREDENTIALS");
    for (let i = 0; i < 5; i++) await rejectsWith(auth.signin({ username: "ADA", password: wrong }), "INVALID_CREDENTIALS");
    await rejectsWith(auth.signin({ email: " Ada@Example.com", password }), "RATE_LIMITED");
    await rejectsWith(auth.signin({ username: "ada", password }), "RATE_LIMITED");
  });

  it("by flooding a small memory store: a lock and live counters survive, new keys are refused instead", async () => {
    const store = memoryRateLimitStore(40);
    const auth = makeAuth({ rateLimit: { store, lockAfter: 2, account: { max: 2, window: "15m" } } });
    await auth.signup({ email: "ada@example.com", password });
    await auth.signup({ email: "bob@example.com", password });
    for (let i = 0; i < 2; i++) await rejectsWith(auth.signin({ email: "ada@example.com", password: wrong }, { ip: `192.0.2.${i}` }), "INVALID_CREDENTIALS");
    await rejectsWith(auth.signin({ email: "bob@example.com", password: wrong }, { ip: "198.51.100.1" }), "INVALID_CREDENTIALS");
    const flood = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => auth.signin({ email: `random${i}@example.com`, password: wrong }, { ip: `2001:db8:${i}::1` })),
    );
    const refused = flood.filter((r) => r.status === "rejected" && r.reason.code === "RATE_LIMITED").length;
    expect(refused).toBeGreaterThan(180); // the store is full: refused, nothing evicted
    const ada = await rejectsWith(auth.signin({ email: "ada@example.com", password }, { ip: "198.51.100.2" }), "RATE_LIMITED");
    expect(ada.message).toMatch(/locked/);
    await rejectsWith(auth.signin({ email: "bob@example.com", password: wrong }, { ip: "198.51.100.1" }), "INVALID_CREDENTIALS"); // bob's 2nd
    await rejectsWith(auth.signin({ email: "bob@example.com", password }, { ip: "198.51.100.1" }), "RATE_LIMITED"); // his count was kept
  });

  it("by flooding: the lock of an account outlives a flood that fills the store", async () => {
    const clock = manualClock();
    const store = memoryRateLimitStore(30);
    const auth = makeAuth({ now: clock.now, rateLimit: { store, lockAfter: 2, account: { max: 100, window: "1m" }, client: { max: 100, window: "1m" } } });
    await auth.signup({ email: "ada@example.com", password });
    for (let i = 0; i < 2; i++) await rejectsWith(auth.signin({ email: "ada@example.com", password: wrong }), "INVALID_CREDENTIALS");
    for (let round = 0; round < 3; round++) {
      await Promise.allSettled(
        Array.from({ length: 60 }, (_, i) => auth.signin({ email: `r${round}-${i}@example.com`, password: wrong }, { ip: `203.0.113.${i}` })),
      );
      clock.advance(61_000); // windows end; only locks stay
    }
    const err = await rejectsWith(auth.signin({ email: "ada@example.com", password }), "RATE_LIMITED");
    expect(err.message).toMatch(/locked/);
  });

  it("by made-up identifiers: their counters give way in a full store, so it never fills for good", async () => {
    const clock = manualClock();
    const store = memoryRateLimitStore(12);
    const auth = makeAuth({ now: clock.now, rateLimit: { store, lockAfter: 3, client: { max: 100, window: "15m" } } });
    await auth.signup({ email: "ada@example.com", password });
    await auth.signup({ email: "carol@example.com", password });
    for (let i = 0; i < 3; i++) await rejectsWith(auth.signin({ email: "ada@example.com", password: wrong }), "INVALID_CREDENTIALS");
    // 30 failures on made-up emails, 10 per round from one address: each leaves a lock counter that would
    // last until lifted (30 of them, in a store of 12); the client and attempt windows end between rounds
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 10; i++) {
        await rejectsWith(auth.signin({ email: `made-up-${round}-${i}@example.com`, password: wrong }, { ip: "203.0.113.50" }), "INVALID_CREDENTIALS");
      }
      clock.advance(16 * 60_000);
    }
    // a user who never had a counter still signs in (a store full of locks would refuse every new key) …
    await expect(auth.signin({ email: "carol@example.com", password }, { ip: "198.51.100.7" })).resolves.toMatchObject({
      user: { email: "carol@example.com" },
    });
    // … and the real account's lock was not what gave way
    expect((await rejectsWith(auth.signin({ email: "ada@example.com", password }), "RATE_LIMITED")).message).toMatch(/locked/);
    // a made-up identifier that kept its counters is still answered exactly like a real account
    for (let i = 0; i < 3; i++) await rejectsWith(auth.signin({ email: "ghost@example.com", password: wrong }), "INVALID_CREDENTIALS");
    expect((await rejectsWith(auth.signin({ email: "ghost@example.com", password: wrong }), "RATE_LIMITED")).message).toMatch(/locked/);
  });

  it("by malformed or missing addresses: they share one per-client bucket", async () => {
    const auth = makeAuth({ now: manualClock().now, rateLimit: { client: { max: 4, window: "15m" } } }); // a still clock: retryAfter is exact
    const ips = ["203.0.113.9, 10.0.0.1", "garbage", undefined, "[not-v6]:443"];
    for (const [i, ip] of ips.entries()) {
      await rejectsWith(auth.signin({ email: `u${i}@example.com`, password: wrong }, ip === undefined ? {} : { ip }), "INVALID_CREDENTIALS");
    }
    expect((await rejectsWith(auth.signin({ email: "u9@example.com", password: wrong }, { ip: "" }), "RATE_LIMITED")).retryAfter).toBe(900);
    await rejectsWith(auth.signin({ email: "u9@example.com", password: wrong }, { ip: "203.0.113.9" }), "INVALID_CREDENTIALS");
  });

  it("by adding a port or the IPv4-mapped form: one bucket per address", async () => {
    const auth = makeAuth({ rateLimit: { client: { max: 3, window: "15m" } } });
    for (const [i, ip] of ["1.2.3.4:5678", "::FFFF:1.2.3.4", "[::ffff:1.2.3.4]:443"].entries()) {
      await rejectsWith(auth.signin({ email: `u${i}@example.com`, password: wrong }, { ip }), "INVALID_CREDENTIALS");
    }
    await rejectsWith(auth.signin({ email: "u3@example.com", password: wrong }, { ip: "1.2.3.4" }), "RATE_LIMITED");
  });
});

describe("signin budgets are not spent without cause", () => {
  it("a success gives its client reservation back (the client limit counts failures)", async () => {
    const auth = makeAuth({ rateLimit: { client: { max: 2, window: "15m" } } });
    await auth.signup({ email: "ada@example.com", password });
    const ip = "203.0.113.50";
    await rejectsWith(auth.signin({ email: "ada@example.com", password: wrong }, { ip }), "INVALID_CREDENTIALS");
    for (let i = 0; i < 5; i++) await auth.signin({ email: "ada@example.com", password }, { ip });
    await rejectsWith(auth.signin({ email: "ada@example.com", password: wrong }, { ip }), "INVALID_CREDENTIALS");
    await rejectsWith(auth.signin({ email: "ada@example.com", password }, { ip }), "RATE_LIMITED");
  });

  it("an attempt refused by the account limit does not use the client budget", async () => {
    const auth = makeAuth({ rateLimit: { account: { max: 1, window: "15m" }, client: { max: 3, window: "15m" } } });
    const ip = "203.0.113.60";
    await rejectsWith(auth.signin({ email: "a@example.com", password: wrong }, { ip }), "INVALID_CREDENTIALS");
    for (let i = 0; i < 5; i++) await rejectsWith(auth.signin({ email: "a@example.com", password: wrong }, { ip }), "RATE_LIMITED");
    await rejectsWith(auth.signin({ email: "b@example.com", password: wrong }, { ip }), "INVALID_CREDENTIALS");
    await rejectsWith(auth.signin({ email: "c@example.com", password: wrong }, { ip }), "INVALID_CREDENTIALS");
    await rejectsWith(auth.signin({ email: "d@example.com", password: wrong }, { ip }), "RATE_LIMITED");
  });

  it("windows end exactly when they say (account and client, off by one millisecond)", async () => {
    const clock = manualClock();
    const auth = makeAuth({ now: clock.now, rateLimit: { account: { max: 2, window: "5m" }, client: { max: 3, window: "10m" } } });
    await auth.signup({ email: "ada@example.com", password });
    for (let i = 0; i < 2; i++) await rejectsWith(auth.signin({ email: "ada@example.com", password: wrong }, { ip: "192.0.2.9" }), "INVALID_CREDENTIALS");
    expect((await rejectsWith(auth.signin({ email: "ada@example.com", password }, { ip: "192.0.2.10" }), "RATE_LIMITED")).retryAfter).toBe(300);
    await rejectsWith(auth.signin({ email: "zed@example.com", password: wrong }, { ip: "192.0.2.9" }), "INVALID_CREDENTIALS");
    expect((await rejectsWith(auth.signin({ email: "bob@example.com", password: wrong }, { ip: "192.0.2.9" }), "RATE_LIMITED")).retryAfter).toBe(600);
    clock.advance(299_999);
    await rejectsWith(auth.signin({ email: "ada@example.com", password }, { ip: "192.0.2.10" }), "RATE_LIMITED");
    clock.advance(1);
    await auth.signin({ email: "ada@example.com", password }, { ip: "192.0.2.10" });
    clock.advance(299_999);
    await rejectsWith(auth.signin({ email: "bob@example.com", password: wrong }, { ip: "192.0.2.9" }), "RATE_LIMITED");
    clock.advance(1);
    await rejectsWith(auth.signin({ email: "bob@example.com", password: wrong }, { ip: "192.0.2.9" }), "INVALID_CREDENTIALS");
  });
});

describe("a store that fails mid-reservation", () => {
  it("answers STORAGE_ERROR and gives back what was already reserved (no phantom failure on the lock)", async () => {
    const inner = memoryRateLimitStore();
    let failClient = true;
    const store = {
      ...inner,
      reserve: (key: string, max: number, windowMs: number, now: Date) =>
        failClient && key.startsWith("client:") ? Promise.reject(new Error("store down")) : inner.reserve(key, max, windowMs, now),
    };
    const auth = makeAuth({ rateLimit: { store, lockAfter: 1 } });
    await auth.signup({ email: "ada@example.com", password }, { ip: "192.0.2.1" });
    await rejectsWith(auth.signin({ email: "ada@example.com", password }, { ip: "192.0.2.1" }), "STORAGE_ERROR");
    failClient = false;
    await auth.signin({ email: "ada@example.com", password }, { ip: "192.0.2.1" }); // not locked by the failed call
  });
});
