/**
 * `auth-skill/redis`: users, sessions, single-use tokens and signin rate-limit counters on Redis,
 * through ioredis (an optional peer dependency, imported by this subpath only as types: you pass the client).
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis"; // the named export: it compiles under node16 and bundler alike
 * import { AuthSkill } from "auth-skill";
 * import { redisRateLimitStore, redisStorage } from "auth-skill/redis";
 *
 * const client = new Redis(process.env.REDIS_URL!);
 * const auth = new AuthSkill({
 *   secret: process.env.AUTH_SECRET,
 *   storage: redisStorage({ client }),
 *   rateLimit: { store: redisRateLimitStore({ client }) },
 * });
 * ```
 *
 * @module
 */
export { redisStorage } from "./storage.js";
export type { RedisStorageOptions } from "./storage.js";
export { redisRateLimitStore } from "./rate-limit.js";
export type { RedisRateLimitOptions } from "./rate-limit.js";
export type { RedisClient } from "./client.js";
