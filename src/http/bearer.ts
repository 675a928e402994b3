import type { SigninResult } from "../second-factor/types.js";
import type { AuthSkill } from "../auth-skill.js";
import { requirePermission } from "../account/permissions.js";
import { AuthError, isAuthError } from "../errors.js";
import type { AccessTokenClaims, AuthResult, PendingVerification } from "../types.js";

/** No access token we verify is longer (the core refuses longer ones unread). */
export const MAX_BEARER_TOKEN = 8192;

// RFC 6750 §2.1: "Bearer" (any case), one space, a token68 (RFC 7235: letters, digits, -._~+/ then any "=").
const BEARER = /^bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * The token of an `Authorization: Bearer <token>` header, or `null`: no header, another scheme, more than one
 * space, characters outside RFC 6750's token68, or a token longer than 8,192 characters (none of ours is).
 * Two `Authorization` headers (joined by the runtime with ", ") are no token either.
 *
 * @example
 * ```ts
 * import { getBearerToken } from "auth-skill/http";
 *
 * const request = new Request("https://api.example.com/me", { headers: { authorization: "Bearer eyJhbGciOi..." } });
 * getBearerToken(request); // "eyJhbGciOi..."
 * ```
 */
export function getBearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header === null || header.length > MAX_BEARER_TOKEN + 7) return null;
  const m = BEARER.exec(header);
  return m ? m[1]! : null;
}

/** Options of {@link authenticate}. */
export interface AuthenticateOptions {
  /** Also check that the token's session is live (default: the instance's `accessToken.checkRevocation`). */
  checkRevocation?: boolean | undefined;
  /**
   * A permission (or several, all required) the token's roles must grant, as `requirePermission` checks it
   * (wildcards such as `"posts:*"` in the instance's `permissions` map): `FORBIDDEN` (403) otherwise.
   */
  permission?: string | readonly string[] | undefined;
}

/**
 * The `FORBIDDEN` errors {@link authenticate} threw for a missing permission (not, say, a refused origin): their
 * 403 carries RFC 6750 §3.1's `WWW-Authenticate: Bearer error="insufficient_scope"`.
 */
export const insufficientScope = new WeakSet<AuthError>();

/** What {@link authenticate} needs of an `AuthSkill`. */
export type AccessTokenVerifier = Pick<AuthSkill<AuthResult | PendingVerification, SigninResult>, "verifyAccessToken">;

/**
 * Verifies the request's bearer access token and resolves its claims. Throws `AuthError`: `TOKEN_INVALID` when
 * there is no (well-formed) bearer token — the code a client already handles by getting a new token; with
 * {@link toResponse} its 401 carries `WWW-Authenticate: Bearer` without an error code, as RFC 6750 §3.1 asks
 * for a request without credentials — and `TOKEN_INVALID`, `TOKEN_EXPIRED` or `TOKEN_REVOKED` (with
 * `checkRevocation`) for a bad one; `FORBIDDEN` (403) when the token's roles do not grant `permission`.
 *
 * @example
 * ```ts
 * import { AuthSkill } from "auth-skill";
 * import { authenticate, toResponse } from "auth-skill/http";
 *
 * const auth = new AuthSkill();
 * export async function handle(request: Request): Promise<Response> {
 *   try {
 *     const claims = await authenticate(auth, request, { checkRevocation: true, permission: "posts:write" });
 *     return Response.json({ userId: claims.sub });
 *   } catch (err) {
 *     return toResponse(err, request);
 *   }
 * }
 * ```
 */
export async function authenticate(auth: AccessTokenVerifier, request: Request, options: AuthenticateOptions = {}): Promise<AccessTokenClaims> {
  const { permission } = options;
  if (permission !== undefined && typeof permission !== "string" && !Array.isArray(permission)) {
    throw new TypeError("authenticate: permission must be a string or a list of strings");
  }
  const token = getBearerToken(request);
  if (token === null) throw new AuthError("TOKEN_INVALID", "An access token is required (Authorization: Bearer <token>).");
  const claims = await auth.verifyAccessToken(token, options.checkRevocation === undefined ? undefined : { checkRevocation: options.checkRevocation });
  if (permission !== undefined) {
    try {
      requirePermission(claims, ...(typeof permission === "string" ? [permission] : permission));
    } catch (err) {
      if (isAuthError(err)) insufficientScope.add(err); // toResponse: WWW-Authenticate error="insufficient_scope"
      throw err;
    }
  }
  return claims;
}
