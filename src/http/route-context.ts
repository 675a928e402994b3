import type { SigninResult } from "../second-factor/types.js";
import type { AuthSkill } from "../auth-skill.js";
import type { AccessTokenClaims, AuthResult, PendingVerification, RequestContext } from "../types.js";
import { authenticate } from "./bearer.js";
import { setRefreshCookie, type RefreshCookie } from "./cookies.js";
import { jsonResponse } from "./response.js";

/** Any `AuthSkill` instance (whatever its `signup` resolves). */
export type HandlerAuth = AuthSkill<AuthResult | PendingVerification, SigninResult>;

/** Where the refresh token travels: JSON bodies (`"bearer"`) or an HttpOnly cookie (`"cookie"`). */
export type HandlerMode = "bearer" | "cookie";

/** What a route gets: the instance, the request and what the handler worked out about it. */
export interface RouteContext {
  auth: HandlerAuth;
  request: Request;
  /** The client address (from `clientIp`) and `User-Agent`, for the flows. */
  client: RequestContext;
  mode: HandlerMode;
  cookie: RefreshCookie;
  /** The `:id` of `/sessions/:id` or `/passkeys/:id`, percent-decoded. */
  id: string;
}

/** A route: one method of one path. */
export type Route = (ctx: RouteContext) => Promise<Response>;

/**
 * The claims of the request's access token. The handler's own routes always check that the token's session is
 * still live: they change or reveal the account, so a signed-out session's token must not reach them.
 */
export function claimsOf(ctx: RouteContext): Promise<AccessTokenClaims> {
  return authenticate(ctx.auth, ctx.request, { checkRevocation: true });
}

/**
 * The response carrying a new session's tokens, `Cache-Control: no-store`. Bearer mode: the whole
 * `AuthResult`. Cookie mode: the refresh token only in the `Set-Cookie` header, the rest in the body; the
 * cookie of a session started with `rememberMe: false` has no expiry, so it ends with the browser.
 */
export function tokenResponse(ctx: RouteContext, result: AuthResult, status = 200): Response {
  if (ctx.mode === "bearer") return jsonResponse(result, status);
  const { refreshToken, ...body } = result;
  const expiresAt = result.rememberMe ? result.refreshTokenExpiresAt : null;
  return jsonResponse(body, status, { "set-cookie": setRefreshCookie(ctx.cookie, refreshToken, expiresAt) });
}

/**
 * The answer to a sign-in: the session's tokens ({@link tokenResponse}), or — for an account with a second factor —
 * `{ mfaRequired: true, mfaToken, mfaTokenExpiresAt, methods }` with no cookie and no token: nothing that counts as
 * signed in until `POST /mfa/verify`.
 */
export function signinResponse(ctx: RouteContext, result: SigninResult, status = 200): Response {
  if (!("mfaRequired" in result)) return tokenResponse(ctx, result, status);
  const { mfaRequired, mfaToken, mfaTokenExpiresAt, methods } = result;
  return jsonResponse({ mfaRequired, mfaToken, mfaTokenExpiresAt, methods }, 200);
}
