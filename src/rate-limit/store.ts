import { AuthError } from "../errors.js";

/**
 * Where brute-force counters live. The memory store is the default; a shared store (Redis) makes the
 * limits hold across instances. Each counter is a number in a fixed window of `windowMs` that starts with
 * its first counted attempt. A store may run windows on its own clock (Redis key expiry); `now` then only
 * informs the reported `resetAt`.
 *
 * Two guarantees every store keeps:
 * - `reserve` is atomic: of N concurrent reservations of one key with `max` M on a counter at c, exactly
 *   `min(N, M - c)` succeed, so no more than M attempts ever hold a reservation in one window.
 * - A live counter (window not ended, count above 0) is never dropped to make room. A bounded store that
 *   has no room for a new counter refuses the reservation (`ok: false`) instead.
 *
 * @example
 * ```ts
 * const r = await store.reserve("client:203.0.113.7", 100, 900_000, new Date());
 * if (!r.ok) throw new Error(`retry after ${r.resetAt.toISOString()}`);
 * ```
 */
export interface RateLimitStore {
  /**
   * Counts one attempt on `key` if its counter is below `max` (creating the counter, with a window of
   * `windowMs` from now, when it is absent or its window has ended), atomically. A refused reservation
   * changes nothing. `max` and `windowMs` are positive finite numbers (else `TypeError`). Resolves `ok`
   * (counted: the attempt may go ahead), the counter after the call (0 when a full store refused to create
   * it) and when its window ends (refused: when to try again).
   */
  reserve(key: string, max: number, windowMs: number, now: Date, options?: ReserveOptions): Promise<{ ok: boolean; count: number; resetAt: Date }>;
  /**
   * Gives one reservation back: the counter goes down by one, never below 0, and its window stays. A
   * counter that reaches 0 may be deleted. A missing counter is left alone.
   */
  refund(key: string): Promise<void>;
  /** Deletes a counter. */
  reset(key: string): Promise<void>;
}

/** How a counter may be treated by a bounded store. */
export interface ReserveOptions {
  /**
   * The counter guards no account: the per-account counters of an identifier that names no user, kept only
   * so that unknown identifiers are answered exactly like real accounts. Losing one raises no attacker's
   * budget, so a full bounded store may drop it (least recently reserved first) to make room — and must, or
   * a flood of made-up emails (whose lock counters last until lifted) would fill it for good.
   */
  evictable?: boolean | undefined;
}

/**
 * Counters in this process's memory, at most `maxKeys` of them. When it is full it first drops counters
 * whose window has ended, then counters reserved as `evictable` (those of identifiers that name no user),
 * least recently reserved first; if every counter left guards an account or a client, it refuses new ones
 * (`ok: false`, retry when the earliest window ends) rather than drop a lock or a live counter. Existing
 * counters keep working. Keep `maxKeys` well above the number of accounts that fail signins between
 * successes (each holds a lock counter until its next success), or use a shared store such as Redis. A
 * `maxKeys` that is not a positive integer is `CONFIG_ERROR`.
 *
 * @example
 * ```ts
 * new AuthSkill({ secret, rateLimit: { store: memoryRateLimitStore(500_000) } });
 * ```
 */
export function memoryRateLimitStore(maxKeys = 100_000): RateLimitStore {
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new AuthError("CONFIG_ERROR", "memoryRateLimitStore: maxKeys must be a positive integer");
  const counters = new Map<string, { count: number; resetAt: number }>();
  const evictable = new Set<string>(); // keys of counters that guard no account, least recently reserved first
  let nextSweep = 0; // no window ends before this (lowered by every new counter), so a sweep before it frees nothing
  const drop = (key: string) => {
    counters.delete(key);
    evictable.delete(key);
  };

  /** Room for one more counter at `t`: null, or the time the earliest live window ends. */
  const full = (t: number): number | null => {
    if (counters.size < maxKeys) return null;
    const oldest = evictable.values().next();
    if (!oldest.done) {
      drop(oldest.value);
      return null;
    }
    if (t >= nextSweep) {
      let earliest = Number.POSITIVE_INFINITY;
      for (const [key, c] of counters) {
        if (c.resetAt <= t) drop(key);
        else earliest = Math.min(earliest, c.resetAt);
      }
      nextSweep = earliest;
    }
    return counters.size < maxKeys ? null : nextSweep;
  };

  return {
    async reserve(key, max, windowMs, now, options) {
      const t = now.getTime();
      if (!Number.isFinite(t)) throw new TypeError("memoryRateLimitStore: now is not a valid date");
      if (!Number.isFinite(max) || max <= 0 || !Number.isFinite(windowMs) || windowMs <= 0)
        throw new TypeError("memoryRateLimitStore: max and windowMs must be positive");
      let c = counters.get(key);
      if (c && c.resetAt <= t) {
        drop(key);
        c = undefined;
      }
      if (!c) {
        const until = full(t);
        if (until !== null) return { ok: false, count: 0, resetAt: new Date(until) };
        c = { count: 0, resetAt: t + windowMs };
        counters.set(key, c);
        nextSweep = Math.min(nextSweep, c.resetAt); // or a full store would miss its end (forever, after a sweep that emptied it)
      }
      if (options?.evictable === true) {
        evictable.delete(key); // re-inserted: the most recently reserved goes last
        evictable.add(key);
      }
      if (c.count >= max) return { ok: false, count: c.count, resetAt: new Date(c.resetAt) };
      c.count++;
      return { ok: true, count: c.count, resetAt: new Date(c.resetAt) };
    },
    async refund(key) {
      const c = counters.get(key);
      if (c === undefined) return;
      c.count--;
      if (c.count <= 0) drop(key);
    },
    async reset(key) {
      drop(key);
    },
  };
}
