import { DISABLED_FOREVER_MS } from "../account/gates.js";
import { fromDb } from "./db.js";

/**
 * The columns Better Auth's plugins add to `user` that gate sign-in: the admin plugin's `banned` and
 * `banExpires`, the twoFactor plugin's `twoFactorEnabled`. The bridge reads `user.*`, so a row carries them
 * exactly when the plugins' migrations ran: nothing to configure or detect, and a column added later is seen
 * at once. Their default names are assumed (as for every Better Auth column the bridge reads).
 */

/**
 * A gating flag as stored (boolean on PostgreSQL, 0/1 on SQLite), read failing closed: only a clear false
 * (NULL, false, 0, "0", "f", "false") is off; anything else a tool may have written counts as on.
 */
function flagOn(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === 0n) return false;
  return !(typeof value === "string" && /^(?:0|f|false)$/i.test(value.trim()));
}

/**
 * The ban of a `user` row as `UserRecord.disabledUntil`: `undefined` without the admin plugin's columns, `null`
 * when not banned, `banExpires` for a temporary ban and the largest Date for one without end. Better Auth
 * lifts a ban once `banExpires` is past; so does the gate (a past `disabledUntil` does not disable).
 *
 * @example
 * ```ts
 * banUntil({ banned: true, banExpires: null }); // new Date(8.64e15)
 * ```
 */
export function banUntil(row: Record<string, unknown>): Date | null | undefined {
  if (!("banned" in row)) return undefined;
  if (!flagOn(row.banned)) return null;
  return row.banExpires === null || row.banExpires === undefined ? new Date(DISABLED_FOREVER_MS) : fromDb(row.banExpires);
}

/**
 * The twoFactor plugin's `twoFactorEnabled` of a `user` row (`undefined` without the column; NULL is false;
 * read failing closed like the ban).
 *
 * @example
 * ```ts
 * secondFactorOn({ twoFactorEnabled: 1 }); // true (SQLite)
 * ```
 */
export function secondFactorOn(row: Record<string, unknown>): boolean | undefined {
  return "twoFactorEnabled" in row ? flagOn(row.twoFactorEnabled) : undefined;
}

/**
 * The admin plugin's `banned` as the bridge's `getSession` shows it (read failing closed).
 *
 * @example
 * ```ts
 * bannedFlag({ banned: 1 }); // true
 * ```
 */
export function bannedFlag(row: Record<string, unknown>): boolean {
  return flagOn(row.banned);
}

/** The plugin fields of a row, as `UserRecord` fields: only those whose columns exist. */
export function gateFields(row: Record<string, unknown>): { disabledUntil?: Date | null; twoFactorEnabled?: boolean } {
  const disabledUntil = banUntil(row);
  const twoFactorEnabled = secondFactorOn(row);
  return { ...(disabledUntil !== undefined ? { disabledUntil } : {}), ...(twoFactorEnabled !== undefined ? { twoFactorEnabled } : {}) };
}
