/**
 * Where brute-force counters live. The memory store is the default; a shared store (Redis) makes the
 * limits hold across instances. A store may run windows on its own clock (Redis key expiry); `now` then
 * only informs the reported `resetAt`.
 */
export interface RateLimitStore {
  /**
   * Adds one to the counter `key` in a fixed window of `windowMs` that starts at the first hit, and
   * resolves the count and when the window ends. Atomic: N concurrent hits on one key count N.
   */
  hit(key: string, windowMs: number, now: Date): Promise<{ count: number; resetAt: Date }>;
  /** The counter's current value (0 when absent or its window has ended). */
  peek(key: string, now: Date): Promise<{ count: number; resetAt: Date | null }>;
  /** Deletes a counter. */
  reset(key: string): Promise<void>;
}

/**
 * Counters in this process's memory, at most `maxKeys` of them (the oldest windows go first).
 *
 * @example
 * ```ts
 * new AuthSkill({ secret, rateLimit: { store: memoryRateLimitStore() } });
 * ```
 */
export function memoryRateLimitStore(maxKeys = 100_000): RateLimitStore {
  const counters = new Map<string, { count: number; resetAt: number }>();
  return {
    async hit(key, windowMs, now) {
      const t = now.getTime();
      let c = counters.get(key);
      if (!c || c.resetAt <= t) {
        counters.delete(key);
        c = { count: 0, resetAt: t + windowMs };
        counters.set(key, c);
        if (counters.size > maxKeys) counters.delete(counters.keys().next().value!);
      }
      c.count++;
      return { count: c.count, resetAt: new Date(c.resetAt) };
    },
    async peek(key, now) {
      const c = counters.get(key);
      if (!c || c.resetAt <= now.getTime()) return { count: 0, resetAt: null };
      return { count: c.count, resetAt: new Date(c.resetAt) };
    },
    async reset(key) {
      counters.delete(key);
    },
  };
}
