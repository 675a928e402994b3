import { toMilliseconds, type Duration } from "../duration.js";
import { AuthError, guarded } from "../errors.js";
import { clientKey } from "./client-key.js";
import { memoryRateLimitStore, type RateLimitStore } from "./store.js";

/** Brute-force limits for signin. Every field is optional. */
export interface RateLimitOptions {
  /** Where counters live (default: this process's memory). */
  store?: RateLimitStore;
  /** Signin attempts per account identifier (email or username) per window (default 10 per "15m"). */
  account?: { max: number; window: Duration };
  /** Failed signins per client address, IPv6 collapsed to /64 (default 100 per "15m"). */
  client?: { max: number; window: Duration };
  /** Consecutive failures after which an account is locked until `unlock` (default 100, at most 100). */
  lockAfter?: number;
}

const LOCK_WINDOW_MS = 10 * 365 * 86_400_000; // a lock lasts until lifted

/**
 * Signin throttling: per account identifier (counted atomically before the password is checked, reset on
 * success), per client address (failures only), and a lock after `lockAfter` consecutive failures of one
 * account. Unknown accounts are counted and locked exactly like real ones, so limits reveal nothing.
 */
export class SigninLimiter {
  readonly #store: RateLimitStore;
  readonly #account: { max: number; windowMs: number };
  readonly #client: { max: number; windowMs: number };
  readonly #lockAfter: number;

  constructor(options: RateLimitOptions = {}) {
    this.#store = options.store ?? memoryRateLimitStore();
    this.#account = { max: options.account?.max ?? 10, windowMs: toMilliseconds(options.account?.window ?? "15m") };
    this.#client = { max: options.client?.max ?? 100, windowMs: toMilliseconds(options.client?.window ?? "15m") };
    this.#lockAfter = options.lockAfter ?? 100;
  }

  /** Counts an attempt; throws `RATE_LIMITED` (with `retryAfter`) when a limit is reached. */
  async attempt(identifier: string, ip: string | undefined, now: Date): Promise<void> {
    const client = clientKey(ip);
    if (client !== null) {
      const seen = await guarded(() => this.#store.peek(`client:${client}`, now));
      if (seen.count >= this.#client.max && seen.resetAt) throw limited(seen.resetAt, now);
    }
    const hit = await guarded(() => this.#store.hit(`account:${identifier}`, this.#account.windowMs, now));
    if (hit.count > this.#account.max) throw limited(hit.resetAt, now);
  }

  /** Throws `RATE_LIMITED` when the account (user id, or the identifier of an unknown one) is locked. */
  async checkLock(account: string, now: Date): Promise<void> {
    const failures = await guarded(() => this.#store.peek(`lock:${account}`, now));
    if (failures.count >= this.#lockAfter) {
      throw new AuthError("RATE_LIMITED", "This account is locked after too many failed sign-ins. Reset the password to unlock it.");
    }
  }

  /** Records a failed signin. */
  async failed(account: string, ip: string | undefined, now: Date): Promise<void> {
    const client = clientKey(ip);
    await guarded(async () => {
      await this.#store.hit(`lock:${account}`, LOCK_WINDOW_MS, now);
      if (client !== null) await this.#store.hit(`client:${client}`, this.#client.windowMs, now);
    });
  }

  /** Records a successful signin: the account's counters start again. */
  async succeeded(identifier: string, account: string): Promise<void> {
    await guarded(async () => {
      await this.#store.reset(`account:${identifier}`);
      await this.#store.reset(`lock:${account}`);
    });
  }

  /** Lifts a lock and the attempt counter of an account (the password-reset flow calls this). */
  async unlock(account: string): Promise<void> {
    await guarded(() => this.#store.reset(`lock:${account}`));
  }
}

function limited(resetAt: Date, now: Date): AuthError {
  const retryAfter = Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000));
  return new AuthError("RATE_LIMITED", `Too many sign-in attempts. Try again in ${retryAfter} seconds.`, { retryAfter });
}
