// The routes that start, renew, show and end sessions.
import { AuthError, isAuthError } from "../errors.js";
import type { SigninInput, SignupInput } from "../types.js";
import { readForm, readJson, requireString } from "./body.js";
import { clearRefreshCookie, readRefreshCookie } from "./cookies.js";
import { emptyResponse, httpError, jsonResponse, toResponse } from "./response.js";
import { claimsOf, signinResponse, tokenResponse, type Route, type RouteContext } from "./route-context.js";

const REFRESH_TOKEN_REQUIRED = "A refresh token is required.";

/** The refresh token of the request: the cookie in cookie mode, the `refreshToken` field in bearer mode. */
async function refreshTokenOf(ctx: RouteContext): Promise<string | null> {
  if (ctx.mode === "cookie") return readRefreshCookie(ctx.cookie, ctx.request);
  return requireString(await readJson(ctx.request, ["refreshToken"]), "refreshToken", REFRESH_TOKEN_REQUIRED);
}

/**
 * The optional `rememberMe` field of signup and signin: `false` ("remember me" unticked) starts a session that ends
 * with the browser; absent is `true`. Anything but a boolean is `INVALID_INPUT` naming the field.
 */
export function checkRememberMe(value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== "boolean") throw new AuthError("INVALID_INPUT", "rememberMe must be true or false.", { field: "rememberMe" });
  return value;
}

/** POST /signup: 201 with the session's tokens, or 202 `{ user }` under `requireEmailVerification`. */
export const signupRoute: Route = async (ctx) => {
  // The flow validates every field (INVALID_INPUT naming it); only the known ones are passed on.
  const { rememberMe, ...input } = await readJson(ctx.request, ["email", "password", "username", "name", "rememberMe"]);
  const result = await ctx.auth.signup(input as SignupInput, { ...ctx.client, rememberMe: checkRememberMe(rememberMe) });
  return "accessToken" in result ? tokenResponse(ctx, result, 201) : jsonResponse({ user: result.user }, 202);
};

/** POST /signin: 200 with the session's tokens, or `{ mfaRequired, mfaToken, methods }` for an account with a second factor. */
export const signinRoute: Route = async (ctx) => {
  const { rememberMe, ...input } = await readJson(ctx.request, ["email", "username", "password", "rememberMe"]);
  return signinResponse(ctx, await ctx.auth.signin(input as SigninInput, { ...ctx.client, rememberMe: checkRememberMe(rememberMe) }));
};

/**
 * POST /refresh: rotates the refresh token. In cookie mode a refused token (401) also clears the cookie: it
 * will never work again, and the page should sign in.
 */
export const refreshRoute: Route = async (ctx) => {
  const token = await refreshTokenOf(ctx);
  try {
    if (token === null) throw new AuthError("TOKEN_INVALID", REFRESH_TOKEN_REQUIRED);
    return tokenResponse(ctx, await ctx.auth.refresh(token, ctx.client));
  } catch (err) {
    if (ctx.mode !== "cookie" || !isAuthError(err) || err.status !== 401) throw err;
    const response = toResponse(err, ctx.request);
    response.headers.append("set-cookie", clearRefreshCookie(ctx.cookie));
    return response;
  }
};

/** POST /signout: ends the session of the refresh token (cookie or body); 204, and the cookie cleared. */
export const signoutRoute: Route = async (ctx) => {
  const token = await refreshTokenOf(ctx);
  if (token !== null) await ctx.auth.revoke(token);
  return emptyResponse(204, ctx.mode === "cookie" ? { "set-cookie": clearRefreshCookie(ctx.cookie) } : {});
};

/**
 * POST /revoke (RFC 7009): form-encoded `token` (and `token_type_hint`, which changes nothing: only refresh
 * tokens are revocable, access tokens expire). 200 for any token, ours or not, valid or not (§2.2); 400
 * `INVALID_INPUT` without a `token`.
 */
export const revokeRoute: Route = async (ctx) => {
  const form = await readForm(ctx.request);
  const token = form.get("token");
  if (token === null || token === "") throw new AuthError("INVALID_INPUT", "A token is required.", { field: "token" });
  await ctx.auth.revoke(token);
  return emptyResponse(200);
};

/** GET /session: the user and the session of the access token (`session` null for a token minted without one). */
export const sessionRoute: Route = async (ctx) => {
  const claims = await claimsOf(ctx);
  const user = await ctx.auth.getUser(claims.sub);
  if (user === null) throw new AuthError("TOKEN_REVOKED", "The user of this token no longer exists.");
  const session = claims.sid === undefined ? null : ((await ctx.auth.listSessions(claims.sub)).find((s) => s.id === claims.sid) ?? null);
  return jsonResponse({ user, session });
};

/** GET /sessions: the user's live sessions, newest first, the one making the request marked `current`. */
export const sessionsRoute: Route = async (ctx) => {
  const claims = await claimsOf(ctx);
  const sessions = await ctx.auth.listSessions(claims.sub);
  return jsonResponse({ sessions: sessions.map((s) => ({ ...s, current: s.id === claims.sid })) });
};

/** DELETE /sessions/:id: ends one of the user's own sessions (204); another user's, or none, is 404. */
export const deleteSessionRoute: Route = async (ctx) => {
  const claims = await claimsOf(ctx);
  const own = (await ctx.auth.listSessions(claims.sub)).some((s) => s.id === ctx.id);
  if (!own) return httpError(404, "NOT_FOUND", "There is no such session.");
  await ctx.auth.revokeSession(ctx.id);
  return emptyResponse(204);
};

/** GET /jwks: the public signing keys (empty for HS256); cacheable for five minutes. */
export const jwksRoute: Route = async (ctx) => jsonResponse(await ctx.auth.jwks(), 200, { "cache-control": "public, max-age=300" });
