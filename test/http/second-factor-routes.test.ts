// The second factor over HTTP (createAuthHandler, bearer and cookie modes): POST /signin of a TOTP account answers the
// challenge with no cookie and no token, POST /mfa/verify gives the session, the /totp routes need a live access token,
// and without the totp option they answer 500 CONFIG_ERROR with the generic message.
import { generate, ScureBase32Plugin } from "otplib";
import { describe, expect, it } from "vitest";
import { totp } from "../../src/totp/index.js";
import { bearer, errorOf, ORIGIN, PASSWORD, setup } from "./support.js";

const base32 = new ScureBase32Plugin();
const SAME_ORIGIN = { origin: ORIGIN };
const COOKIE = "__Host-auth-refresh";
const GENERIC = "Something went wrong. Please try again.";
const TOTP_ROUTES = [
  ["GET", "/totp", undefined],
  ["POST", "/totp/enroll", undefined],
  ["POST", "/totp/confirm", { code: "123456" }],
  ["POST", "/totp/recovery-codes", undefined],
  ["POST", "/totp/disable", { password: PASSWORD }],
] as const;

/** A handler in `mode` over an instance with TOTP, and a user who enrolled through the routes. */
async function enrolledOver(mode: "bearer" | "cookie") {
  const t = setup(mode === "cookie" ? { mode, trustedOrigins: [ORIGIN] } : { mode }, { totp: totp({ issuer: "Example" }) });
  const { email, body } = await t.signup(undefined, SAME_ORIGIN);
  const headers = { ...bearer(body.accessToken), ...SAME_ORIGIN };
  const enroll = await t.call("POST", "/totp/enroll", { headers });
  expect(enroll.status).toBe(200);
  const { secret, uri } = (await enroll.json()) as { secret: string; uri: string };
  expect(uri).toContain(`secret=${secret}`);
  const codeAt = (steps = 0) => generate({ secret: base32.decode(secret), epoch: Math.floor(t.clock.now().getTime() / 1000) + steps * 30 });
  const confirm = await t.call("POST", "/totp/confirm", { json: { code: await codeAt() }, headers });
  expect(confirm.status).toBe(200);
  const { recoveryCodes } = (await confirm.json()) as { recoveryCodes: string[] };
  expect(recoveryCodes).toHaveLength(10);
  t.clock.advance(30);
  const status = await t.call("GET", "/totp", { headers });
  expect(await status.json()).toEqual({ enabled: true, pending: false, recoveryCodes: 10 });
  return { ...t, email, headers, accessToken: body.accessToken, codeAt, recoveryCodes };
}

