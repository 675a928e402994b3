// Cookie mode: the refresh token only in a __Host- HttpOnly Secure SameSite cookie and never in a body, the CSRF
// guard on every POST/DELETE, signout clearing the cookie, and two tabs refreshing at once.
import { describe, expect, it } from "vitest";
import { createAuthHandler } from "../../src/http/index.js";
import { memoryStorage } from "../../src/index.js";
import { createTestAuth } from "../../src/testing/test-auth.js";
import { bearer, errorOf, ORIGIN, PASSWORD, setup } from "./support.js";

const SAME_ORIGIN = { origin: ORIGIN };
const COOKIE = "__Host-auth-refresh";

/** The refresh token a Set-Cookie header sets (or "" when it clears the cookie). */
function cookieValue(response: Response): string {
  const header = response.headers.get("set-cookie");
  expect(header).not.toBeNull();
  const m = new RegExp(`^${COOKIE}=([^;]*);`).exec(header!);
  expect(m).not.toBeNull();
  return m![1]!;
}

function cookieMode(authOptions: Parameters<typeof setup>[1] = { refreshToken: { reuseInterval: "10s" } }) {
  return setup({ mode: "cookie", trustedOrigins: [ORIGIN] }, authOptions);
}

describe("cookie mode: the refresh cookie", () => {
  it("signup and signin set an HttpOnly, Secure, SameSite=Lax __Host- cookie with Path=/ and no Domain; no refresh token in the body", async () => {
    const { call, signup } = cookieMode();
    const { email, response, body } = await signup(undefined, SAME_ORIGIN);
    const signin = await call("POST", "/signin", { json: { email, password: PASSWORD }, headers: SAME_ORIGIN });
    for (const [r, json] of [
      [response, body],
      [signin, await signin.json()],
    ] as const) {
      const header = r.headers.get("set-cookie")!;
      const attributes = header.split("; ").slice(1);
      expect(attributes.filter((a) => !a.startsWith("Expires="))).toEqual(["Path=/", "HttpOnly", "Secure", "SameSite=Lax"]);
      expect(header).not.toMatch(/domain/i);
      const value = cookieValue(r);
      expect(value.length).toBeGreaterThan(40);
      expect(JSON.stringify(json)).not.toContain(value);
      expect(json).not.toHaveProperty("refreshToken");
      expect(json).toHaveProperty("accessToken");
      expect(r.headers.get("cache-control")).toBe("no-store");
    }
  });

  it("the cookie expires with the session", async () => {
    const { signup } = cookieMode();
    const { response, body } = await signup(undefined, SAME_ORIGIN);
    const expires = /Expires=([^;]+)/.exec(response.headers.get("set-cookie")!)![1]!;
    expect(new Date(expires).getTime()).toBe(Math.floor(new Date(body.refreshTokenExpiresAt as string).getTime() / 1000) * 1000);
  });

  it("refresh reads the cookie, sets the rotated one, and never puts a refresh token in the body", async () => {
    const { call, signup } = cookieMode();
    const { response } = await signup(undefined, SAME_ORIGIN);
    const first = cookieValue(response);
    const refreshed = await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `other=1; ${COOKIE}=${first}` } });
    expect(refreshed.status).toBe(200);
    const next = cookieValue(refreshed);
    expect(next).not.toBe(first);
    const json = await refreshed.json();
    expect(json).not.toHaveProperty("refreshToken");
    expect(JSON.stringify(json)).not.toContain(next);
  });

  it("a refresh token in a JSON body is not read in cookie mode", async () => {
    const { call, signup } = cookieMode();
    const { response } = await signup(undefined, SAME_ORIGIN);
    const token = cookieValue(response);
    const refreshed = await call("POST", "/refresh", { json: { refreshToken: token }, headers: SAME_ORIGIN });
    expect(refreshed.status).toBe(401);
    expect((await errorOf(refreshed)).code).toBe("TOKEN_INVALID");
  });

  it("a refused refresh (401) clears the cookie; a missing cookie is 401 TOKEN_INVALID", async () => {
    const { call } = cookieMode();
    const missing = await call("POST", "/refresh", { headers: SAME_ORIGIN });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe("Bearer");
    expect(cookieValue(missing)).toBe("");
    const bad = await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `${COOKIE}=not-ours` } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("set-cookie")).toMatch(/Max-Age=0/);
  });

  it("a refresh that fails for another reason (500: the store is down) keeps the cookie", async () => {
    const store = memoryStorage();
    let down = false;
    const storage = new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        return typeof value === "function"
          ? (...args: unknown[]) => (down ? Promise.reject(new Error("connection refused")) : value.apply(target, args))
          : value;
      },
    });
    const { signup, call } = cookieMode({ storage, refreshToken: { reuseInterval: "10s" } });
    const { response } = await signup(undefined, SAME_ORIGIN);
    down = true;
    const failed = await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `${COOKIE}=${cookieValue(response)}` } });
    expect(failed.status).toBe(500);
    expect(failed.headers.has("set-cookie")).toBe(false);
  });

  it("a missing cookie says so; a Cookie header over 16 KiB is not read", async () => {
    const { call, signup } = cookieMode();
    const missing = await call("POST", "/refresh", { headers: SAME_ORIGIN });
    expect(await errorOf(missing)).toEqual({ code: "TOKEN_INVALID", message: "A refresh token is required." });
    const { response } = await signup(undefined, SAME_ORIGIN);
    const token = cookieValue(response);
    expect((await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `pad=${"x".repeat(16_384)}; ${COOKIE}=${token}` } })).status).toBe(401);
    expect((await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `pad=x; ${COOKIE}=${token}` } })).status).toBe(200);
  });

  it("signout revokes the cookie's session and clears the cookie", async () => {
    const { call, signup } = cookieMode();
    const { response } = await signup(undefined, SAME_ORIGIN);
    const token = cookieValue(response);
    const signout = await call("POST", "/signout", { headers: { ...SAME_ORIGIN, cookie: `${COOKIE}=${token}` } });
    expect(signout.status).toBe(204);
    const cleared = signout.headers.get("set-cookie")!;
    expect(cleared).toMatch(new RegExp(`^${COOKIE}=;`));
    expect(cleared).toContain("Max-Age=0");
    expect(cleared).toContain("Path=/");
    expect((await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `${COOKIE}=${token}` } })).status).toBe(401);
    // without a cookie, signout still clears it
    expect((await call("POST", "/signout", { headers: SAME_ORIGIN })).headers.get("set-cookie")).toMatch(/Max-Age=0/);
  });

  it("authenticated routes read the access token from Authorization, not from a cookie", async () => {
    const { call, signup } = cookieMode();
    const { response, body } = await signup(undefined, SAME_ORIGIN);
    expect((await call("GET", "/session", { headers: bearer(body.accessToken) })).status).toBe(200);
    expect((await call("GET", "/session", { headers: { cookie: `${COOKIE}=${cookieValue(response)}` } })).status).toBe(401);
  });

  it("the cookie options: another __Host- name and SameSite=Strict; a name without __Host- or SameSite=None is refused", async () => {
    const { auth } = createTestAuth();
    const handler = createAuthHandler(auth, { mode: "cookie", trustedOrigins: [ORIGIN], cookie: { name: "__Host-sid", sameSite: "Strict" } });
    const response = await handler(
      new Request(`${ORIGIN}/auth/signup`, {
        method: "POST",
        headers: { origin: ORIGIN, "content-type": "application/json" },
        body: JSON.stringify({ email: "ada@example.com", password: PASSWORD }),
      }),
    );
    expect(response.headers.get("set-cookie")).toMatch(/^__Host-sid=[^;]+; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$/);
    expect(() => createAuthHandler(auth, { mode: "cookie", cookie: { name: "refresh" } })).toThrow(TypeError);
    expect(() => createAuthHandler(auth, { mode: "cookie", cookie: { sameSite: "None" as "Lax" } })).toThrow(TypeError);
  });
});

