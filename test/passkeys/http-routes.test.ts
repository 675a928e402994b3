// The passkey routes of auth-skill/http: registration and listing for a signed-in user, the open sign-in routes (a
// session, or the MFA challenge), removal, 404 without the option; driven with nid-webauthn-emulator.
import { describe, expect, it } from "vitest";
import { AuthSkill, memoryStorage } from "auth-skill";
import { createAuthHandler, type AuthHandlerOptions } from "auth-skill/http";
import { ORIGIN, SECRET, setup as setupPasskeys, syncedAuthenticator } from "./harness.js";

async function setup(options: AuthHandlerOptions = {}) {
  const ctx = await setupPasskeys();
  const handler = createAuthHandler(ctx.auth, options);
  const call = (method: string, path: string, init: { json?: unknown; token?: string; headers?: Record<string, string> } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    if (init.json !== undefined) headers.set("content-type", "application/json");
    return handler(new Request(`${ORIGIN}/auth${path}`, { method, headers, ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}) }), {
      socketAddress: "203.0.113.20",
    });
  };
  const signup = async (email: string) => {
    const response = await call("POST", "/signup", { json: { email, password: "a long passphrase 42" } });
    expect(response.status).toBe(201);
    return (await response.json()) as { accessToken: string; user: { id: string } };
  };
  return { ...ctx, call, signup };
}

