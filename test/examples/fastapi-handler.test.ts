// examples/fastapi with tokens minted THROUGH THE HANDLER: createAuthHandler served over real HTTP on 127.0.0.1
// (by @hono/node-server, as examples/hono does), signin over HTTP, and app.py (Debian's /usr/bin/python3)
// accepting the access token: EdDSA with the public keys fetched from the handler's GET /auth/jwks, and HS256
// with the shared secret.
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createAuthHandler } from "../../src/http/index.js";
import { AuthSkill, generateSigningKey } from "../../src/index.js";
import { PASSWORD, tamper } from "./auth-flow.js";
import { GET_ME_SCRIPT, IN_CI, missingPython, pyJson } from "./python.js";

const missing = missingPython();
if (missing && !IN_CI) console.warn(`[examples/fastapi, handler] SKIPPED: ${missing}`);

const SECRET = randomBytes(32).toString("base64url");
const INVALID = { status: 401, body: { detail: "Invalid access token" }, challenge: 'Bearer error="invalid_token"' };
const NO_TOKEN = { status: 401, body: { detail: "Not authenticated" }, challenge: "Bearer" };
const servers: ServerType[] = [];

/** Serves `auth`'s handler on 127.0.0.1 (a free port); resolves its origin. */
function serveHandler(auth: AuthSkill): Promise<string> {
  const handler = createAuthHandler(auth);
  return new Promise((resolve) => {
    const server = serve(
      { fetch: (request, env) => handler(request, { socketAddress: env.incoming.socket.remoteAddress }), port: 0, hostname: "127.0.0.1" },
      (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`),
    );
    servers.push(server);
  });
}

/** POSTs JSON to the handler; returns the parsed body after checking the status. */
async function post(url: string, body: unknown, status: number): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(response.status).toBe(status);
  return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
}

type Tokens = { user: { id: string }; sessionId: string; accessToken: string; refreshToken: string };

/** Signs a new user up and then in over HTTP: two sessions, two sets of tokens. */
async function signupAndSignin(origin: string, email: string): Promise<{ signedUp: Tokens; signedIn: Tokens }> {
  const signedUp = (await post(`${origin}/auth/signup`, { email, password: PASSWORD }, 201)) as Tokens;
  const signedIn = (await post(`${origin}/auth/signin`, { email, password: PASSWORD }, 200)) as Tokens;
  return { signedUp, signedIn };
}

/** What app.py's GET /me answers for a valid token. */
const ok = (tokens: Tokens) => ({ status: 200, body: { sub: tokens.user.id, sid: tokens.sessionId }, challenge: null });

describe.skipIf(missing !== null && !IN_CI)("examples/fastapi: tokens minted through the handler", () => {
  beforeAll(() => {
    if (missing) throw new Error(missing);
  });
  afterAll(async () => {
    const closing = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const server of servers) if ("closeAllConnections" in server) server.closeAllConnections(); // fetch keeps connections alive
    await Promise.all(closing);
  });

  test("EdDSA: FastAPI fetches the public keys from GET /auth/jwks and accepts a signin's access token, not a tampered one", async () => {
    const key = await generateSigningKey("EdDSA");
    const origin = await serveHandler(new AuthSkill({ secret: SECRET, accessToken: { algorithm: "EdDSA", keys: [key] } }));

    const jwks = await fetch(`${origin}/auth/jwks`);
    expect(jwks.status).toBe(200);
    const { keys } = (await jwks.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", kid: key.kid, x: key.x });
    expect(keys[0]).not.toHaveProperty("d"); // the private part never leaves the server

    const { signedUp, signedIn } = await signupAndSignin(origin, "ada@example.com");
    // Verification in Python is stateless: after signout the handler refuses the session's access token, while
    // FastAPI (which does not call back) accepts it until it expires, as examples/fastapi/README.md says.
    await post(`${origin}/auth/signout`, { refreshToken: signedIn.refreshToken }, 204);
    const session = await fetch(`${origin}/auth/session`, { headers: { authorization: `Bearer ${signedIn.accessToken}` } });
    expect(session.status).toBe(401);

    const config = { AUTH_JWKS_URL: `${origin}/auth/jwks` }; // PyJWKClient over HTTP: no secret on the Python side
    const results = await pyJson(GET_ME_SCRIPT, [signedUp.accessToken, tamper(signedUp.accessToken), null, signedIn.accessToken], config);
    expect(results).toEqual([ok(signedUp), INVALID, NO_TOKEN, ok(signedIn)]);
  });

  test("HS256: FastAPI, given the server's secret, accepts a signin's access token, not a tampered one", async () => {
    const origin = await serveHandler(new AuthSkill({ secret: SECRET }));
    const { signedIn } = await signupAndSignin(origin, "grace@example.com");
    // (A token of another secret is refused: test/examples/fastapi.test.ts.)
    const results = await pyJson(GET_ME_SCRIPT, [signedIn.accessToken, tamper(signedIn.accessToken)], { AUTH_SECRET: SECRET });
    expect(results).toEqual([ok(signedIn), INVALID]);
  });
});
