// The session routes in bearer mode, each on success and failure, through real Requests into the handler.
import { describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/index.js";
import { bearer, errorOf, PASSWORD, setup } from "./support.js";

const TOKEN_FIELDS = ["accessToken", "accessTokenExpiresAt", "refreshToken", "refreshTokenExpiresAt", "rememberMe", "sessionId", "tokenType", "user"];

describe("POST /signup", () => {
  it("201 with the session's tokens in the body, no-store", async () => {
    const { signup, auth } = setup();
    const { body, response } = await signup("ada@example.com");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(Object.keys(body).sort()).toEqual(TOKEN_FIELDS);
    expect(body.user).toMatchObject({ email: "ada@example.com", emailVerified: false });
    expect((await auth.verifyAccessToken(body.accessToken)).sid).toBe(body.sessionId);
  });

  it("202 { user } without tokens under requireEmailVerification", async () => {
    const { call } = setup({}, { requireEmailVerification: true });
    const response = await call("POST", "/signup", { json: { email: "ada@example.com", password: PASSWORD } });
    expect(response.status).toBe(202);
    expect(Object.keys(await response.json())).toEqual(["user"]);
  });

  it("409 USER_EXISTS with its field; 400 WEAK_PASSWORD with its field", async () => {
    const { call, signup } = setup();
    await signup("ada@example.com");
    const taken = await call("POST", "/signup", { json: { email: "ada@example.com", password: PASSWORD } });
    expect(taken.status).toBe(409);
    expect(await errorOf(taken)).toMatchObject({ code: "USER_EXISTS", field: "email" });
    const weak = await call("POST", "/signup", { json: { email: "bob@example.com", password: "password" } });
    expect(weak.status).toBe(400);
    expect(await errorOf(weak)).toMatchObject({ code: "WEAK_PASSWORD", field: "password" });
  });
});

describe("POST /signin", () => {
  it("200 with the tokens; the client address and User-Agent reach the session", async () => {
    const { call, signup, auth } = setup({ trustedProxies: 1 });
    const { body: created } = await signup("ada@example.com");
    const response = await call("POST", "/signin", {
      json: { email: "ada@example.com", password: PASSWORD },
      headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.7", "user-agent": "TestBrowser/1.0" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(Object.keys(body).sort()).toEqual(TOKEN_FIELDS);
    const session = (await auth.listSessions((created.user as { id: string }).id)).find((s) => s.id === body.sessionId);
    expect(session).toMatchObject({ ip: "203.0.113.7", userAgent: "TestBrowser/1.0" });
  });

  it("401 INVALID_CREDENTIALS, the same for an unknown user, with WWW-Authenticate: Bearer", async () => {
    const { call, signup } = setup();
    await signup("ada@example.com");
    const wrong = await call("POST", "/signin", { json: { email: "ada@example.com", password: "not the password at all" } });
    const unknown = await call("POST", "/signin", { json: { email: "nobody@example.com", password: "not the password at all" } });
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
    }
    expect(await errorOf(wrong)).toEqual(await errorOf(unknown));
  });

  it("429 with Retry-After once the per-client limit is spent, counted per client address", async () => {
    const { call } = setup({ trustedProxies: 1 }, { rateLimit: { client: { max: 2, window: "15m" } } });
    const attempt = (ip: string) =>
      call("POST", "/signin", { json: { email: `x${Math.random()}@example.com`, password: "wrong password here" }, headers: { "x-forwarded-for": ip } });
    expect((await attempt("203.0.113.1")).status).toBe(401);
    expect((await attempt("203.0.113.1")).status).toBe(401);
    const limited = await attempt("203.0.113.1");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await errorOf(limited)).code).toBe("RATE_LIMITED");
    expect((await attempt("203.0.113.2")).status).toBe(401); // another client has its own budget
    expect((await attempt("6.6.6.6, 203.0.113.1")).status).toBe(429); // a spoofed leftmost entry changes nothing
  });
});

