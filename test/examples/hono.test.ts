// examples/hono: the Hono app served by @hono/node-server on 127.0.0.1, driven over real HTTP with fetch.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApp, listen } from "../../examples/hono/app.js";
import { AuthSkill } from "../../src/index.js";
import { expectAuthFlow } from "./auth-flow.js";

describe("examples/hono on @hono/node-server", () => {
  let close: () => Promise<void>;
  let origin: string;

  beforeAll(async () => {
    const auth = new AuthSkill({ secret: randomBytes(32).toString("base64url") });
    const { server, port } = await listen(createApp(auth), 0);
    origin = `http://127.0.0.1:${port}`;
    close = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections(); // fetch keeps connections alive
      });
  });
  afterAll(() => close?.());

  test("signup, signin, GET /me, the session's address, refresh, signout, and the 401s", async () => {
    await expectAuthFlow(origin);
  });

  test("routes outside the app and the handler answer 404 in the handler's error shape under /auth", async () => {
    const response = await fetch(`${origin}/auth/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    expect((await fetch(`${origin}/elsewhere`)).status).toBe(404); // Hono's own 404
  });
});
