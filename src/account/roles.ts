/** Role names: what `setRoles` accepts, and `hasRole` for the claims of a verified access token. */
import { AuthError } from "../errors.js";

/** A role name: 1-64 of letters, digits and `_ . : -`, starting with a letter or digit (no comma: Better Auth joins roles with one). */
const ROLE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
/** True when `name` is a role name `setRoles` accepts (the `permissions` option's role names follow the same rule). */
export const isRoleName = (name: string): boolean => ROLE.test(name);

/** The most roles one user may have: they travel in every access token. */
export const MAX_ROLES = 32;

/**
 * The roles to store: each name checked, duplicates dropped (first kept), at most {@link MAX_ROLES}.
 * Anything else is `INVALID_INPUT` (field `roles`); a value that is not an array of strings is a `TypeError`.
 */
export function checkRoles(roles: unknown): string[] {
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === "string")) throw new TypeError("setRoles: roles must be an array of strings");
  const unique = [...new Set(roles as string[])];
  if (unique.length > MAX_ROLES || !unique.every(isRoleName)) {
    throw new AuthError("INVALID_INPUT", `Roles are at most ${MAX_ROLES} names of 1 to 64 letters, digits, '_', '.', ':' or '-'.`, { field: "roles" });
  }
  return unique;
}

/**
 * True when verified access-token claims carry `role` in their `roles` claim (RFC 9068 §2.2.3.1). Use it on
 * the claims `verifyAccessToken` resolved, never on a token you have not verified.
 *
 * @example
 * ```ts
 * const claims = await auth.verifyAccessToken(bearer);
 * if (!hasRole(claims, "admin")) return new Response("Forbidden", { status: 403 });
 * ```
 */
export function hasRole(claims: { roles?: unknown }, role: string): boolean {
  return Array.isArray(claims?.roles) && claims.roles.includes(role);
}
