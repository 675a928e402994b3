// The two Node <-> Web converters compared in bench/node-adapter.bench.ts and held to the same tests in
// test/node/converters.test.ts: ours (auth-skill/node) and @hono/node-server's getRequestListener.
import { getRequestListener } from "@hono/node-server";
import type { IncomingMessage, ServerResponse } from "node:http";
import { toNodeHandler, type FetchHandler, type NodeHandler } from "../../src/node/index.js";

/**
 * @hono/node-server as the package would use it: the socket address from `incoming`, and without its default
 * of replacing the global `Request`/`Response` (a library must not change an app's globals).
 */
export function honoNodeHandler(handler: FetchHandler): NodeHandler {
  const listener = getRequestListener((request, env) => handler(request, { socketAddress: env.incoming.socket.remoteAddress }), {
    overrideGlobalObjects: false,
  });
  return async (req: IncomingMessage, res: ServerResponse) => {
    await listener(req, res);
  };
}

export const CONVERTERS: Record<"auth-skill/node" | "@hono/node-server", (handler: FetchHandler) => NodeHandler> = {
  "auth-skill/node": toNodeHandler,
  "@hono/node-server": honoNodeHandler,
};
