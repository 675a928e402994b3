import { toMilliseconds, type Duration } from "../duration.js";
import { AuthError, storageCall } from "../errors.js";
import { clientKey } from "./client-key.js";
import { memoryRateLimitStore, type RateLimitStore } from "./store.js";

/** Brute-force limits for signin and signup. Every field is optional. */
export interface RateLimitOptions {
  /** Where counters live (default: this process's memory). */
  store?: RateLimitStore | undefined;
  /** Signin attempts per account — one budget whichever identifier names it — per window (default 10 per "15m"). */
  account?: { max: number; window: Duration } | undefined;
  /** Failed signins per client address, IPv6 collapsed to /64 (default 100 per "15m"). */
  client?: { max: number; window: Duration } | undefined;
  /** Signups per client address, IPv6 collapsed to /64 (default 20 per "1h"). */
  signup?: { max: number; window: Duration } | undefined;
  /** Consecutive failures after which an account is locked until `unlock` (default 100, at most 100). */
  lockAfter?: number | undefined;
}

/** The counters one signin attempt holds while its password is checked. */
export interface SigninAttempt {
  readonly account: string;
  readonly client: string;
}

interface Limit {
  max: number;
  windowMs: number;
}

const LOCK_WINDOW_MS = 10 * 365 * 86_400_000; // a lock lasts until lifted

const limit = (given: { max: number; window: Duration } | undefined, max: number, window: Duration): Limit => ({
  max: given?.max ?? max,
  windowMs: toMilliseconds(given?.window ?? window),
});

/**
 * Signin and signup throttling. Every limit is a reservation taken atomically in the store before the
 * password is hashed or checked, so N concurrent attempts never let more than a limit through:
 * - `lock:<account>`: consecutive failures; refused at `lockAfter` ("locked"), cleared on success or `unlock`.
 * - `client:<address>`: failures per client; a success gives its reservation back.
 * - `account:<account>`: attempts per account; cleared on success.
 * - `signup:<address>`: signups per client (every attempt that reaches the hasher counts).
 *
 * `<account>` is `user:<id>` for a known user, whichever identifier was used, and the identifier itself
 * (`email:…`, `username:…`) for an unknown one, which is counted and locked exactly like a real account.
 *
 * @example
 * ```ts
 * const limiter = new SigninLimiter({ account: { max: 5, window: "15m" } });
 * const attempt = await limiter.reserveSignin("user:42", ip, new Date());
 * if (passwordOk) await limiter.succeeded(attempt);
 * ```
 */
export class SigninLimiter {
  readonly #store: RateLimitStore;
  readonly #account: Limit;
  readonly #client: Limit;
  readonly #signup: Limit;
  readonly #lockAfter: number;

  constructor(options: RateLimitOptions = {}) {
    this.#store = options.store ?? memoryRateLimitStore();
    this.#account = limit(options.account, 10, "15m");
    this.#client = limit(options.client, 100, "15m");
    this.#signup = limit(options.signup, 20, "1h");
    this.#lockAfter = options.lockAfter ?? 100;
  }

  /**
   * Reserves a signin attempt on `account` from `ip` before the password check. Throws `RATE_LIMITED`
   * (with `retryAfter`, or the "locked" message) when any limit is reached, giving back what it took.
   * A failed attempt keeps its reservations; pass a successful one to {@link succeeded}.
   */
  async reserveSignin(account: string, ip: string | undefined, now: Date): Promise<SigninAttempt> {
    const attempt = { account, client: `client:${clientKey(ip)}` };
    const taken: string[] = [];
    // An identifier that names no user guards no account: a bounded store may drop its counters for room.
    const evictable = { evictable: !account.startsWith("user:") };
    const take = async (key: string, { max, windowMs }: Limit, refused: (resetAt: Date) => AuthError, options = {}) => {
      const r = await storageCall(() => this.#store.reserve(key, max, windowMs, now, options)).catch(async (err: unknown) => {
        await this.#giveBack(taken).catch(() => undefined); // best effort; the store's failure is the answer
        throw err;
      });
      if (r.ok) return void taken.push(key);
      await this.#giveBack(taken);
      throw refused(r.resetAt);
    };
    await take(`lock:${account}`, { max: this.#lockAfter, windowMs: LOCK_WINDOW_MS }, () => locked(), evictable);
    await take(attempt.client, this.#client, (resetAt) => limited("sign-in attempts", resetAt, now));
    await take(`account:${account}`, this.#account, (resetAt) => limited("sign-in attempts", resetAt, now), evictable);
    return attempt;
  }

  /** A successful signin: the account's counters start again and the client's failure budget is restored. */
  async succeeded(attempt: SigninAttempt): Promise<void> {
    await storageCall(async () => {
      await this.#store.reset(`account:${attempt.account}`);
      await this.#store.reset(`lock:${attempt.account}`);
      await this.#store.refund(attempt.client);
    });
  }

  /** Reserves a signup from `ip` before its password is hashed; throws `RATE_LIMITED` with `retryAfter`. */
  async reserveSignup(ip: string | undefined, now: Date): Promise<void> {
    const r = await storageCall(() => this.#store.reserve(`signup:${clientKey(ip)}`, this.#signup.max, this.#signup.windowMs, now));
    if (!r.ok) throw limited("sign-ups", r.resetAt, now);
  }

  /** Lifts a lock and the attempt counter of an account (the password-reset flow calls this). */
  async unlock(account: string): Promise<void> {
    await storageCall(async () => {
      await this.#store.reset(`lock:${account}`);
      await this.#store.reset(`account:${account}`);
    });
  }

  async #giveBack(keys: string[]): Promise<void> {
    await storageCall(async () => {
      for (const key of keys) await this.#store.refund(key);
    });
  }
}

function locked(): AuthError {
  return new AuthError("RATE_LIMITED", "This account is locked after too many failed sign-ins. Reset the password to unlock it.");
}

function limited(what: string, resetAt: Date, now: Date): AuthError {
  const retryAfter = Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000));
  return new AuthError("RATE_LIMITED", `Too many ${what}. Try again in ${retryAfter} seconds.`, { retryAfter });
}
