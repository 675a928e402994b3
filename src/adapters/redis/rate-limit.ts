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
  prefix?: string;
}

/**
 * Signin brute-force counters in Redis, so limits hold across every instance that shares the server.
 * Each counter is one key with a fixed window on the Redis server's clock: the first hit creates it with
 * a PEXPIRE of the window, later hits only INCR it (one Lua script, so N concurrent hits count N), and
 * Redis deletes it when the window ends. The `now` the limiter passes only anchors `resetAt`
 * (`now` + the key's PTTL); it does not move windows. Each script touches one key and counters carry
 * no hash tag, so on a Cluster they would spread over the slots.
 *
 * @example
 * ```ts
 * import Redis from "ioredis";
 * import { AuthSkill } from "auth-skill";
 * import { redisRateLimitStore } from "auth-skill/redis";
 *
 * const client = new Redis(process.env.REDIS_URL!);
 * const auth = new AuthSkill({ secret: process.env.AUTH_SECRET, rateLimit: { store: redisRateLimitStore({ client }) } });
 * ```
 */
export function redisRateLimitStore(options: RedisRateLimitOptions): RateLimitStore {
  if (typeof options !== "object" || options === null) throw new TypeError("redisRateLimitStore: options are required");
  const { client, prefix = "auth:" } = options;
  checkClient(client, "redisRateLimitStore");
  checkPrefix(prefix, "redisRateLimitStore");
  const counter = (key: string) => `${prefix}rl:${key}`;
  const pair = (reply: unknown) => (reply as [number | string, number | string]).map(Number) as [number, number];

  return scrubbed<RateLimitStore>({
    async hit(key, windowMs, now) {
      if (!Number.isFinite(windowMs) || windowMs <= 0) throw new TypeError("redisRateLimitStore: windowMs must be a positive number");
      const [count, msLeft] = pair(await lua.hit.run(client, [counter(key)], [Math.ceil(windowMs)]));
      return { count, resetAt: new Date(now.getTime() + msLeft) };
    },
    async peek(key, now) {
      const [count, msLeft] = pair(await lua.peek.run(client, [counter(key)], []));
      return { count, resetAt: msLeft >= 0 ? new Date(now.getTime() + msLeft) : null };
    },
    async reset(key) {
      await client.unlink(counter(key));
    },
  });
}
