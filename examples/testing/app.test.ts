/**
 * Route tests of the Hono app in app.ts, on `createTestAuth()`: each test gets its own instance (memory storage,
 * a clock it moves, argon2id at test-only costs), so the whole file runs in well under a second. Copy it next
 * to your own app: `createApp` is what you test, `app.request()` is Hono's in-process client.
 */
import { createTestAuth } from "auth-skill/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "./app.js";

let t: ReturnType<typeof createTestAuth>;
let app: ReturnType<typeof createApp>;

beforeEach(() => {
  t = createTestAuth();
  app = createApp(t.auth);
});

describe("GET /me", () => {
  it("answers the signed-in user", async () => {
    const { headers, user } = await t.signIn({ email: "ada@example.com" });
    const response = await app.request("/me", { headers });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: user.id, email: "ada@example.com", roles: [] });
  });

  it("answers 401 with a WWW-Authenticate challenge without a token", async () => {
    const response = await app.request("/me");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="api"');
  });

  it("answers 401 TOKEN_EXPIRED once the access token's 15 minutes are over", async () => {
    const { headers } = await t.signIn();
    t.clock.advance("16m");
    const response = await app.request("/me", { headers });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "TOKEN_EXPIRED" } });
  });

  it("answers 401 TOKEN_REVOKED once the user is signed out everywhere", async () => {
    const { headers, user } = await t.signIn();
    await t.auth.revokeAll(user.id);
    const response = await app.request("/me", { headers });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "TOKEN_REVOKED" } });
  });
});

describe("GET /admin/stats", () => {
  it("lets an admin in", async () => {
    const { headers } = await t.signIn({ roles: ["admin"] });
    expect((await app.request("/admin/stats", { headers })).status).toBe(200);
  });

  it("answers 403 to anyone else", async () => {
    const { headers } = await t.signIn({ roles: ["editor"] });
    expect((await app.request("/admin/stats", { headers })).status).toBe(403);
  });
});

describe("POST /login", () => {
  it("signs in with the password signIn made, and refuses a wrong one", async () => {
    const { password } = await t.signIn({ email: "ada@example.com" });
    const ok = await app.request("/login", { method: "POST", body: JSON.stringify({ email: "ada@example.com", password }) });
    expect(ok.status).toBe(200);
    const { accessToken } = await ok.json();
    expect((await app.request("/me", { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200);
    const wrong = await app.request("/login", { method: "POST", body: JSON.stringify({ email: "ada@example.com", password: "wrong password" }) });
    expect(wrong.status).toBe(401);
  });
});

describe("password reset by mail", () => {
  it("takes the token from the outbox and sets a new password", async () => {
    await t.signIn({ email: "ada@example.com" });
    expect((await app.request("/password-reset", { method: "POST", body: JSON.stringify({ email: "ada@example.com" }) })).status).toBe(202);
    const token = await t.outbox.tokenFor("ada@example.com", "password-reset");
    const confirm = await app.request("/password-reset/confirm", { method: "POST", body: JSON.stringify({ token, password: "a brand new passphrase" }) });
    expect(confirm.status).toBe(204);
    const login = await app.request("/login", { method: "POST", body: JSON.stringify({ email: "ada@example.com", password: "a brand new passphrase" }) });
    expect(login.status).toBe(200);
  });

  it("refuses the token after its hour", async () => {
    await t.signIn({ email: "ada@example.com" });
    await app.request("/password-reset", { method: "POST", body: JSON.stringify({ email: "ada@example.com" }) });
    const token = await t.outbox.tokenFor("ada@example.com", "password-reset");
    t.clock.advance("61m");
    const confirm = await app.request("/password-reset/confirm", { method: "POST", body: JSON.stringify({ token, password: "a brand new passphrase" }) });
    expect(confirm.status).toBe(401);
    expect(await confirm.json()).toMatchObject({ error: { code: "TOKEN_EXPIRED" } });
  });

  it("answers an unknown address the same way, and sends nothing", async () => {
    const response = await app.request("/password-reset", { method: "POST", body: JSON.stringify({ email: "nobody@example.com" }) });
    expect(response.status).toBe(202);
    await expect(t.outbox.tokenFor("nobody@example.com", "password-reset", { timeoutMs: 50 })).rejects.toThrow(/no password-reset message/);
  });
});
