// Issue 14's HTTP parts: "remember me" through signup/signin (a session cookie that ends with the browser in
// cookie mode) and `authenticate(auth, request, { permission })` (403 FORBIDDEN with RFC 6750 insufficient_scope).
import { describe, expect, it } from "vitest";
import { isAuthError } from "../../src/errors.js";
import { authenticate, toResponse } from "../../src/http/index.js";
import { createTestAuth } from "../../src/testing/test-auth.js";
import { errorOf, ORIGIN, PASSWORD, setup } from "./support.js";

const SAME_ORIGIN = { origin: ORIGIN };
const email = () => `user-${Math.random().toString(36).slice(2)}@example.com`;

function cookieMode() {
  return setup({ mode: "cookie", trustedOrigins: [ORIGIN] }, { refreshToken: { reuseInterval: "10s" } });
}

/** The attributes of the response's one Set-Cookie header, after the name=value pair. */
function attributes(response: Response): string[] {
  const header = response.headers.get("set-cookie");
  expect(header).not.toBeNull();
  return header!.split("; ").slice(1);
}

describe("remember me over HTTP", () => {
  it("cookie mode: rememberMe false sets a session cookie (no Expires, no Max-Age) on signup, signin and every refresh", async () => {
    const { call } = cookieMode();
    const address = email();
    const up = await call("POST", "/signup", { json: { email: address, password: PASSWORD, rememberMe: false }, headers: SAME_ORIGIN });
    expect(up.status).toBe(201);
    expect(((await up.json()) as { rememberMe: boolean }).rememberMe).toBe(false);
    expect(attributes(up)).toEqual(["Path=/", "HttpOnly", "Secure", "SameSite=Lax"]);

    const signin = await call("POST", "/signin", { json: { email: address, password: PASSWORD, rememberMe: false }, headers: SAME_ORIGIN });
    expect(signin.status).toBe(200);
    expect(attributes(signin)).toEqual(["Path=/", "HttpOnly", "Secure", "SameSite=Lax"]);

    const cookie = signin.headers.get("set-cookie")!.split(";")[0]!;
    const refreshed = await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie } });
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as { rememberMe: boolean }).rememberMe).toBe(false);
    expect(attributes(refreshed)).toEqual(["Path=/", "HttpOnly", "Secure", "SameSite=Lax"]);
  });

  it("cookie mode: rememberMe true or left out keeps a cookie that expires with the session", async () => {
    const { call } = cookieMode();
    const address = email();
    const up = await call("POST", "/signup", { json: { email: address, password: PASSWORD }, headers: SAME_ORIGIN });
    expect(attributes(up).some((a) => a.startsWith("Expires="))).toBe(true);
    const signin = await call("POST", "/signin", { json: { email: address, password: PASSWORD, rememberMe: true }, headers: SAME_ORIGIN });
    expect(attributes(signin).some((a) => a.startsWith("Expires="))).toBe(true);
    const refreshed = await call("POST", "/refresh", { headers: { ...SAME_ORIGIN, cookie: signin.headers.get("set-cookie")!.split(";")[0]! } });
    expect(attributes(refreshed).some((a) => a.startsWith("Expires="))).toBe(true);
  });

  it("bearer mode: rememberMe false gives the short session (one day by default) and says so", async () => {
    const { call, clock } = setup();
    const address = email();
    await call("POST", "/signup", { json: { email: address, password: PASSWORD } });
    const short = (await (await call("POST", "/signin", { json: { email: address, password: PASSWORD, rememberMe: false } })).json()) as {
      rememberMe: boolean;
      refreshTokenExpiresAt: string;
    };
    expect(short.rememberMe).toBe(false);
    expect(new Date(short.refreshTokenExpiresAt).getTime() - clock.now().getTime()).toBe(86_400_000);
  });

  it("a rememberMe that is not a boolean is 400 INVALID_INPUT naming the field, and signs nobody up", async () => {
    const { call } = setup();
    const address = email();
    for (const rememberMe of ["false", 0, null, {}]) {
      const response = await call("POST", "/signup", { json: { email: address, password: PASSWORD, rememberMe } });
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toMatchObject({ code: "INVALID_INPUT", field: "rememberMe" });
    }
    const nobody = await call("POST", "/signin", { json: { email: address, password: PASSWORD } });
    expect(await errorOf(nobody)).toMatchObject({ code: "INVALID_CREDENTIALS" });
    await call("POST", "/signup", { json: { email: address, password: PASSWORD } });
    const signin = await call("POST", "/signin", { json: { email: address, password: PASSWORD, rememberMe: "no" } });
    expect(await errorOf(signin)).toMatchObject({ code: "INVALID_INPUT", field: "rememberMe" });
  });
});

describe("authenticate with { permission }", () => {
  const permissions = { admin: ["users:read", "users:write"], editor: ["posts:*"] };
  const request = (headers: Record<string, string>) => new Request("https://api.example.com/posts", { headers });

  it("resolves the claims when the token's roles grant the permission (wildcards included), and every one of a list", async () => {
    const { auth, signIn } = createTestAuth({ permissions });
    const { headers, user } = await signIn({ roles: ["editor", "admin"] });
    await expect(authenticate(auth, request(headers), { permission: "posts:write" })).resolves.toMatchObject({ sub: user.id });
    await expect(authenticate(auth, request(headers), { permission: ["users:read", "posts:delete"] })).resolves.toMatchObject({ sub: user.id });
  });

  it("FORBIDDEN (403, WWW-Authenticate insufficient_scope) when a permission is missing, when one of a list is, and for an empty list", async () => {
    const { auth, signIn } = createTestAuth({ permissions });
    const { headers } = await signIn({ roles: ["editor"] });
    for (const permission of ["users:write", ["posts:write", "users:read"], []] as const) {
      const err = await authenticate(auth, request(headers), { permission }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isAuthError(err) && err.code).toBe("FORBIDDEN");
      const response = toResponse(err, request(headers));
      expect(response.status).toBe(403);
      expect(response.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope"');
    }
  });

  it("checks the token before the permission: no token is still 401 TOKEN_INVALID", async () => {
    const { auth } = createTestAuth({ permissions });
    const err = await authenticate(auth, request({}), { permission: "posts:write" }).catch((e: unknown) => e);
    expect(isAuthError(err) && err.code).toBe("TOKEN_INVALID");
  });

  it("a permission that is neither a string nor a list is a TypeError (a programming mistake, not a 403)", async () => {
    const { auth, signIn } = createTestAuth({ permissions });
    const { headers } = await signIn({ roles: ["admin"] });
    await expect(authenticate(auth, request(headers), { permission: 42 as unknown as string })).rejects.toThrow(TypeError);
  });

  it("the handler's own 403 for a refused origin is not insufficient_scope", async () => {
    const { call, signup } = cookieMode();
    const { body } = await signup(undefined, SAME_ORIGIN);
    const response = await call("POST", "/password/change", {
      json: { currentPassword: PASSWORD, newPassword: "another long passphrase here" },
      headers: { origin: "https://evil.example", authorization: `Bearer ${body.accessToken}` },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBeNull();
  });
});
