// The flow both Node framework examples (examples/express, examples/fastify) must serve over real HTTP on
// 127.0.0.1: the auth routes mounted under /auth, a protected GET /me, and a JSON route of the app's own.
import { describe, expect, it } from "vitest";
import { createTestAuth } from "../../src/testing/test-auth.js";
import type { TrustedProxies } from "../../src/http/index.js";

const PASSWORD = "quiet mountain lakes at dawn";

/** A started app: its base URL and how to stop it. */
export interface Started {
  url: string;
  close(): Promise<void>;
}

/** Starts the example app on 127.0.0.1, port 0, with the instance and options given. */
export type Start = (auth: ReturnType<typeof createTestAuth>["auth"], options: { trustedProxies?: TrustedProxies }) => Promise<Started>;

type Tokens = { accessToken: string; refreshToken: string; sessionId: string; user: { id: string; email: string } };

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

export function nodeAppSuite(name: string, start: Start): void {
  describe(`${name} example over HTTP on 127.0.0.1`, () => {
    it("signs up, signs in, reaches GET /me, refreshes, signs out; the old token is then refused", async () => {
      const { auth } = createTestAuth();
      const app = await start(auth, {});
      try {
        const signup = await post(`${app.url}/auth/signup`, { email: "ada@example.com", password: PASSWORD, confirmPassword: PASSWORD });
        expect(signup.status).toBe(201);
        const signin = await post(`${app.url}/auth/signin`, { email: "ada@example.com", password: PASSWORD });
        expect(signin.status).toBe(200);
        expect(signin.headers.get("cache-control")).toBe("no-store");
        const tokens = (await signin.json()) as Tokens;

        const me = await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
        expect(me.status).toBe(200);
        expect(await me.json()).toEqual({ id: tokens.user.id, email: "ada@example.com" });
        // the app's own JSON route still gets its parsed body (the body parser sits after the auth routes)
        const note = await post(`${app.url}/notes`, { text: "hello" }, { authorization: `Bearer ${tokens.accessToken}` });
        expect(note.status).toBe(201);
        expect(await note.json()).toEqual({ owner: tokens.user.id, text: "hello" });

        const refreshed = await post(`${app.url}/auth/refresh`, { refreshToken: tokens.refreshToken });
        expect(refreshed.status).toBe(200);
        const next = (await refreshed.json()) as Tokens;
        expect(next.refreshToken).not.toBe(tokens.refreshToken);
        expect((await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${next.accessToken}` } })).status).toBe(200);

        const signout = await post(`${app.url}/auth/signout`, { refreshToken: next.refreshToken });
        expect(signout.status).toBe(204);
        const after = await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${next.accessToken}` } });
        expect(after.status).toBe(401);
        expect(after.headers.get("www-authenticate")).toMatch(/^Bearer .*error="invalid_token"/);
        expect(((await after.json()) as { error: { code: string } }).error.code).toBe("TOKEN_REVOKED");
      } finally {
        await app.close();
      }
    });

    it("answers GET /me without a token with 401 and a bare WWW-Authenticate: Bearer", async () => {
      const { auth } = createTestAuth();
      const app = await start(auth, {});
      try {
        const response = await fetch(`${app.url}/me`);
        expect(response.status).toBe(401);
        expect(response.headers.get("www-authenticate")).toBe("Bearer");
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe("TOKEN_INVALID");
      } finally {
        await app.close();
      }
    });

    it("refuses a 64 KiB JSON body on /auth/signin (413) and unknown auth routes (404)", async () => {
      const { auth } = createTestAuth();
      const app = await start(auth, {});
      try {
        const big = await post(`${app.url}/auth/signin`, { email: "ada@example.com", password: "x".repeat(64 * 1024) });
        expect(big.status).toBe(413);
        expect((await fetch(`${app.url}/auth/nope`)).status).toBe(404);
      } finally {
        await app.close();
      }
    });

    it.each([
      [undefined, "127.0.0.1"],
      [1, "203.0.113.7"],
    ] as const)("with trustedProxies %s, X-Forwarded-For gives the session the address %s", async (trustedProxies, ip) => {
      const { auth } = createTestAuth();
      const app = await start(auth, trustedProxies === undefined ? {} : { trustedProxies });
      try {
        const signup = await post(`${app.url}/auth/signup`, { email: "ip@example.com", password: PASSWORD }, { "x-forwarded-for": "6.6.6.6, 203.0.113.7" });
        expect(signup.status).toBe(201);
        const { accessToken } = (await signup.json()) as Tokens;
        const session = await fetch(`${app.url}/auth/session`, { headers: { authorization: `Bearer ${accessToken}` } });
        expect(((await session.json()) as { session: { ip: string } }).session.ip).toBe(ip);
      } finally {
        await app.close();
      }
    });
  });
}
