import { AuthError } from "./errors.js";

/** The real clock: the default `now` of every option that takes one. Compared by identity to skip work. */
export const systemClock = (): Date => new Date();

/** The latest instant a clock may report: the end of year 9999 (any later one is a broken clock). */
export const MAX_CLOCK_MS = 253_402_300_799_999;

/**
 * Reads a clock and checks what it says: a `Date` whose time is a finite number between 1970 and the end
 * of year 9999. Anything else — `new Date(NaN)`, `Infinity`, a string, a number, a `Date`-like object, a
 * clock that throws — is `CONFIG_ERROR`: a broken clock is the operator's fault, never the caller's token
 * (so not `TOKEN_*`, which would send clients to re-authenticate in a loop), and it must never be read as
 * "not expired". Every time comparison of access tokens, the verified-token cache, sessions and refresh
 * expiry reads its clock through here.
 *
 * @example
 * ```ts
 * const nowMs = readClock(() => new Date()); // 1767225600000
 * readClock(() => new Date(NaN));            // throws AuthError CONFIG_ERROR
 * ```
 */
export function readClock(now: () => Date): number {
  if (now === systemClock) return Date.now(); // the system clock cannot report NaN
  let time: unknown;
  try {
    time = now();
  } catch (cause) {
    throw brokenClock(cause);
  }
  const ms = time instanceof Date ? time.getTime() : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_CLOCK_MS) throw brokenClock();
  return ms;
}

/**
 * Wraps a clock so every read is checked by {@link readClock} and returns a fresh `Date`. The system
 * clock is returned unchanged (it cannot be wrong in this way, and callers compare it by identity).
 *
 * @example
 * ```ts
 * const now = checkedClock(options.now ?? systemClock);
 * now(); // a valid Date, or throws AuthError CONFIG_ERROR
 * ```
 */
export function checkedClock(now: () => Date): () => Date {
  if (now === systemClock) return systemClock;
  if (checked.has(now)) return now;
  const wrapped = (): Date => new Date(readClock(now));
  checked.add(wrapped);
  return wrapped;
}

const checked = new WeakSet<() => Date>();

function brokenClock(cause?: unknown): AuthError {
  return new AuthError(
    "CONFIG_ERROR",
    "auth-skill configuration: the clock (the `now` option) returned an invalid time; refusing to judge expiry",
    cause === undefined ? undefined : { cause },
  );
}
