// The second factor over HTTP: finishing a sign-in that answered `mfaRequired`, and the signed-in user's authenticator
// app (TOTP) and recovery codes. Without the `totp` option these answer 500 CONFIG_ERROR, as `auth.totp` does.
import type { SecondFactorInput } from "../second-factor/types.js";
import { readJson } from "./body.js";
import { emptyResponse, jsonResponse } from "./response.js";
import { claimsOf, tokenResponse, type Route } from "./route-context.js";

/** POST /mfa/verify `{ mfaToken, code }` or `{ mfaToken, recoveryCode }`: 200 with the session's tokens. */
export const mfaVerifyRoute: Route = async (ctx) => {
  const input = await readJson(ctx.request, ["mfaToken", "code", "recoveryCode"]);
  return tokenResponse(ctx, await ctx.auth.verifySecondFactor(input as SecondFactorInput, ctx.client));
};

/** GET /totp (authenticated): 200 `{ enabled, pending, recoveryCodes }`. */
export const totpStatusRoute: Route = async (ctx) => jsonResponse(await ctx.auth.totp.status((await claimsOf(ctx)).sub));

/** POST /totp/enroll (authenticated, no body): 200 `{ secret, uri }` — show the URI as a QR code. */
export const totpEnrollRoute: Route = async (ctx) => jsonResponse(await ctx.auth.totp.enroll((await claimsOf(ctx)).sub));

/** POST /totp/confirm `{ code }` (authenticated): 200 `{ recoveryCodes }`, shown once. */
export const totpConfirmRoute: Route = async (ctx) => {
  const claims = await claimsOf(ctx);
  const { code } = await readJson(ctx.request, ["code"]);
  return jsonResponse(await ctx.auth.totp.confirm(claims.sub, code as string));
};

/** POST /totp/disable `{ code }`, `{ recoveryCode }` or `{ password }` (authenticated): 204. */
export const totpDisableRoute: Route = async (ctx) => {
  const claims = await claimsOf(ctx);
  const proof = await readJson(ctx.request, ["code", "recoveryCode", "password"]);
  await ctx.auth.totp.disable(claims.sub, proof as { code: string });
  return emptyResponse(204);
};

/** POST /totp/recovery-codes (authenticated, no body): 200 `{ recoveryCodes }`; the old set is void. */
export const recoveryCodesRoute: Route = async (ctx) => jsonResponse(await ctx.auth.totp.regenerateRecoveryCodes((await claimsOf(ctx)).sub));
