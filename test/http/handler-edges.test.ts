// The handler's edges: the messages of its own refusals, the no-store of its empty answers, the fields signup and
// signin pass on, the refresh cookie's parsing at its limits, and the session routes' less travelled paths.
import { describe, expect, it } from "vitest";
import { createAuthHandler } from "../../src/http/index.js";
import { createTestAuth } from "../../src/testing/test-auth.js";
import { bearer, errorOf, ORIGIN, PASSWORD, setup } from "./support.js";

const SAME_ORIGIN = { origin: ORIGIN };
const COOKIE = "__Host-auth-refresh";
const FORM = { "content-type": "application/x-www-form-urlencoded" };

function cookieMode() {
  return setup({ mode: "cookie", trustedOrigins: [ORIGIN] }, { refreshToken: { reuseInterval: "10s" } });
}

/** Signs up in cookie mode; resolves the refresh token the Set-Cookie header carries. */
async function cookieToken(signup: ReturnType<typeof cookieMode>["signup"]): Promise<string> {
  const { response } = await signup(undefined, SAME_ORIGIN);
  return /^__Host-auth-refresh=([^;]+);/.exec(response.headers.get("set-cookie")!)![1]!;
}

describe("the handler's own refusals say what was wrong", () => {
  it("415 names the media type the route takes; 413 names the cap", async () => {
    const { call } = setup();
    const json = await call("POST", "/signin", { body: "{}", headers: { "content-type": "text/plain" } });
    expect(await errorOf(json)).toEqual({ code: "UNSUPPORTED_MEDIA_TYPE", message: "The request body must be application/json (UTF-8)." });
    const form = await call("POST", "/revoke", { json: { token: "x" } });
    expect(await errorOf(form)).toEqual({ code: "UNSUPPORTED_MEDIA_TYPE", message: "The request body must be application/x-www-form-urlencoded (UTF-8)." });
    const large = await call("POST", "/signin", { body: " ".repeat(16_385), headers: { "content-type": "application/json" } });
    expect(await errorOf(large)).toEqual({ code: "PAYLOAD_TOO_LARGE", message: "The request body is larger than 16384 bytes." });
  });

  it("404 and 405 say what they are", async () => {
    const { handler, call } = setup();
    expect(await errorOf(await handler(new Request("https://app.example.com/elsewhere")))).toEqual({ code: "NOT_FOUND", message: "Not found." });
    expect(await errorOf(await call("GET", "/nope"))).toEqual({ code: "NOT_FOUND", message: "Not found." });
    expect(await errorOf(await call("GET", "/signin"))).toEqual({ code: "METHOD_NOT_ALLOWED", message: "Method not allowed." });
  });

  it("a JSON body with a parameter other than charset is JSON; a charset with a quote inside is not UTF-8", async () => {
    const { call } = setup();
    const body = JSON.stringify({ email: "ada@example.com", password: PASSWORD });
    expect((await call("POST", "/signup", { body, headers: { "content-type": "application/json; version=1" } })).status).toBe(201);
    expect((await call("POST", "/signin", { body, headers: { "content-type": 'application/json; charset=utf"-8' } })).status).toBe(415);
  });

  it("403 for a refused origin says why; rememberMe and /revoke name their field; a foreign session is 'no such session'", async () => {
    const { call: cookieCall } = cookieMode();
    const refused = await cookieCall("POST", "/signin", { json: {}, headers: { origin: "https://evil.example" } });
    expect(await errorOf(refused)).toEqual({ code: "FORBIDDEN", message: "This request must come from a trusted origin." });
    const { call, signup } = setup();
    const remember = await call("POST", "/signin", { json: { email: "a@example.com", password: PASSWORD, rememberMe: "yes" } });
    expect(await errorOf(remember)).toEqual({ code: "INVALID_INPUT", message: "rememberMe must be true or false.", field: "rememberMe" });
    const revoke = await call("POST", "/revoke", { body: "token=", headers: FORM });
    expect(revoke.status).toBe(400);
    expect(await errorOf(revoke)).toEqual({ code: "INVALID_INPUT", message: "A token is required.", field: "token" });
    const { body } = await signup();
    const missing = await call("DELETE", "/sessions/no-such-session", { headers: bearer(body.accessToken) });
    expect(await errorOf(missing)).toEqual({ code: "NOT_FOUND", message: "There is no such session." });
  });
});

