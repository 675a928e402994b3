import { type Duration, toMilliseconds } from "../duration.js";

/**
 * A clock that stands still until the test moves it: pass `clock.now` as an `AuthSkill`'s `now` option (as
 * `createTestAuth` does) and every expiry — access tokens, sessions, mailed tokens, rate-limit windows — follows it.
 */
export interface TestClock {
  /** The clock's current time, as a fresh `Date` (the function to give as the `now` option). */
  readonly now: () => Date;
  /**
   * Moves the clock forward by a duration — seconds, or a string such as `"16m"`, `"2h"`, `"31d"` (at most 400
   * days per call) — and returns the new time. A negative or malformed duration is a `TypeError`.
   */
  advance(duration: Duration): Date;
  /** Puts the clock at `time` (a `Date`, or anything `new Date()` reads), forward or back; returns it. An invalid time is a `TypeError`. */
  set(time: Date | string | number): Date;
}

/**
 * A {@link TestClock} standing at `start` (default: the real time when it is made, to the second).
 *
 * @example
 * ```ts
 * const clock = testClock(new Date("2026-01-01T00:00:00Z"));
 * const auth = new AuthSkill({ now: clock.now });
 * clock.advance("16m"); // access tokens signed before this are now expired
 * ```
 */
export function testClock(start: Date | string | number = Math.floor(Date.now() / 1000) * 1000): TestClock {
  let ms = timeOf(start);
  return {
    now: () => new Date(ms),
    advance(duration) {
      ms += toMilliseconds(duration);
      return new Date(ms);
    },
    set(time) {
      ms = timeOf(time);
      return new Date(ms);
    },
  };
}

function timeOf(time: Date | string | number): number {
  const ms = (time instanceof Date ? time : new Date(time)).getTime();
  if (!Number.isFinite(ms)) throw new TypeError("testClock: the time must be a valid date");
  return ms;
}
