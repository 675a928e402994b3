/** The access tokens of sessions: which claims they carry beyond the registered ones. */
import { type PermissionMap, permissionsOf } from "./account/permissions.js";
import { type AccessTokenSigner, toUser } from "./sessions.js";
import type { AccessTokens } from "./tokens/access-token-service.js";
import type { User } from "./types.js";

/** Registered claims plus `roles`, `permissions` and `amr`, which the session signer sets: a claims hook cannot set them. */
const SESSION_RESERVED = new Set(["roles", "permissions", "amr"]);

/**
 * The access tokens of sessions: the user's roles (RFC 9068 §2.2.3.1, when they have any), the permissions
 * those roles grant under the `permissions` option (when any), and the `accessToken.claims` hook's claims,
 * which never override registered claims, `roles` or `permissions`.
 */
export function sessionSigner(
  tokens: AccessTokens,
  custom: ((user: User, session: { id: string }) => unknown) | undefined,
  permissions: PermissionMap = {},
): AccessTokenSigner {
  return async (user, sessionId, amr = []) => {
    const claims: Record<string, unknown> = {};
    if (custom !== undefined) {
      const extra = await custom(toUser(user), { id: sessionId });
      if (typeof extra !== "object" || extra === null || Array.isArray(extra)) throw new TypeError("accessToken.claims must return a plain object");
      for (const [name, value] of Object.entries(extra)) if (!SESSION_RESERVED.has(name)) claims[name] = value;
    }
    if (Array.isArray(user.roles) && user.roles.length > 0) {
      claims.roles = [...user.roles];
      const granted = permissionsOf(user.roles, permissions);
      if (granted.length > 0) claims.permissions = granted;
    }
    if (amr.length > 0) claims.amr = [...amr]; // RFC 8176: how the session's user authenticated
    return tokens.sign({ userId: user.id, sessionId, claims });
  };
}
