/**
 * Permissions: the `permissions` option maps role names to permission names, a session's access tokens carry
 * the permissions of the user's roles (a `permissions` claim), and `can` / `requirePermission` check verified
 * claims without a lookup — in this service or any other that verifies the token.
 *
 * A permission is `resource:action` (any number of `:`-separated segments of letters, digits, `_ . -`). A
 * segment `*` grants every value of that segment and of the segments after it: `posts:*` grants `posts:write`
 * and `posts:comments:delete`, and `*` alone grants everything. Wildcards are for grants in the map; what you
 * check is always a concrete permission.
 */
import { AuthError } from "../errors.js";
import { isRoleName } from "./roles.js";

/** Roles to the permissions they grant, e.g. `{ admin: ["*"], editor: ["posts:*", "media:upload"] }`. */
export type PermissionMap = Readonly<Record<string, readonly string[]>>;

const SEGMENT = "[A-Za-z0-9_.-]{1,64}";
/** A grant: segments, the last of which may be `*`. */
const GRANT = new RegExp(`^(?:${SEGMENT}:){0,7}(?:${SEGMENT}|\\*)$`);
/** A permission checked: segments, no wildcard. */
const PERMISSION = new RegExp(`^(?:${SEGMENT}:){0,7}${SEGMENT}$`);

/** A problem with the `permissions` option, or null. Role names follow `setRoles`' rule; at most 64 grants a role. */
export function permissionMapProblem(map: Record<string, unknown>): string | null {
  for (const [role, grants] of Object.entries(map)) {
    if (!isRoleName(role)) return `role names are 1-64 of letters, digits, '_', '.', ':' or '-'`;
    if (!Array.isArray(grants) || grants.length > 64 || !grants.every((g) => typeof g === "string" && GRANT.test(g))) {
      return `${role} must list at most 64 permissions like "posts:write" or "posts:*"`;
    }
  }
  return null;
}

/** The permissions the roles grant, each once, in the map's order; roles the map does not name grant nothing. */
export function permissionsOf(roles: readonly string[], map: PermissionMap): string[] {
  const granted = new Set<string>();
  for (const role of roles) if (Object.hasOwn(map, role)) for (const grant of map[role]!) granted.add(grant);
  return [...granted];
}

/** True when `grant` (possibly ending in `*`) grants `permission`. */
function grants(grant: string, permission: string): boolean {
  if (grant === permission || grant === "*") return true;
  return grant.endsWith(":*") && permission.startsWith(grant.slice(0, -1)); // "posts:*" covers "posts:…"
}

/**
 * True when verified access-token claims grant `permission` through their `permissions` claim (wildcards
 * included). Use it on the claims `verifyAccessToken` resolved, never on a token you have not verified. A
 * `permission` that is not a concrete name (empty, a wildcard, a bad character) is never granted.
 *
 * @example
 * ```ts
 * const claims = await auth.verifyAccessToken(bearer);
 * if (!can(claims, "posts:write")) return new Response("Forbidden", { status: 403 });
 * ```
 */
export function can(claims: { permissions?: unknown }, permission: string): boolean {
  if (typeof permission !== "string" || !PERMISSION.test(permission)) return false;
  const held = claims?.permissions;
  return Array.isArray(held) && held.some((grant) => typeof grant === "string" && grants(grant, permission));
}

/**
 * Throws `FORBIDDEN` (403) unless the verified claims grant every one of `permissions`.
 *
 * @example
 * ```ts
 * const claims = await auth.verifyAccessToken(bearer);
 * requirePermission(claims, "users:read", "users:write"); // AuthError FORBIDDEN otherwise
 * ```
 */
export function requirePermission(claims: { permissions?: unknown }, ...permissions: string[]): void {
  if (permissions.length === 0 || !permissions.every((p) => can(claims, p))) {
    throw new AuthError("FORBIDDEN", "You do not have permission to do this.");
  }
}
