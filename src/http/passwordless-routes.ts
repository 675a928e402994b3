// Signing in by mail: ask for a magic link or an email code (202 whether or not the address has an account), then
// sign in with it (the session's tokens, as /signin answers). Links in the mail are the app's `email.send` business.
import type { SigninContext } from "../types.js";
import { readJson } from "./body.js";
import { emptyResponse } from "./response.js";
import { signinResponse, type Route, type RouteContext } from "./route-context.js";
import { checkRememberMe } from "./session-routes.js";

/** The flow's context: the client, and the body's optional `rememberMe`. */
const signinContext = (ctx: RouteContext, rememberMe: unknown): SigninContext => ({ ...ctx.client, rememberMe: checkRememberMe(rememberMe) });

/** POST /magic-link/request `{ email }`: 202, whether or not the address has an account. */
export const magicLinkRequestRoute: Route = async (ctx) => {
  await ctx.auth.requestMagicLink((await readJson(ctx.request, ["email"])) as { email: string }, ctx.client);
  return emptyResponse(202);
};

/** POST /magic-link/signin `{ token, rememberMe? }`: 200 with the session's tokens (or the second factor's challenge, as /signin). */
export const magicLinkSigninRoute: Route = async (ctx) => {
  const { rememberMe, ...input } = await readJson(ctx.request, ["token", "rememberMe"]);
  return signinResponse(ctx, await ctx.auth.signinWithMagicLink(input as { token: string }, signinContext(ctx, rememberMe)));
};

/** POST /email-code/request `{ email }`: 202, whether or not the address has an account. */
export const emailCodeRequestRoute: Route = async (ctx) => {
  await ctx.auth.requestEmailCode((await readJson(ctx.request, ["email"])) as { email: string }, ctx.client);
  return emptyResponse(202);
};

/** POST /email-code/signin `{ email, code, rememberMe? }`: 200 with the session's tokens (or the second factor's challenge, as /signin). */
export const emailCodeSigninRoute: Route = async (ctx) => {
  const { rememberMe, ...input } = await readJson(ctx.request, ["email", "code", "rememberMe"]);
  return signinResponse(ctx, await ctx.auth.signinWithEmailCode(input as { email: string; code: string }, signinContext(ctx, rememberMe)));
};
