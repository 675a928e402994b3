// The routes of signing in by mail: requests answer 202 whatever the address, sign-ins answer as /signin (bearer
// tokens, or the refresh cookie in cookie mode), and every refusal is the one error shape.
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { errorOf, ORIGIN, setup } from "./support.js";

const SAME_ORIGIN = { origin: ORIGIN };

describe("magic links over HTTP", () => {
  it("request: 202 with no body for an account and for no account alike; signin: the session's tokens, amr email", async () => {
    const { call, signup, outbox } = setup();
    const { email } = await signup();
    const known = await call("POST", "/magic-link/request", { json: { email } });
    const unknown = await call("POST", "/magic-link/request", { json: { email: "nobody@example.com" } });
    for (const r of [known, unknown]) {
      expect(r.status).toBe(202);
      expect(await r.text()).toBe("");
      expect(r.headers.get("cache-control")).toBe("no-store");
    }
    const token = await outbox.tokenFor(email, "magic-link");
    const signin = await call("POST", "/magic-link/signin", { json: { token, confirmPassword: "ignored" } });
    expect(signin.status).toBe(200);
    const body = (await signin.json()) as { accessToken: string; refreshToken: string };
    expect(decodeJwt(body.accessToken).amr).toEqual(["email"]);
    expect(body.refreshToken).toBeTypeOf("string");
    const again = await call("POST", "/magic-link/signin", { json: { token } });
    expect(again.status).toBe(401);
    expect(await errorOf(again)).toMatchObject({ code: "TOKEN_INVALID" });
  });

  it("cookie mode: the refresh token only in the cookie, rememberMe false a browser-session cookie, and the origin checked", async () => {
    const { call, signup, outbox } = setup({ mode: "cookie", trustedOrigins: [ORIGIN] }, { refreshToken: { reuseInterval: "10s" } });
    const { email } = await signup(undefined, SAME_ORIGIN);
    expect((await call("POST", "/magic-link/request", { json: { email } })).status).toBe(403); // no Origin
    expect((await call("POST", "/magic-link/request", { json: { email }, headers: SAME_ORIGIN })).status).toBe(202);
    const token = await outbox.tokenFor(email, "magic-link");
    const signin = await call("POST", "/magic-link/signin", { json: { token, rememberMe: false }, headers: SAME_ORIGIN });
    expect(signin.status).toBe(200);
    expect(await signin.json()).not.toHaveProperty("refreshToken");
    expect(signin.headers.get("set-cookie")).toMatch(/^__Host-auth-refresh=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });
});

describe("email codes over HTTP", () => {
  it("request 202; a wrong code 401 TOKEN_INVALID; the right code the session's tokens; rememberMe checked", async () => {
    const { call, signup, outbox } = setup();
    const { email } = await signup();
    expect((await call("POST", "/email-code/request", { json: { email } })).status).toBe(202);
    const code = await outbox.tokenFor(email, "email-code");
    const wrong = await call("POST", "/email-code/signin", { json: { email, code: code === "000000" ? "000001" : "000000" } });
    expect(wrong.status).toBe(401);
    expect(await errorOf(wrong)).toMatchObject({ code: "TOKEN_INVALID" });
    const badRemember = await call("POST", "/email-code/signin", { json: { email, code, rememberMe: "on" } });
    expect(await errorOf(badRemember)).toMatchObject({ code: "INVALID_INPUT", field: "rememberMe" });
    const right = await call("POST", "/email-code/signin", { json: { email, code } });
    expect(right.status).toBe(200);
    expect(decodeJwt(((await right.json()) as { accessToken: string }).accessToken).amr).toEqual(["email"]);
  });

  it("a code that is not a string is 400 INVALID_INPUT naming the field; GET is 405", async () => {
    const { call, signup } = setup();
    const { email } = await signup();
    const response = await call("POST", "/email-code/signin", { json: { email, code: 123456 } });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "INVALID_INPUT", field: "code" });
    const get = await call("GET", "/email-code/signin");
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});
