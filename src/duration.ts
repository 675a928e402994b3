const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** A duration: seconds as a number, or a string such as `"90s"`, `"15m"`, `"12h"`, `"30d"`, `"2w"`. */
export type Duration = number | string;

/**
 * Converts a {@link Duration} to whole milliseconds. Throws `TypeError` for anything else.
 *
 * @example
 * ```ts
 * toMilliseconds("15m"); // 900000
 * toMilliseconds(30);    // 30000
 * ```
 */
export function toMilliseconds(value: Duration): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) throw new TypeError("A duration must be a non-negative number of seconds");
    return Math.round(value * 1000);
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/.exec(value);
  if (!match) throw new TypeError('A duration must look like "30s", "15m", "12h", "30d" or "2w"');
  return Math.round(Number(match[1]) * UNIT_SECONDS[match[2]!]! * 1000);
}