describe("passkey routes", () => {
  it("register, list, sign in without a username, remove: over the handler", async () => {
    const { call, signup } = await setup();
    const emulator = syncedAuthenticator();
    const { accessToken, user } = await signup("ada@example.com");

    expect((await call("POST", "/passkeys/registration-options")).status).toBe(401);
    const options = await call("POST", "/passkeys/registration-options", { token: accessToken });
    expect(options.status).toBe(200);
    expect(options.headers.get("cache-control")).toBe("no-store");
    const created = await call("POST", "/passkeys/register", {
      token: accessToken,
      json: { response: emulator.createJSON(ORIGIN, (await options.json()) as never), name: "Laptop" },
    });
    expect(created.status).toBe(201);
    const { passkey } = (await created.json()) as { passkey: { id: string; name: string } };
    expect(passkey.name).toBe("Laptop");

    const listed = (await (await call("GET", "/passkeys", { token: accessToken })).json()) as { passkeys: { id: string }[] };
    expect(listed.passkeys.map((p) => p.id)).toEqual([passkey.id]);

    const request = await call("POST", "/passkeys/authentication-options");
    expect(request.status).toBe(200);
    const signin = await call("POST", "/passkeys/signin", { json: { response: emulator.getJSON(ORIGIN, (await request.json()) as never) } });
    expect(signin.status).toBe(200);
    const session = (await signin.json()) as { accessToken: string; refreshToken: string; user: { id: string } };
    expect(session.user.id).toBe(user.id);
    expect(typeof session.refreshToken).toBe("string");

    expect((await call("DELETE", `/passkeys/${encodeURIComponent(passkey.id)}`)).status).toBe(401);
    expect((await call("DELETE", `/passkeys/${encodeURIComponent(passkey.id)}`, { token: session.accessToken })).status).toBe(204);
    expect((await call("DELETE", `/passkeys/${encodeURIComponent(passkey.id)}`, { token: session.accessToken })).status).toBe(404);
    const again = await call("POST", "/passkeys/authentication-options", { json: { email: "ada@example.com" } });
    const refused = await call("POST", "/passkeys/signin", {
      json: { response: emulator.getJSON(ORIGIN, { ...((await again.json()) as object), allowCredentials: [] } as never) },
    });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("INVALID_CREDENTIALS");
  });

  it("another user's passkey is 404 to delete; malformed answers are 400", async () => {
    const { call, signup } = await setup();
    const ada = await signup("ada@example.com");
    const mallory = await signup("mallory@example.com");
    const options = await (await call("POST", "/passkeys/registration-options", { token: ada.accessToken })).json();
    const created = await call("POST", "/passkeys/register", {
      token: ada.accessToken,
      json: { response: syncedAuthenticator().createJSON(ORIGIN, options as never) },
    });
    const { passkey } = (await created.json()) as { passkey: { id: string } };
    expect((await call("DELETE", `/passkeys/${passkey.id}`, { token: mallory.accessToken })).status).toBe(404);
    expect((await call("GET", "/passkeys", { token: ada.accessToken }).then((r) => r.json())) as object).toMatchObject({ passkeys: [{ id: passkey.id }] });
    for (const response of [undefined, "x", { id: "a" }, []]) {
      const bad = await call("POST", "/passkeys/signin", { json: { response } });
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as { error: { code: string; field?: string } };
      expect(body.error.code).toBe("INVALID_INPUT");
    }
    expect((await call("POST", "/passkeys/authentication-options", { json: { email: 42 } })).status).toBe(400);
  });

  it("an account with TOTP signing in with a passkey that did not verify its user gets the MFA challenge, no tokens", async () => {
    const { call, signup, storage } = await setup();
    const emulator = syncedAuthenticator({ userVerified: false });
    const { accessToken, user } = await signup("ada@example.com");
    const options = await (await call("POST", "/passkeys/registration-options", { token: accessToken })).json();
    await call("POST", "/passkeys/register", { token: accessToken, json: { response: emulator.createJSON(ORIGIN, options as never) } });
    const factors = storage.secondFactors!;
    await factors.setPendingTotp(user.id, "sealed", new Date());
    await factors.activateTotp({ userId: user.id, pendingSecret: "sealed", step: 1, recoveryCodes: [], now: new Date() });
    const request = await (await call("POST", "/passkeys/authentication-options")).json();
    const signin = await call("POST", "/passkeys/signin", { json: { response: emulator.getJSON(ORIGIN, request as never) } });
    expect(signin.status).toBe(200);
    expect(signin.headers.get("set-cookie")).toBeNull();
    const body = (await signin.json()) as Record<string, unknown>;
    expect(body.mfaRequired).toBe(true);
    expect(body).not.toHaveProperty("accessToken");
    expect(body).not.toHaveProperty("refreshToken");
  });

  it("cookie mode: the refresh token only in the cookie", async () => {
    const { call, signup } = await setup({ mode: "cookie", trustedOrigins: [ORIGIN] });
    const emulator = syncedAuthenticator();
    const headers = { origin: ORIGIN };
    const response = await call("POST", "/signup", { json: { email: "ada@example.com", password: "a long passphrase 42" }, headers });
    const { accessToken } = (await response.json()) as { accessToken: string };
    const options = await (await call("POST", "/passkeys/registration-options", { token: accessToken, headers })).json();
    expect(
      (await call("POST", "/passkeys/register", { token: accessToken, headers, json: { response: emulator.createJSON(ORIGIN, options as never) } })).status,
    ).toBe(201);
    expect((await call("POST", "/passkeys/authentication-options")).status).toBe(403); // no Origin: refused in cookie mode
    const request = await (await call("POST", "/passkeys/authentication-options", { headers })).json();
    const signin = await call("POST", "/passkeys/signin", { headers, json: { response: emulator.getJSON(ORIGIN, request as never), rememberMe: false } });
    expect(signin.status).toBe(200);
    expect(signin.headers.get("set-cookie")).toMatch(/^__Host-/);
    expect(await signin.json()).not.toHaveProperty("refreshToken");
    void signup;
  });

  it("404 on every passkey route without the passkeys option", async () => {
    const handler = createAuthHandler(new AuthSkill({ secret: SECRET, storage: memoryStorage() }));
    for (const [method, path] of [
      ["POST", "/passkeys/registration-options"],
      ["POST", "/passkeys/register"],
      ["POST", "/passkeys/authentication-options"],
      ["POST", "/passkeys/signin"],
      ["GET", "/passkeys"],
      ["DELETE", "/passkeys/abc"],
    ] as const) {
      const response = await handler(new Request(`${ORIGIN}/auth${path}`, { method }));
      expect(response.status, `${method} ${path}`).toBe(404);
    }
  });
});