for (const mode of ["bearer", "cookie"] as const) {
  describe(`second factor over HTTP, ${mode} mode`, () => {
    it("POST /signin answers 200 { mfaRequired, mfaToken, mfaTokenExpiresAt, methods }: no Set-Cookie, no token", async () => {
      const t = await enrolledOver(mode);
      const response = await t.call("POST", "/signin", { json: { email: t.email, password: PASSWORD }, headers: SAME_ORIGIN });
      expect(response.status).toBe(200);
      expect(response.headers.get("set-cookie")).toBeNull();
      expect(response.headers.get("cache-control")).toBe("no-store");
      const body = (await response.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(["methods", "mfaRequired", "mfaToken", "mfaTokenExpiresAt"]);
      expect(body).toMatchObject({ mfaRequired: true, methods: ["totp", "recovery-code"] });
      expect(new Date(body.mfaTokenExpiresAt as string).getTime()).toBe(t.clock.now().getTime() + 5 * 60_000);
      expect(body).not.toHaveProperty("accessToken");
      expect(body).not.toHaveProperty("refreshToken");
      // the mfaToken opens no route and refreshes nothing
      const asBearer = await t.call("GET", "/session", { headers: bearer(body.mfaToken as string) });
      expect(asBearer.status).toBe(401);
      const asRefresh =
        mode === "bearer"
          ? await t.call("POST", "/refresh", { json: { refreshToken: body.mfaToken } })
          : await t.call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `${COOKIE}=${String(body.mfaToken)}` } });
      expect(asRefresh.status).toBe(401);
    });

    it("POST /mfa/verify with the code gives the session's tokens (cookie mode: the refresh cookie); a wrong code is 401 INVALID_CREDENTIALS", async () => {
      const t = await enrolledOver(mode);
      const signin = await t.call("POST", "/signin", { json: { email: t.email, password: PASSWORD }, headers: SAME_ORIGIN });
      const { mfaToken } = (await signin.json()) as { mfaToken: string };
      const right = await t.codeAt();
      const wrong = right === "000000" ? "111111" : "000000";
      const refused = await t.call("POST", "/mfa/verify", { json: { mfaToken, code: wrong }, headers: SAME_ORIGIN });
      expect(refused.status).toBe(401);
      expect(refused.headers.get("set-cookie")).toBeNull();
      expect(await errorOf(refused)).toMatchObject({ code: "INVALID_CREDENTIALS" });
      const response = await t.call("POST", "/mfa/verify", { json: { mfaToken, code: right }, headers: SAME_ORIGIN });
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const body = (await response.json()) as { accessToken: string; refreshToken?: string };
      expect((await t.auth.verifyAccessToken(body.accessToken)).amr).toEqual(["pwd", "otp", "mfa"]);
      if (mode === "bearer") {
        expect(body.refreshToken).toEqual(expect.any(String));
        expect(response.headers.get("set-cookie")).toBeNull();
      } else {
        expect(body).not.toHaveProperty("refreshToken");
        const cookie = /^__Host-auth-refresh=([^;]+);/.exec(response.headers.get("set-cookie") ?? "")?.[1];
        expect(cookie).toEqual(expect.any(String));
        const refreshed = await t.call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `${COOKIE}=${cookie}` } });
        expect(refreshed.status).toBe(200);
      }
      // the challenge is spent
      const again = await t.call("POST", "/mfa/verify", { json: { mfaToken, code: await t.codeAt(1) }, headers: SAME_ORIGIN });
      expect(again.status).toBe(401);
    });

    it("a recovery code finishes the sign-in once; both code and recoveryCode is 400 INVALID_INPUT", async () => {
      const t = await enrolledOver(mode);
      const mfaToken = async () =>
        ((await (await t.call("POST", "/signin", { json: { email: t.email, password: PASSWORD }, headers: SAME_ORIGIN })).json()) as { mfaToken: string })
          .mfaToken;
      const first = await mfaToken();
      const both = await t.call("POST", "/mfa/verify", {
        json: { mfaToken: first, code: await t.codeAt(), recoveryCode: t.recoveryCodes[0] },
        headers: SAME_ORIGIN,
      });
      expect(both.status).toBe(400);
      expect(await errorOf(both)).toMatchObject({ code: "INVALID_INPUT" });
      const ok = await t.call("POST", "/mfa/verify", { json: { mfaToken: first, recoveryCode: t.recoveryCodes[0] }, headers: SAME_ORIGIN });
      expect(ok.status).toBe(200);
      const reused = await t.call("POST", "/mfa/verify", { json: { mfaToken: await mfaToken(), recoveryCode: t.recoveryCodes[0] }, headers: SAME_ORIGIN });
      expect(reused.status).toBe(401);
    });

    it("the /totp routes need a live access token: 401 without one, with an mfaToken, or after signout", async () => {
      const t = await enrolledOver(mode);
      const signin = await t.call("POST", "/signin", { json: { email: t.email, password: PASSWORD }, headers: SAME_ORIGIN });
      const { mfaToken } = (await signin.json()) as { mfaToken: string };
      for (const [method, path, json] of TOTP_ROUTES) {
        for (const headers of [SAME_ORIGIN, { ...SAME_ORIGIN, ...bearer(mfaToken) }, { ...SAME_ORIGIN, authorization: "Bearer not-a-token" }]) {
          const response = await t.call(method, path, { headers, ...(json ? { json } : {}) });
          expect(response.status, `${method} ${path}`).toBe(401);
        }
      }
      await expect(t.auth.totp.status((await t.auth.verifyAccessToken(t.accessToken)).sub)).resolves.toMatchObject({ enabled: true, recoveryCodes: 10 });
    });

    it("POST /totp/recovery-codes and /totp/disable work with the token and a proof", async () => {
      const t = await enrolledOver(mode);
      const fresh = await t.call("POST", "/totp/recovery-codes", { headers: t.headers });
      expect(fresh.status).toBe(200);
      const { recoveryCodes } = (await fresh.json()) as { recoveryCodes: string[] };
      expect(recoveryCodes).toHaveLength(10);
      expect(recoveryCodes).not.toContain(t.recoveryCodes[0]);
      const wrong = await t.call("POST", "/totp/disable", { json: { password: "not the password at all" }, headers: t.headers });
      expect(wrong.status).toBe(401);
      const disabled = await t.call("POST", "/totp/disable", { json: { code: await t.codeAt() }, headers: t.headers });
      expect(disabled.status).toBe(204);
      expect(await (await t.call("GET", "/totp", { headers: t.headers })).json()).toEqual({ enabled: false, pending: false, recoveryCodes: 0 });
      const signin = await t.call("POST", "/signin", { json: { email: t.email, password: PASSWORD }, headers: SAME_ORIGIN });
      expect(await signin.json()).toHaveProperty("accessToken");
    });

    it("POST /totp/disable reads a recovery code or the password from the body too", async () => {
      const byCode = await enrolledOver(mode);
      const r1 = await byCode.call("POST", "/totp/disable", { json: { recoveryCode: byCode.recoveryCodes[0] }, headers: byCode.headers });
      expect(r1.status).toBe(204);
      const byPassword = await enrolledOver(mode);
      const r2 = await byPassword.call("POST", "/totp/disable", { json: { password: PASSWORD }, headers: byPassword.headers });
      expect(r2.status).toBe(204);
      for (const t of [byCode, byPassword]) {
        expect(await (await t.call("GET", "/totp", { headers: t.headers })).json()).toMatchObject({ enabled: false });
      }
    });
  });
}

describe("second-factor routes without the totp option", () => {
  it("answer 500 CONFIG_ERROR with the generic message, for a signed-in user", async () => {
    const t = setup({ mode: "cookie", trustedOrigins: [ORIGIN] });
    const { body } = await t.signup(undefined, SAME_ORIGIN);
    const headers = { ...bearer(body.accessToken), ...SAME_ORIGIN };
    for (const [method, path, json] of [...TOTP_ROUTES, ["POST", "/mfa/verify", { mfaToken: "x".repeat(40), code: "123456" }] as const]) {
      const response = await t.call(method, path, { headers, ...(json ? { json } : {}) });
      expect(response.status, `${method} ${path}`).toBe(500);
      expect(await errorOf(response)).toEqual({ code: "CONFIG_ERROR", message: GENERIC });
    }
  });
});
