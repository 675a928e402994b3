// examples/nextjs: the App Router app built with `next build` against the packed package (dist/ through the
// `exports` map, as users install it), served by `next start` on 127.0.0.1, driven over real HTTP.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuthSkill } from "../../src/index.js";
import { buildExample, cleanExample, EXAMPLE, type NextServer, startExample } from "./next-app.js";

const SECRET = randomBytes(32).toString("base64url");
const PASSWORD = "correct horse battery staple";
const EMAIL = "ada@example.com";

type Tokens = { user: { id: string; email: string }; sessionId: string; accessToken: string; refreshToken: string; tokenType: string };

describe("examples/nextjs: next build, next start, the auth routes and a protected route over HTTP", () => {
  let scratch: string;
  let server: NextServer | undefined;
  let url: string;
  let signedUp: Tokens;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "auth-skill-nextjs-"));
    const buildMs = await buildExample(scratch);
    console.info(`[examples/nextjs] next build took ${(buildMs / 1000).toFixed(1)} s`);
    server = await startExample({ AUTH_SECRET: SECRET });
    url = server.url;
  }, 420_000);

  afterAll(async () => {
    await server?.stop();
    cleanExample();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 30_000);

  const post = (path: string, body: unknown, headers: Record<string, string> = {}, base = url) =>
    fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const me = (token?: string) => fetch(`${url}/api/me`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

  test("the argon2 addon stays outside the bundle: the server chunks require it, none contains it", () => {
    const chunks = join(EXAMPLE, ".next/server/chunks");
    const code = readdirSync(chunks, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith(".js"))
      .map((e) => readFileSync(join(e.parentPath, e.name), "utf8"));
    expect(code.some((text) => /require\("@node-rs\/argon2(-[0-9a-f]+)?"\)/.test(text))).toBe(true);
    // the addon's own loader names its per-platform packages; bundled, that name would be in a chunk
    expect(code.filter((text) => text.includes("argon2-linux-x64-gnu") || text.includes("argon2.linux-x64-gnu.node"))).toEqual([]);
  });

  test("POST /api/auth/signup: 201 with tokens signed with AUTH_SECRET from the environment", async () => {
    const response = await post("/api/auth/signup", { email: EMAIL, password: PASSWORD, confirmPassword: PASSWORD });
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    signedUp = (await response.json()) as Tokens;
    expect(signedUp).toMatchObject({ user: { email: EMAIL }, tokenType: "Bearer" });
    const claims = await new AuthSkill({ secret: SECRET }).verifyAccessToken(signedUp.accessToken);
    expect(claims).toMatchObject({ sub: signedUp.user.id, sid: signedUp.sessionId });
    await expect(new AuthSkill({ secret: randomBytes(32).toString("base64url") }).verifyAccessToken(signedUp.accessToken)).rejects.toMatchObject({
      code: "TOKEN_INVALID",
    });
  });

  test("POST /api/auth/signin: 200 with a new session, its address from X-Forwarded-For; a wrong password is 401", async () => {
    const response = await post("/api/auth/signin", { email: EMAIL, password: PASSWORD });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Tokens;
    expect(body.user.id).toBe(signedUp.user.id);
    expect(body.sessionId).not.toBe(signedUp.sessionId);
    // the client address: X-Forwarded-For's last entry (trustedProxies: 1), which Next.js fills with the socket's
    // address when the request has none...
    const session = await fetch(`${url}/api/auth/session`, { headers: { authorization: `Bearer ${body.accessToken}` } });
    expect(await session.json()).toMatchObject({ session: { id: body.sessionId, ip: "127.0.0.1" } });
    // ...and keeps when it has one: right behind a proxy that writes it, chosen by the client without one (README)
    const proxied = (await (await post("/api/auth/signin", { email: EMAIL, password: PASSWORD }, { "x-forwarded-for": "203.0.113.9" })).json()) as Tokens;
    const proxiedSession = await fetch(`${url}/api/auth/session`, { headers: { authorization: `Bearer ${proxied.accessToken}` } });
    expect(await proxiedSession.json()).toMatchObject({ session: { id: proxied.sessionId, ip: "203.0.113.9" } });
    const wrong = await post("/api/auth/signin", { email: EMAIL, password: "not the password at all" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: "INVALID_CREDENTIALS" } });
  });

  test("GET /api/me with the bearer: 200 with the user's id and session", async () => {
    const response = await me(signedUp.accessToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ userId: signedUp.user.id, sessionId: signedUp.sessionId });
  });

  test("GET /api/me without a token: 401 with WWW-Authenticate: Bearer alone; a bad token: invalid_token", async () => {
    const none = await me();
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    expect(await none.json()).toMatchObject({ error: { code: "TOKEN_INVALID" } });
    const i = signedUp.accessToken.length - 10; // inside the signature
    const tampered = signedUp.accessToken.slice(0, i) + (signedUp.accessToken[i] === "A" ? "B" : "A") + signedUp.accessToken.slice(i + 1);
    const bad = await me(tampered);
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
  });

  test("POST /api/auth/refresh: 200 with rotated tokens for the same session; the new access token reaches /api/me", async () => {
    const response = await post("/api/auth/refresh", { refreshToken: signedUp.refreshToken });
    expect(response.status).toBe(200);
    const rotated = (await response.json()) as Tokens;
    expect(rotated.sessionId).toBe(signedUp.sessionId);
    expect(rotated.refreshToken).not.toBe(signedUp.refreshToken);
    expect((await me(rotated.accessToken)).status).toBe(200);
    signedUp = { ...signedUp, accessToken: rotated.accessToken, refreshToken: rotated.refreshToken };
  });

  test("POST /api/auth/signout: 204; the session's access token is refused by /api/me, its refresh token by /refresh", async () => {
    const response = await post("/api/auth/signout", { refreshToken: signedUp.refreshToken });
    expect(response.status).toBe(204);
    // checkRevocation in app/api/me reads the storage the auth route wrote: one instance across both routes
    const after = await me(signedUp.accessToken);
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect((await post("/api/auth/refresh", { refreshToken: signedUp.refreshToken })).status).toBe(401);
  });

  test("outside the routes: 404 NOT_FOUND; a wrong method: 405 with Allow", async () => {
    const unknown = await fetch(`${url}/api/auth/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    const wrongMethod = await fetch(`${url}/api/auth/signin`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
  });

  test("GET /api/auth/jwks: 200 (HS256 publishes no key)", async () => {
    const response = await fetch(`${url}/api/auth/jwks`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ keys: [] });
  });

  test("the server printed no password, token or secret", () => {
    const output = server!.output();
    expect(output).toContain("Ready");
    for (const secret of [PASSWORD, SECRET, signedUp.accessToken, signedUp.refreshToken]) expect(output).not.toContain(secret);
  });

  test("without AUTH_SECRET (same build): a bare 500 for every request; why is in the server's log only", async () => {
    const bare = await startExample({});
    try {
      for (const response of [await fetch(`${bare.url}/api/me`), await post("/api/auth/signin", { email: EMAIL, password: PASSWORD }, {}, bare.url)]) {
        expect(response.status).toBe(500);
        const body = await response.text();
        expect(body).not.toMatch(/AUTH_SECRET|CONFIG_ERROR|auth-skill/);
      }
      expect(bare.output()).toContain("AUTH_SECRET");
    } finally {
      await bare.stop();
    }
  }, 90_000);
});
