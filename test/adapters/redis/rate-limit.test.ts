import { afterEach, describe, expect, it } from "vitest";
import { AuthSkill, type AuthError } from "auth-skill";
import { redisRateLimitStore, redisStorage } from "auth-skill/redis";
import { serverUrl } from "../../support/servers.js";
import { connect, deletePrefix, randomPrefix, scanAll, sleep } from "./helpers.js";

const url = serverUrl("redis");
const SECRET = "redis-rate-limit-secret-0123456789-abcdefghij";
const password = "rate limited passphrase 42";

describe.skipIf(!url)("redisRateLimitStore", () => {
  const client = connect(url);
  let prefix = randomPrefix();
  afterEach(() => deletePrefix(client, prefix));
  const fresh = () => redisRateLimitStore({ client, prefix: (prefix = randomPrefix()) });

  it("counts N concurrent hits as exactly 1..N in one window", async () => {
    const store = fresh();
    const now = new Date();
    const hits = await Promise.all(Array.from({ length: 100 }, () => store.hit("account:ada", 60_000, now)));
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    for (const h of hits) {
      expect(h.resetAt.getTime()).toBeGreaterThan(now.getTime() + 59_000);
      expect(h.resetAt.getTime()).toBeLessThanOrEqual(now.getTime() + 60_000);
    }
    expect((await store.peek("account:ada", now)).count).toBe(100);
    expect(await client.pttl(`${prefix}rl:account:ada`)).toBeGreaterThan(59_000);
  });

  it("starts a new window when the old one expires (Redis deletes the counter)", async () => {
    const store = fresh();
    const now = new Date();
    await store.hit("k", 250, now);
    const second = await store.hit("k", 250, now);
    expect(second.count).toBe(2);
    expect(second.resetAt.getTime() - now.getTime()).toBeLessThanOrEqual(250); // the window is not extended
    await sleep(350);
    expect(await store.peek("k", new Date())).toEqual({ count: 0, resetAt: null });
    expect(await scanAll(client, `${prefix}*`)).toEqual([]);
    expect((await store.hit("k", 250, new Date())).count).toBe(1);
  });

  it("peeks without counting, and reset deletes a counter", async () => {
    const store = fresh();
    const now = new Date();
    expect(await store.peek("k", now)).toEqual({ count: 0, resetAt: null });
    await store.hit("k", 10_000, now);
    const seen = await store.peek("k", now);
    expect(seen.count).toBe(1);
    expect(seen.resetAt!.getTime()).toBeGreaterThan(now.getTime() + 9_000);
    expect((await store.peek("k", now)).count).toBe(1);
    await store.reset("k");
    expect(await store.peek("k", now)).toEqual({ count: 0, resetAt: null });
    await store.reset("never-there");
  });

  it("refuses a non-positive window (TypeError)", async () => {
    const store = fresh();
    await expect(store.hit("k", 0, new Date())).rejects.toThrow(TypeError);
    await expect(store.hit("k", Number.NaN, new Date())).rejects.toThrow(TypeError);
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
    for (const auth of [a, b, a]) await expect(auth.signin(wrong)).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    const err = (await b.signin({ email: "ada@example.com", password }).catch((e: unknown) => e)) as AuthError;
    expect(err).toMatchObject({ code: "RATE_LIMITED", status: 429 });
    expect(err.retryAfter).toBeGreaterThan(890);
    expect(err.retryAfter).toBeLessThanOrEqual(900);
    await expect(a.signin({ email: "ada@example.com", password })).rejects.toMatchObject({ code: "RATE_LIMITED" });

    // failures from one client address add up across instances too (5 per 10 minutes)
    const ip = "2001:db8:7:7::1";
    for (const [i, auth] of [a, b, a, b, a].entries()) {
      const attempt = auth.signin({ email: `nobody${i}@example.com`, password: "wrong wrong wrong" }, { ip });
      await expect(attempt).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    }
    await expect(b.signin({ email: "fresh@example.com", password }, { ip: "2001:db8:7:7::2" })).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });
});
