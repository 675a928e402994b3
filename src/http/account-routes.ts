// The account routes: password reset and change, email verification and change. The flows validate every field
// (INVALID_INPUT naming it) and answer requests that send mail the same way whether or not the account exists;
// these routes only pick the known fields and choose the status. No route builds a link or redirects: the links
// in the mail are the app's `email.send` business, built from its own configuration.
import { emptyResponse, jsonResponse } from "./response.js";
import { readJson } from "./body.js";
import { claimsOf, type Route } from "./route-context.js";

type Strings<K extends string> = { [P in K]: string };

/** Reads the JSON body's `names`, typed for the flow that validates them. */
async function body<K extends string>(request: Request, names: readonly K[]): Promise<Strings<K>> {
  return (await readJson(request, names)) as Strings<K>;
}

/** POST /password/reset-request `{ email }`: 202, whether or not the address has an account. */
export const resetRequestRoute: Route = async (ctx) => {
  await ctx.auth.requestPasswordReset(await body(ctx.request, ["email"]), ctx.client);
  return emptyResponse(202);
};

/** POST /password/reset `{ token, password }`: 200 `{ user }`; every session of the user ends; nobody is signed in. */
export const resetRoute: Route = async (ctx) => {
  const { user } = await ctx.auth.resetPassword(await body(ctx.request, ["token", "password"]), ctx.client);
  return jsonResponse({ user });
};

/** POST /password/change `{ currentPassword, newPassword }` (authenticated): 204; the user's other sessions end. */
export const changePasswordRoute: Route = async (ctx) => {
  const claims = await claimsOf(ctx);
  const input = await body(ctx.request, ["currentPassword", "newPassword"]);
  await ctx.auth.changePassword({ userId: claims.sub, currentPassword: input.currentPassword, newPassword: input.newPassword, keepSessionId: claims.sid });
  return emptyResponse(204);
};

/** POST /email/verify-request (authenticated, no body): 202; nothing is sent for an address already verified. */
export const verifyRequestRoute: Route = async (ctx) => {
  const claims = await claimsOf(ctx);
  await ctx.auth.requestEmailVerification(claims.sub);
  return emptyResponse(202);
};

/** POST /email/verify `{ token }`: 200 `{ user }`. */
export const verifyRoute: Route = async (ctx) => {
  const { user } = await ctx.auth.verifyEmail(await body(ctx.request, ["token"]));
  return jsonResponse({ user });
};

/** POST /email/change `{ newEmail, password }` (authenticated): 202; the confirmation goes to the new address. */
export const emailChangeRoute: Route = async (ctx) => {
  const claims = await claimsOf(ctx);
  const input = await body(ctx.request, ["newEmail", "password"]);
  await ctx.auth.requestEmailChange({ userId: claims.sub, newEmail: input.newEmail, password: input.password });
  return emptyResponse(202);
};

/** POST /email/change/confirm `{ token }`: 200 `{ user }` with the new address. */
export const emailChangeConfirmRoute: Route = async (ctx) => {
  const { user } = await ctx.auth.confirmEmailChange(await body(ctx.request, ["token"]));
  return jsonResponse({ user });
};