describe("cookie mode: CSRF", () => {
  const post = (headers: Record<string, string>) => ({ json: { email: "ada@example.com", password: PASSWORD }, headers });

  it.each([
    ["no Origin, no Sec-Fetch-Site", {}],
    ["a foreign Origin", { origin: "https://evil.example" }],
    ["a look-alike Origin", { origin: "https://app.example.com.evil.example" }],
    ["an Origin with a trailing slash", { origin: `${ORIGIN}/` }],
    ["Origin null", { origin: "null" }],
    ["Sec-Fetch-Site cross-site", { "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site same-site (a sibling subdomain)", { "sec-fetch-site": "same-site" }],
    ["Sec-Fetch-Site none", { "sec-fetch-site": "none" }],
  ])("%s: 403 FORBIDDEN, and nothing happens", async (_, headers) => {
    const { call, storage } = cookieMode();
    const response = await call("POST", "/signup", post(headers));
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe("FORBIDDEN");
    expect(response.headers.has("set-cookie")).toBe(false);
    expect(await storage.findUserByEmail("ada@example.com")).toBeNull();
  });

  it("a trusted Origin or Sec-Fetch-Site: same-origin passes", async () => {
    const { call } = cookieMode();
    expect((await call("POST", "/signup", post({ origin: ORIGIN }))).status).toBe(201);
    expect((await call("POST", "/signin", post({ "sec-fetch-site": "same-origin" }))).status).toBe(200);
  });

  it("guards every POST and DELETE route, and no GET route", async () => {
    const { call, signup } = cookieMode();
    const { body } = await signup(undefined, SAME_ORIGIN);
    const foreign = { ...bearer(body.accessToken), origin: "https://evil.example" };
    for (const [method, path] of [
      ["POST", "/signin"],
      ["POST", "/refresh"],
      ["POST", "/signout"],
      ["POST", "/revoke"],
      ["POST", "/password/change"],
      ["POST", "/password/reset-request"],
      ["POST", "/email/change"],
      ["DELETE", `/sessions/${body.sessionId}`],
    ]) {
      expect((await call(method!, path!, { json: {}, headers: foreign })).status, `${method} ${path}`).toBe(403);
    }
    expect((await call("GET", "/session", { headers: foreign })).status).toBe(200);
    expect((await call("GET", "/jwks", { headers: foreign })).status).toBe(200);
  });

  it("bearer mode has no such guard (no ambient credential to forge)", async () => {
    const { call } = setup();
    expect((await call("POST", "/signup", post({ origin: "https://evil.example" }))).status).toBe(201);
  });

  it("trustedOrigins must be origins", () => {
    const { auth } = createTestAuth();
    for (const bad of ["https://app.example.com/", "https://app.example.com/path", "app.example.com", "*", "null"]) {
      expect(() => createAuthHandler(auth, { mode: "cookie", trustedOrigins: [bad] }), bad).toThrow(TypeError);
    }
  });
});

describe("cookie mode: two tabs refreshing at once", () => {
  it('with refreshToken.reuseInterval "10s" both stay signed in, with the same successor; a replay after it still ends the session', async () => {
    const { call, signup, clock } = cookieMode({ refreshToken: { reuseInterval: "10s" } });
    const { response } = await signup(undefined, SAME_ORIGIN);
    const token = cookieValue(response);
    const headers = { ...SAME_ORIGIN, cookie: `${COOKIE}=${token}` };
    const [a, b] = await Promise.all([call("POST", "/refresh", { headers }), call("POST", "/refresh", { headers })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const next = cookieValue(a);
    expect(cookieValue(b)).toBe(next);
    // both tabs go on with the successor
    const later = await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `${COOKIE}=${next}` } });
    expect(later.status).toBe(200);
    // a real replay of an old token, outside the interval, is still reuse: the session ends
    clock.advance("11s");
    const replay = await call("POST", "/refresh", { headers });
    expect(replay.status).toBe(401);
    expect((await errorOf(replay)).code).toBe("REFRESH_TOKEN_REUSED");
    expect((await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `${COOKIE}=${cookieValue(later)}` } })).status).toBe(401);
  });

  it("without a reuse interval the second tab is signed out (why cookie mode needs one)", async () => {
    const { call, signup } = cookieMode({});
    const { response } = await signup(undefined, SAME_ORIGIN);
    const headers = { ...SAME_ORIGIN, cookie: `${COOKIE}=${cookieValue(response)}` };
    const statuses = (await Promise.all([call("POST", "/refresh", { headers }), call("POST", "/refresh", { headers })])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
  });
});

describe("cookie mode: reading the cookie", () => {
  it("strips only spaces and tabs around a cookie's name: a name led by another space character (NBSP) is not ours", async () => {
    const { call, signup } = cookieMode();
    const { response } = await signup(undefined, SAME_ORIGIN);
    const token = cookieValue(response);
    const planted = await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `\u00a0${COOKIE}=${token}` } });
    expect(planted.status).toBe(401);
    const spaced = await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: `a=1;\t ${COOKIE} = ${token}` } });
    expect(spaced.status).toBe(200);
  });
});
