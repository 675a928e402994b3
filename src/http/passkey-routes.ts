// Passkeys over HTTP, when the instance has `passkeys` configured (404 otherwise). Registering and listing need a
// signed-in user (`Authorization: Bearer`, a live session); the sign-in routes are open, limited per client by the
// flow. The options are the JSON the browser passes to navigator.credentials (or @simplewebauthn/browser); the
// answers are the browser's JSON, checked by the flow.
import { isConfigured } from "../second-factor/configured.js";
import type { PasskeysApi } from "../second-factor/types.js";
import { EarlyResponse, readJson } from "./body.js";
import { emptyResponse, httpError, jsonResponse } from "./response.js";
import { claimsOf, signinResponse, type Route, type RouteContext } from "./route-context.js";
import { checkRememberMe } from "./session-routes.js";

/** The instance's passkeys, or a 404: the routes do not exist without the option. */
function passkeysOf(ctx: RouteContext): PasskeysApi {
  if (!isConfigured(ctx.auth.passkeys)) throw new EarlyResponse(httpError(404, "NOT_FOUND", "Not found."));
  return ctx.auth.passkeys;
}

/** POST /passkeys/registration-options (authenticated, no body): 200, the creation options. */
export const passkeyRegistrationOptionsRoute: Route = async (ctx) => {
  const api = passkeysOf(ctx);
  const claims = await claimsOf(ctx);
  return jsonResponse(await api.registrationOptions(claims.sub));
};

/** POST /passkeys/register `{ response, name? }` (authenticated): 201 `{ passkey }`. */
export const passkeyRegisterRoute: Route = async (ctx) => {
  const api = passkeysOf(ctx);
  const claims = await claimsOf(ctx);
  const { response, name } = await readJson(ctx.request, ["response", "name"]);
  const passkey = await api.verifyRegistration(claims.sub, response, name === undefined ? {} : { name: name as string });
  return jsonResponse({ passkey }, 201);
};

/** POST /passkeys/authentication-options `{ email? }`: 200, the request options (no body: a usernameless sign-in). */
export const passkeyAuthenticationOptionsRoute: Route = async (ctx) => {
  const api = passkeysOf(ctx);
  const hasBody = ctx.request.body !== null && ctx.request.headers.get("content-type") !== null;
  const { email } = hasBody ? await readJson(ctx.request, ["email"]) : {};
  return jsonResponse(await api.authenticationOptions(email === undefined ? {} : { email: email as string }, ctx.client));
};

/**
 * POST /passkeys/signin `{ response, rememberMe? }`: 200 with the session's tokens (as /signin), or 200
 * `{ mfaRequired, mfaToken, ... }` for an account whose second factor is still due.
 */
export const passkeySigninRoute: Route = async (ctx) => {
  const api = passkeysOf(ctx);
  const { response, rememberMe } = await readJson(ctx.request, ["response", "rememberMe"]);
  const result = await api.verifyAuthentication(response, { ...ctx.client, rememberMe: checkRememberMe(rememberMe) });
  return signinResponse(ctx, result);
};

/** GET /passkeys (authenticated): 200 `{ passkeys }`, oldest first. */
export const passkeysListRoute: Route = async (ctx) => {
  const api = passkeysOf(ctx);
  const claims = await claimsOf(ctx);
  return jsonResponse({ passkeys: await api.list(claims.sub) });
};

/** DELETE /passkeys/:id (authenticated): 204, or 404 when the user has no such passkey. */
export const passkeyDeleteRoute: Route = async (ctx) => {
  const api = passkeysOf(ctx);
  const claims = await claimsOf(ctx);
  if (!(await api.remove(claims.sub, ctx.id))) return httpError(404, "NOT_FOUND", "There is no such passkey.");
  return emptyResponse(204);
};
