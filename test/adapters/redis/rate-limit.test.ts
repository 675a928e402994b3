import { afterEach, describe, expect, it } from "vitest";
import { AuthSkill, type AuthError } from "auth-skill";
import { redisRateLimitStore, redisStorage } from "auth-skill/redis";
import { serverUrl } from "../../support/servers.js";
import { concurrencyScenarios } from "../../rate-limit/scenarios.js";
import { connect, deletePrefix, randomPrefix, scanAll, sleep } from "./helpers.js";
import { rejectsWith } from "../../helpers.js";

const url = serverUrl("redis");
const SECRET = "redis-rate-limit-secret-0123456789-abcdefghij";
const password = "rate limited passphrase 42";

describe.skipIf(!url)("redisRateLimitStore", () => {
  const client = connect(url);
  let prefix = randomPrefix();
  afterEach(() => deletePrefix(client, prefix));
  const fresh = () => {
    prefix = randomPrefix();
    return redisRateLimitStore({ client, prefix });
  };

  it("of 100 concurrent reservations with max 30, exactly 30 succeed (counts 1..30), the rest change nothing", async () => {
    const store = fresh();
    const now = new Date();
    const all = await Promise.all(Array.from({ length: 100 }, () => store.reserve("account:ada", 30, 60_000, now)));
    const ok = all.filter((r) => r.ok);
    expect(ok.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(all.filter((r) => !r.ok).every((r) => r.count === 30)).toBe(true);
    const elapsed = Date.now() - now.getTime(); // the window started somewhere in here: bounds, not a timer
    for (const r of all) {
      expect(r.resetAt.getTime()).toBeGreaterThanOrEqual(now.getTime() + 60_000 - elapsed - 5);
      expect(r.resetAt.getTime()).toBeLessThanOrEqual(now.getTime() + 60_000);
    }
    expect(await client.get(`${prefix}rl:account:ada`)).toBe("30");
    expect(await client.pttl(`${prefix}rl:account:ada`)).toBeGreaterThan(60_000 - (Date.now() - now.getTime()) - 5);
  });

  it("starts a new window when the old one expires (Redis deletes the counter), and never extends one", async () => {
    const store = fresh();
    const key = `${prefix}rl:k`;
    await store.reserve("k", 2, 60_000, new Date());
    const windowEnd = await client.pexpiretime(key);
    const second = await store.reserve("k", 2, 60_000, new Date());
    expect(second).toMatchObject({ ok: true, count: 2 });
    expect((await store.reserve("k", 2, 60_000, new Date())).ok).toBe(false);
    expect(await client.pexpiretime(key)).toBe(windowEnd); // neither a count nor a refusal extends the window
    // The window's end, brought forward: a short real window would race a loaded machine between two calls.
    await client.pexpire(key, 1);
    await sleep(20);
    expect(await scanAll(client, `${prefix}*`)).toEqual([]);
    expect(await store.reserve("k", 2, 60_000, new Date())).toMatchObject({ ok: true, count: 1 });
  });

  it("refund gives one back and keeps the window; at 0 the counter is gone; reset deletes", async () => {
    const store = fresh();
    const now = new Date();
    await store.reserve("k", 2, 10_000, now);
    await store.reserve("k", 2, 10_000, now);
    await store.refund("k");
    expect(await client.get(`${prefix}rl:k`)).toBe("1");
    expect(await client.pttl(`${prefix}rl:k`)).toBeGreaterThan(9_000);
    expect(await store.reserve("k", 2, 10_000, now)).toMatchObject({ ok: true, count: 2 });
    await store.refund("k");
    await store.refund("k");
    await store.refund("k"); // never below 0
    expect(await client.exists(`${prefix}rl:k`)).toBe(0);
    await store.reserve("k", 2, 10_000, now);
    await store.reset("k");
    expect(await client.exists(`${prefix}rl:k`)).toBe(0);
    await store.reset("never-there");
    await store.refund("never-there");
    expect(await scanAll(client, `${prefix}*`)).toEqual([]);
  });

  it("refuses a non-positive window or max (call arguments: TypeError)", async () => {
    const store = fresh();
    await expect(store.reserve("k", 1, 0, new Date())).rejects.toThrow(TypeError);
    await expect(store.reserve("k", 1, Number.NaN, new Date())).rejects.toThrow(TypeError);
    await expect(store.reserve("k", 0, 1000, new Date())).rejects.toThrow(TypeError);
  });

  describe("against a real AuthSkill on Redis storage", () => {
    concurrencyScenarios(() => {
      prefix = randomPrefix();
      return { storage: redisStorage({ client, prefix }), rateLimit: { store: redisRateLimitStore({ client, prefix }) } };
    });
  });

  it("makes limits hold across two AuthSkill instances with separate connections", async () => {
    prefix = randomPrefix();
    const instance = () => {
      const own = connect(url);
      return new AuthSkill({
        secret: SECRET,
        storage: redisStorage({ client: own, prefix }),
        rateLimit: { store: redisRateLimitStore({ client: own, prefix }), account: { max: 3, window: "15m" }, client: { max: 5, window: "10m" } },
      });
    };
    const [a, b] = [instance(), instance()];
    await a.signup({ email: "ada@example.com", password });
    const wrong = { email: "ada@example.com", password: "wrong wrong wrong" };
    for (const auth of [a, b, a]) await rejectsWith(auth.signin(wrong), "INVALID_CREDENTIALS");
    const err = (await b.signin({ email: "ada@example.com", password }).catch((e: unknown) => e)) as AuthError;
    expect(err).toMatchObject({ code: "RATE_LIMITED", status: 429 });
    expect(err.retryAfter).toBeGreaterThan(890);
    expect(err.retryAfter).toBeLessThanOrEqual(900);
    await rejectsWith(a.signin({ email: "ada@example.com", password }), "RATE_LIMITED");

    // failures from one client address add up across instances too (5 per 10 minutes)
    const ip = "2001:db8:7:7::1";
    for (const [i, auth] of [a, b, a, b, a].entries()) {
      const attempt = auth.signin({ email: `nobody${i}@example.com`, password: "wrong wrong wrong" }, { ip });
      await rejectsWith(attempt, "INVALID_CREDENTIALS");
    }
    await rejectsWith(b.signin({ email: "fresh@example.com", password }, { ip: "2001:db8:7:7::2" }), "RATE_LIMITED");
  });
});
