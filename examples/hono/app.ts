// Hono on Node: the auth-skill handler mounted at /auth and a route of your own protected by authenticate.
import type { AddressInfo } from "node:net";
import { type HttpBindings, serve, type ServerType } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { AuthSkill } from "auth-skill";
import { authenticate, createAuthHandler, toResponse } from "auth-skill/http";
import { Hono } from "hono";

/**
 * The app: every `/auth/*` request goes to the handler (routes in docs/http.md), with the peer's address from
 * the Node socket so the rate limits count per client; `GET /me` answers the caller's ids, or the handler's
 * error responses (401 with `WWW-Authenticate`) through `toResponse`.
 *
 * @example
 * ```ts
 * import { AuthSkill } from "auth-skill";
 * import { createApp, listen } from "./app.js";
 *
 * const { port } = await listen(createApp(new AuthSkill()), 3000);
 * ```
 */
export function createApp(auth: AuthSkill): Hono<{ Bindings: HttpBindings }> {
  // Behind a reverse proxy, add `trustedProxies: 1` (or its addresses): see "The client address" in docs/http.md.
  const handler = createAuthHandler(auth);
  const app = new Hono<{ Bindings: HttpBindings }>();

  app.all("/auth/*", (c) => handler(c.req.raw, { socketAddress: getConnInfo(c).remote.address }));

  app.get("/me", async (c) => {
    try {
      // checkRevocation: a signed-out session's access token is refused at once, not when it expires.
      const claims = await authenticate(auth, c.req.raw, { checkRevocation: true });
      return c.json({ userId: claims.sub, sessionId: claims.sid });
    } catch (err) {
      return toResponse(err, c.req.raw);
    }
  });
  return app;
}

/**
 * Serves `app` with `@hono/node-server` on `hostname:port` (port 0: a free one); resolves once it listens.
 *
 * @example
 * ```ts
 * const { server, port } = await listen(createApp(auth), 0);
 * console.log(`http://127.0.0.1:${port}/me`);
 * server.close();
 * ```
 */
export function listen(app: Hono<{ Bindings: HttpBindings }>, port: number, hostname = "127.0.0.1"): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => resolve({ server, port: info.port }));
    server.once("error", reject);
  });
}
