import { DISABLED_FOREVER_MS } from "../account/gates.js";
import { boolFromDb, fromDb } from "./db.js";

/**
 * The columns Better Auth's plugins add to `user` that gate sign-in: the admin plugin's `banned` and
 * `banExpires`, the twoFactor plugin's `twoFactorEnabled`. The bridge reads `user.*`, so a row carries them
 * exactly when the plugins' migrations ran: nothing to configure or detect, and a column added later is seen
 * at once. Their default names are assumed (as for every Better Auth column the bridge reads).
 */

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
  if (!boolFromDb(row.banned)) return null;
  return row.banExpires === null || row.banExpires === undefined ? new Date(DISABLED_FOREVER_MS) : fromDb(row.banExpires);
}

/**
 * The twoFactor plugin's `twoFactorEnabled` of a `user` row (`undefined` without the column; NULL is false).
 *
 * @example
 * ```ts
 * secondFactorOn({ twoFactorEnabled: 1 }); // true (SQLite)
 * ```
 */
export function secondFactorOn(row: Record<string, unknown>): boolean | undefined {
  return "twoFactorEnabled" in row ? boolFromDb(row.twoFactorEnabled) : undefined;
}

/** The plugin fields of a row, as `UserRecord` fields: only those whose columns exist. */
export function gateFields(row: Record<string, unknown>): { disabledUntil?: Date | null; twoFactorEnabled?: boolean } {
  const disabledUntil = banUntil(row);
  const twoFactorEnabled = secondFactorOn(row);
  return { ...(disabledUntil !== undefined ? { disabledUntil } : {}), ...(twoFactorEnabled !== undefined ? { twoFactorEnabled } : {}) };
}
