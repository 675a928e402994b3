import { AuthError } from "../../errors.js";
import type { RateLimitStore } from "../../rate-limit/store.js";
import { checkClient, checkPrefix, scrubbed, type RedisClient } from "./client.js";
import { rateLimitScripts as lua } from "./scripts.js";

/**
 * Options of {@link redisRateLimitStore}.
 *
 * @example
 * ```ts
 * const options: RedisRateLimitOptions = { client: new Redis(url), prefix: "myapp:auth:" };
 * ```
 */
export interface RedisRateLimitOptions {
  /** An ioredis client (standalone or Sentinel), without `keyPrefix`. The store never closes it. */
  client: RedisClient;
  /** Starts every key (default `"auth:"`: counters are `auth:rl:<key>`). No braces. */
  prefix?: string | undefined;
}

/**
 * Signin and signup brute-force counters in Redis, so limits hold across every instance that shares the
 * server. Each counter is one key with a fixed window on the Redis server's clock: the first reservation
 * creates it with a PEXPIRE of the window, later ones INCR it while it is below the limit (check and
 * increment in one Lua script, so of N concurrent reservations no more than the limit succeed), a refund
 * DECRs it, and Redis deletes it when the window ends. The `now` the limiter passes only anchors
 * `resetAt` (`now` + the key's PTTL); it does not move windows. Each script touches one key and counters
 * carry no hash tag, so on a Cluster they would spread over the slots.
 *
 * Locks are counters with a ten-year expiry: run the server with `maxmemory-policy noeviction` (or a
 * `volatile-*` policy only if nothing else with an expiry could be chosen first), or an evicted lock
 * would lift itself.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis"; // the named export: it compiles under node16 and bundler alike
 * import { AuthSkill } from "auth-skill";
 * import { redisRateLimitStore } from "auth-skill/redis";
 *
 * const client = new Redis(process.env.REDIS_URL!);
 * const auth = new AuthSkill({ secret: process.env.AUTH_SECRET, rateLimit: { store: redisRateLimitStore({ client }) } });
 * ```
 */
export function redisRateLimitStore(options: RedisRateLimitOptions): RateLimitStore {
  if (typeof options !== "object" || options === null) throw new AuthError("CONFIG_ERROR", "redisRateLimitStore: options are required");
  const { client, prefix = "auth:" } = options;
  checkClient(client, "redisRateLimitStore");
  checkPrefix(prefix, "redisRateLimitStore");
  const counter = (key: string) => `${prefix}rl:${key}`;

  return scrubbed<RateLimitStore>({
    async reserve(key, max, windowMs, now) {
      if (!Number.isFinite(max) || max <= 0 || !Number.isFinite(windowMs) || windowMs <= 0)
        throw new TypeError("redisRateLimitStore: max and windowMs must be positive");
      const reply = (await lua.reserve.run(client, [counter(key)], [Math.floor(max), Math.ceil(windowMs)])) as (number | string)[];
      const [ok, count, msLeft] = reply.map(Number) as [number, number, number];
      return { ok: ok === 1, count, resetAt: new Date(now.getTime() + msLeft) };
    },
    async refund(key) {
      await lua.refund.run(client, [counter(key)], []);
    },
    async reset(key) {
      await client.unlink(counter(key));
    },
  });
}
