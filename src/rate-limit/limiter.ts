import { AuthError, storageCall } from "../errors.js";
import { clientKey } from "./client-key.js";
import type { RateLimitStore } from "./store.js";

/** One limit: at most `max` counted attempts per window of `windowMs` milliseconds. */
export interface LimitRule {
  max: number;
  windowMs: number;
}

/** The limiter's slice of the configuration (the `rateLimit` option with its defaults filled in). */
export interface LimiterSettings {
  /** Where counters live. */
  store: RateLimitStore;
  /** Signin attempts per account, whichever identifier names it. */
  account: LimitRule;
  /** Failed signins per client address. */
  client: LimitRule;
  /** Signups per client address. */
  signup: LimitRule;
  /** Consecutive failures after which an account is locked until `unlock`. */
  lockAfter: number;
  /** Mail-sending requests (reset, verification, email change) per email address. */
  emailAddress: LimitRule;
  /** Mail-sending requests per client address. */
  emailClient: LimitRule;
}

/** The counters one signin attempt holds while its password is checked. */
export interface SigninAttempt {
  readonly account: string;
  /** The client counter, or null for a check made without a client (a password change). */
  readonly client: string | null;
}

const LOCK_WINDOW_MS = 10 * 365 * 86_400_000; // a lock lasts until lifted

/**
 * Signin and signup throttling. Every limit is a reservation taken atomically in the store before the
 * password is hashed or checked, so N concurrent attempts never let more than a limit through:
 * - `lock:<account>`: consecutive failures; refused at `lockAfter` ("locked"), cleared on success or `unlock`.
 * - `client:<address>`: failures per client; a success gives its reservation back.
 * - `account:<account>`: attempts per account; cleared on success.
 * - `signup:<address>`: signups per client (every attempt that reaches the hasher counts).
 * - `email:<address>` and `email-client:<address>`: mail-sending requests per email and per client address.
 *
 * `<account>` is `user:<id>` for a known user, whichever identifier was used, and the identifier itself
 * (`email:…`, `username:…`) for an unknown one, which is counted and locked exactly like a real account.
 *
 * @example
 * ```ts
 * const minutes = (n: number) => ({ max: n, windowMs: 15 * 60_000 });
 * const limiter = new SigninLimiter({ store: memoryRateLimitStore(), account: minutes(10), client: minutes(100), signup: { max: 20, windowMs: 3_600_000 }, lockAfter: 100 });
 * const attempt = await limiter.reserveSignin("user:42", ip, new Date());
 * if (passwordOk) await limiter.succeeded(attempt);
 * ```
 */
export class SigninLimiter {
  readonly #store: RateLimitStore;
  readonly #account: LimitRule;
  readonly #client: LimitRule;
  readonly #signup: LimitRule;
  readonly #lockAfter: number;
  readonly #emailAddress: LimitRule;
  readonly #emailClient: LimitRule;

  constructor(settings: LimiterSettings) {
    this.#store = settings.store;
    this.#account = settings.account;
    this.#client = settings.client;
    this.#signup = settings.signup;
    this.#lockAfter = settings.lockAfter;
    this.#emailAddress = settings.emailAddress;
    this.#emailClient = settings.emailClient;
  }

  /**
   * Reserves a signin attempt on `account` from `ip` before the password check. Throws `RATE_LIMITED`
   * (with `retryAfter`, or the "locked" message) when any limit is reached, giving back what it took.
   * A failed attempt keeps its reservations; pass a successful one to {@link succeeded}. An `ip` of `null`
   * counts no client: a password check of a signed-in user (changing the password or the email), which has
   * no client address of its own to count, spends the account's budget only.
   */
  async reserveSignin(account: string, ip: string | undefined | null, now: Date): Promise<SigninAttempt> {
    const attempt = { account, client: ip === null ? null : `client:${clientKey(ip)}` };
    const taken: string[] = [];
    // An identifier that names no user guards no account: a bounded store may drop its counters for room.
    const evictable = { evictable: !account.startsWith("user:") };
    const take = async (key: string, { max, windowMs }: LimitRule, refused: (resetAt: Date) => AuthError, options = {}) => {
      const r = await storageCall(() => this.#store.reserve(key, max, windowMs, now, options)).catch(async (err: unknown) => {
        await this.#giveBack(taken).catch(() => undefined); // best effort; the store's failure is the answer
        throw err;
      });
      if (r.ok) return void taken.push(key);
      await this.#giveBack(taken);
      throw refused(r.resetAt);
    };
    await take(`lock:${account}`, { max: this.#lockAfter, windowMs: LOCK_WINDOW_MS }, () => locked(), evictable);
    if (attempt.client !== null) await take(attempt.client, this.#client, (resetAt) => limited("sign-in attempts", resetAt, now));
    await take(`account:${account}`, this.#account, (resetAt) => limited("sign-in attempts", resetAt, now), evictable);
    return attempt;
  }

  /** A successful signin: the account's counters start again and the client's failure budget is restored. */
  async succeeded(attempt: SigninAttempt): Promise<void> {
    await storageCall(async () => {
      await this.#store.reset(`account:${attempt.account}`);
      await this.#store.reset(`lock:${attempt.account}`);
      if (attempt.client !== null) await this.#store.refund(attempt.client);
    });
  }

  /** Reserves a signup from `ip` before its password is hashed; throws `RATE_LIMITED` with `retryAfter`. */
  async reserveSignup(ip: string | undefined, now: Date): Promise<void> {
    const r = await storageCall(() => this.#store.reserve(`signup:${clientKey(ip)}`, this.#signup.max, this.#signup.windowMs, now));
    if (!r.ok) throw limited("sign-ups", r.resetAt, now);
  }

  /**
   * Reserves one mail-sending request for `address` (already lower-cased) and, unless `ip` is `null`, for
   * the client: throws `RATE_LIMITED` with `retryAfter` when either limit is reached. The counters are keyed
   * by the address asked for, whether or not it names an account, so the answer tells nothing about it.
   */
  async reserveEmail(address: string, ip: string | undefined | null, now: Date): Promise<void> {
    if (ip !== null) {
      const r = await storageCall(() => this.#store.reserve(`email-client:${clientKey(ip)}`, this.#emailClient.max, this.#emailClient.windowMs, now));
      if (!r.ok) throw limited("requests", r.resetAt, now);
    }
    // Not evictable: dropping a counter under a flood would let more mail reach the victim address. The counters
    // end with their window, and the client limit above bounds how many one client makes.
    const r = await storageCall(() => this.#store.reserve(`email:${address}`, this.#emailAddress.max, this.#emailAddress.windowMs, now));
    if (!r.ok) throw limited("requests for this address", r.resetAt, now);
  }

  /**
   * Reserves one request of `scope` (a flow that anyone may call without an account, e.g. `"passkey-options"`) from
   * `ip` under the per-client rule (`client`); throws `RATE_LIMITED` with `retryAfter` when the client's budget is
   * spent. Resolves the counter's key: pass it to {@link refundClient} to give the request back (a success).
   */
  async reserveClient(scope: string, ip: string | undefined, now: Date): Promise<string> {
    const key = `${scope}:${clientKey(ip)}`;
    const r = await storageCall(() => this.#store.reserve(key, this.#client.max, this.#client.windowMs, now));
    if (!r.ok) throw limited("requests", r.resetAt, now);
    return key;
  }

  /** Gives back a request reserved by {@link reserveClient}. */
  async refundClient(key: string): Promise<void> {
    await storageCall(() => this.#store.refund(key));
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
