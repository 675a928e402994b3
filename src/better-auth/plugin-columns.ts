import { DISABLED_FOREVER_MS } from "../account/gates.js";
import { AuthError } from "../errors.js";
import { fromDb } from "./db.js";

/**
 * The columns Better Auth's plugins add to `user` that gate sign-in: the admin plugin's `banned` and
 * `banExpires`, the twoFactor plugin's `twoFactorEnabled`; and the admin plugin's `role`, read as roles. The bridge reads `user.*`, so a row carries them
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

/**
 * The plugin fields of a row, as `UserRecord` fields: only those whose columns exist. A NULL `twoFactorEnabled` (a
 * user the twoFactor plugin never wrote, such as one created through AuthSkill) reads without the field, which means
 * off, as in AuthSkill's other stores; the second-factor operations write it.
 */
export function gateFields(row: Record<string, unknown>): { disabledUntil?: Date | null; twoFactorEnabled?: boolean } {
  const disabledUntil = banUntil(row);
  const twoFactorEnabled = row.twoFactorEnabled === null ? undefined : secondFactorOn(row);
  return { ...(disabledUntil !== undefined ? { disabledUntil } : {}), ...(twoFactorEnabled !== undefined ? { twoFactorEnabled } : {}) };
}

/**
 * The admin plugin's `role` of a `user` row as `UserRecord.roles`: its comma-separated names (as Better Auth splits
 * them), `[]` without the column or for NULL. A NULL role is Better Auth's `defaultRole` there ("user" unless
 * configured): the bridge reports only what is stored.
 *
 * @example
 * ```ts
 * rolesOf({ role: "admin,user" }); // ["admin", "user"]
 * ```
 */
export function rolesOf(row: Record<string, unknown>): string[] {
  return typeof row.role === "string" ? row.role.split(",").filter((r) => r !== "") : [];
}

/**
 * Roles as the admin plugin's `role` column: comma-joined, NULL for none. A role name holding a comma cannot be
 * told apart there: `INVALID_INPUT`.
 *
 * @example
 * ```ts
 * roleColumn(["admin", "user"]); // "admin,user"
 * ```
 */
export function roleColumn(roles: readonly string[]): string | null {
  if (roles.some((r) => typeof r !== "string" || r === "" || r.includes(","))) {
    throw new AuthError("INVALID_INPUT", "Each role must be a non-empty name without a comma.", { field: "roles" });
  }
  return roles.length === 0 ? null : roles.join(",");
}
