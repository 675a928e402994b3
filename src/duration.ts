const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** A duration: seconds as a number, or a string such as `"90s"`, `"15m"`, `"12h"`, `"30d"`, `"2w"`. */
export type Duration = number | string;

/**
 * The longest duration any option accepts: 400 days. Longer ones (and `Infinity`, `1e308`) are mistakes that
 * would make something live forever or overflow a date; the longest real need, a refresh-token lifetime, is
 * months (browsers cap cookie lifetimes at 400 days, RFC 6265bis §5.5).
 */
export const MAX_DURATION_MS = 400 * 86_400_000;

/** The longest access-token lifetime: 24 hours (RFC 9068 tokens are meant to be short-lived; 15 minutes is the default). */
export const MAX_ACCESS_TTL_MS = 86_400_000;

/**
 * Converts a {@link Duration} to whole milliseconds. Throws `TypeError` for anything else: a negative,
 * non-finite or non-numeric value, or one longer than `maxMs` (default {@link MAX_DURATION_MS}, 400 days).
 *
 * @example
 * ```ts
 * toMilliseconds("15m"); // 900000
 * toMilliseconds(30);    // 30000
 * toMilliseconds(1e308); // throws TypeError
 * ```
 */
export function toMilliseconds(value: Duration, maxMs: number = MAX_DURATION_MS): number {
  let ms: number;
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) throw new TypeError("A duration must be a non-negative, finite number of seconds");
    ms = Math.round(value * 1000);
  } else {
    const match = typeof value === "string" ? /^\s*(\d{1,12}(?:\.\d{1,9})?)\s*([smhdw])\s*$/.exec(value) : null;
    if (!match) throw new TypeError('A duration must look like "30s", "15m", "12h", "30d" or "2w"');
    ms = Math.round(Number(match[1]) * UNIT_SECONDS[match[2]!]! * 1000);
  }
  if (!Number.isFinite(ms) || ms > maxMs) throw new TypeError(`A duration must be at most ${describe(maxMs)}`);
  return ms;
}

function describe(ms: number): string {
  if (ms >= 2 * 86_400_000 && ms % 86_400_000 === 0) return `${ms / 86_400_000} days`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hours`;
  return `${ms / 1000} seconds`;
}