describe("empty answers are not cached", () => {
  it("204, 202 and the empty 200 of /revoke carry Cache-Control: no-store", async () => {
    const { call, signup } = setup();
    const { email, body } = await signup();
    const answers = [
      await call("POST", "/password/reset-request", { json: { email } }),
      await call("POST", "/revoke", { body: "token=unknown", headers: FORM }),
      await call("POST", "/signout", { json: { refreshToken: body.refreshToken } }),
    ];
    expect(answers.map((r) => r.status)).toEqual([202, 200, 204]);
    for (const response of answers) expect(response.headers.get("cache-control")).toBe("no-store");
  });
});

describe("signup and signin pass username and name on", () => {
  it("a user signs up with a username and a name over HTTP, and signs in by username", async () => {
    const { call } = setup();
    const up = await call("POST", "/signup", { json: { email: "ada@example.com", username: "ada", name: "Ada Lovelace", password: PASSWORD } });
    expect(up.status).toBe(201);
    expect((await up.json()).user).toMatchObject({ username: "ada", name: "Ada Lovelace" });
    const signin = await call("POST", "/signin", { json: { username: "ada", password: PASSWORD } });
    expect(signin.status).toBe(200);
    expect((await signin.json()).user).toMatchObject({ email: "ada@example.com" });
  });
});

describe("cookie mode: reading the refresh cookie", () => {
  it("a Cookie header of exactly 16 KiB is read", async () => {
    const { call, signup } = cookieMode();
    const token = await cookieToken(signup);
    const tail = `; ${COOKIE}=${token}`;
    const cookie = `pad=${"x".repeat(16_384 - 4 - tail.length)}${tail}`;
    expect(cookie).toHaveLength(16_384);
    expect((await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie } })).status).toBe(200);
  });

  it("a cookie pair without '=' does not hide ours, and spaces around our value are trimmed", async () => {
    const { call, signup } = cookieMode();
    const token = await cookieToken(signup);
    const first = await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `${COOKIE}x; ${COOKIE}=${token}` } });
    expect(first.status).toBe(200);
    const next = /^__Host-auth-refresh=([^;]+);/.exec(first.headers.get("set-cookie")!)![1]!;
    expect((await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `${COOKIE}= ${next} ; other=1` } })).status).toBe(200);
  });

  it("a cookie value not shaped like our tokens is no refresh token at all", async () => {
    const { call } = cookieMode();
    const response = await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `${COOKIE}=abc%20def` } });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toEqual({ code: "TOKEN_INVALID", message: "A refresh token is required." });
  });

  it("only an AuthError's 401 clears the cookie: another error that happens to carry status 401 is a 500 that keeps it", async () => {
    const { auth } = createTestAuth();
    const upstream = Object.assign(new Error("upstream said 401"), { status: 401 });
    const broken = Object.create(auth, { refresh: { value: () => Promise.reject(upstream) } });
    const handler = createAuthHandler(broken, { mode: "cookie", trustedOrigins: [ORIGIN] });
    const response = await handler(new Request(`${ORIGIN}/auth/refresh`, { method: "POST", headers: { ...SAME_ORIGIN, cookie: `${COOKIE}=abc` } }));
    expect(response.status).toBe(500);
    expect(response.headers.has("set-cookie")).toBe(false);
  });
});

describe("GET /session: the token's own session, a token without one, a deleted user", () => {
  it("each of two sessions sees itself", async () => {
    const { call, signup } = setup();
    const { email, body: first } = await signup();
    const second = await (await call("POST", "/signin", { json: { email, password: PASSWORD } })).json();
    for (const { accessToken, sessionId } of [first, second]) {
      const json = await (await call("GET", "/session", { headers: bearer(accessToken) })).json();
      expect(json.session.id).toBe(sessionId);
    }
  });

  it("a token minted without a session: session null; once its user is deleted, 401 TOKEN_REVOKED", async () => {
    const { call, signup, auth } = setup();
    const { body } = await signup();
    const userId = (body.user as { id: string }).id;
    const token = await auth.createAccessToken({ userId });
    const live = await call("GET", "/session", { headers: bearer(token) });
    expect(live.status).toBe(200);
    expect((await live.json()).session).toBeNull();
    await auth.deleteUser(userId);
    const gone = await call("GET", "/session", { headers: bearer(token) });
    expect(gone.status).toBe(401);
    expect(await errorOf(gone)).toEqual({ code: "TOKEN_REVOKED", message: "The user of this token no longer exists." });
  });
});