describe("POST /refresh and /signout (bearer mode)", () => {
  it("refresh: 200 with a rotated pair; the old refresh token is then reuse (401)", async () => {
    const { call, signup } = setup();
    const { body } = await signup();
    const response = await call("POST", "/refresh", { json: { refreshToken: body.refreshToken } });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const next = await response.json();
    expect(next.refreshToken).not.toBe(body.refreshToken);
    expect(next.sessionId).toBe(body.sessionId);
    const replay = await call("POST", "/refresh", { json: { refreshToken: body.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.headers.get("www-authenticate")).toBe("Bearer");
    expect((await errorOf(replay)).code).toBe("REFRESH_TOKEN_REUSED");
    expect(replay.headers.has("set-cookie")).toBe(false); // bearer mode never touches cookies
  });

  it("refresh without a refresh token: 400 INVALID_INPUT naming refreshToken; a bad one: 401 TOKEN_INVALID", async () => {
    const { call } = setup();
    for (const json of [{}, { refreshToken: 42 }, { refresh_token: "x" }]) {
      const response = await call("POST", "/refresh", { json });
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toMatchObject({ code: "INVALID_INPUT", field: "refreshToken" });
    }
    const bad = await call("POST", "/refresh", { json: { refreshToken: "not-ours" } });
    expect(bad.status).toBe(401);
    expect((await errorOf(bad)).code).toBe("TOKEN_INVALID");
  });

  it("signout: 204, the refresh token ends; an unknown one is 204 too", async () => {
    const { call, signup } = setup();
    const { body } = await signup();
    const signout = await call("POST", "/signout", { json: { refreshToken: body.refreshToken } });
    expect(signout.status).toBe(204);
    expect(signout.headers.has("set-cookie")).toBe(false);
    expect((await call("POST", "/refresh", { json: { refreshToken: body.refreshToken } })).status).toBe(401);
    expect((await call("POST", "/signout", { json: { refreshToken: "unknown" } })).status).toBe(204);
    expect((await call("POST", "/signout", { json: {} })).status).toBe(400);
  });
});

describe("POST /revoke (RFC 7009)", () => {
  const form = (fields: Record<string, string>) => ({
    body: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });

  it("200 and the session ends, with or without token_type_hint", async () => {
    const { call, signup } = setup();
    const a = await signup();
    const b = await signup();
    expect((await call("POST", "/revoke", form({ token: a.body.refreshToken! }))).status).toBe(200);
    expect((await call("POST", "/revoke", form({ token: b.body.refreshToken!, token_type_hint: "refresh_token" }))).status).toBe(200);
    for (const { body } of [a, b]) expect((await call("POST", "/refresh", { json: { refreshToken: body.refreshToken } })).status).toBe(401);
  });

  it("200 for an unknown, malformed or access token (§2.2), which revokes nothing", async () => {
    const { call, signup } = setup();
    const { body } = await signup();
    for (const token of ["unknown", "a.b.c.d", body.accessToken]) {
      expect((await call("POST", "/revoke", form({ token, token_type_hint: "access_token" }))).status).toBe(200);
    }
    expect((await call("POST", "/refresh", { json: { refreshToken: body.refreshToken } })).status).toBe(200);
  });

  it("400 without a token; 415 for a JSON body", async () => {
    const { call } = setup();
    const missing = await call("POST", "/revoke", form({}));
    expect(missing.status).toBe(400);
    expect(await errorOf(missing)).toMatchObject({ code: "INVALID_INPUT", field: "token" });
    expect((await call("POST", "/revoke", { json: { token: "x" } })).status).toBe(415);
  });
});

describe("GET /session, GET /sessions, DELETE /sessions/:id", () => {
  it("/session: the user and the session of the access token", async () => {
    const { call, signup } = setup();
    const { body } = await signup("ada@example.com");
    const response = await call("GET", "/session", { headers: bearer(body.accessToken) });
    expect(response.status).toBe(200);
    const json = await response.json();
    expect(json.user).toMatchObject({ email: "ada@example.com" });
    expect(json.session).toMatchObject({ id: body.sessionId });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("/session: 401 without a token (Bearer), with a bad one (invalid_token), and once the session is revoked", async () => {
    const { call, signup } = setup();
    const none = await call("GET", "/session");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    const bad = await call("GET", "/session", { headers: bearer("a.b.c") });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    const { body } = await signup();
    await call("POST", "/signout", { json: { refreshToken: body.refreshToken } });
    const revoked = await call("GET", "/session", { headers: bearer(body.accessToken) });
    expect(revoked.status).toBe(401);
    expect((await errorOf(revoked)).code).toBe("TOKEN_REVOKED");
  });

  it("/sessions lists the user's sessions with the current one marked; DELETE ends one of them", async () => {
    const { call, signup } = setup();
    const { email, body } = await signup();
    const other = await (await call("POST", "/signin", { json: { email, password: PASSWORD } })).json();
    const list = await (await call("GET", "/sessions", { headers: bearer(body.accessToken) })).json();
    expect(list.sessions.map((s: { id: string; current: boolean }) => [s.id, s.current]).sort()).toEqual(
      [
        [body.sessionId, true],
        [other.sessionId, false],
      ].sort(),
    );
    const deleted = await call("DELETE", `/sessions/${encodeURIComponent(other.sessionId)}`, { headers: bearer(body.accessToken) });
    expect(deleted.status).toBe(204);
    expect((await call("POST", "/refresh", { json: { refreshToken: other.refreshToken } })).status).toBe(401);
  });

  it("DELETE /sessions/:id of another user's session, or of none: 404, and that session lives on", async () => {
    const { call, signup } = setup();
    const mine = await signup();
    const theirs = await signup();
    for (const id of [theirs.body.sessionId, "no-such-session", "%E0%A4%A"]) {
      const response = await call("DELETE", `/sessions/${id}`, { headers: bearer(mine.body.accessToken) });
      expect(response.status).toBe(404);
      expect((await errorOf(response)).code).toBe("NOT_FOUND");
    }
    expect((await call("POST", "/refresh", { json: { refreshToken: theirs.body.refreshToken } })).status).toBe(200);
    expect((await call("DELETE", `/sessions/${theirs.body.sessionId}`)).status).toBe(401);
  });
});

describe("GET /jwks", () => {
  it("the public keys (none for HS256), cacheable", async () => {
    const { call } = setup();
    const response = await call("GET", "/jwks");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ keys: [] });
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
  });

  it("an asymmetric key's public half only, and the same JSON as auth.jwks()", async () => {
    const key = await generateSigningKey("EdDSA");
    const { call, auth } = setup({}, { accessToken: { algorithm: "EdDSA", keys: [key] } });
    const body = await (await call("GET", "/jwks")).json();
    expect(body).toEqual(JSON.parse(JSON.stringify(await auth.jwks())));
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).not.toHaveProperty("d");
  });
});
