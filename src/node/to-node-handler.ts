import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";

/** A Web-standard handler such as `createAuthHandler`'s: a `Request` (and the peer's address) in, a `Response` out. */
export type FetchHandler = (request: Request, connection: { socketAddress?: string | undefined }) => Response | Promise<Response>;

/** A `node:http` request listener, also an Express handler: resolves once the response is written. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** 500 with a fixed body: nothing of the error reaches the client. */
function internalError(): Response {
  return Response.json({ error: { code: "INTERNAL_ERROR", message: "Internal server error." } }, { status: 500, headers: { "cache-control": "no-store" } });
}

/**
 * Serves a Web-standard handler (`createAuthHandler(auth)`) from Node: `node:http`, Express, or Fastify through
 * `reply.hijack()`. The conversion is `@hono/node-server`'s `getRequestListener` (an optional peer dependency:
 * `npm install @hono/node-server`), with the global `Request`/`Response` left alone: the request's method, path
 * and query, headers and body (streamed as the handler reads it — the 16 KiB cap stops a 10 MB upload at
 * 16 KiB) become a `Request`, `req.socket.remoteAddress` becomes `socketAddress`, and the `Response` is
 * written back (each `Set-Cookie` on its own line, no body for HEAD, the body cancelled when the client
 * disconnects). A handler that throws or resolves something other than a `Response` gets a 500 without
 * detail. Mount it before any body parser: a parsed body has already been read from the stream.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { AuthSkill } from "auth-skill";
 * import { createAuthHandler } from "auth-skill/http";
 * import { toNodeHandler } from "auth-skill/node";
 *
 * const auth = new AuthSkill();
 * createServer(toNodeHandler(createAuthHandler(auth))).listen(3000);
 * // Express 5: app.all("/auth/{*rest}", toNodeHandler(createAuthHandler(auth))), before express.json()
 * ```
 */
export function toNodeHandler(handler: FetchHandler): NodeHandler {
  if (typeof handler !== "function") throw new TypeError("toNodeHandler: a function (request, { socketAddress }) => Response");
  const listener = getRequestListener(
    async (request, env) => {
      try {
        const response = await handler(request, { socketAddress: env.incoming.socket.remoteAddress });
        return response instanceof Response ? response : internalError();
      } catch {
        return internalError();
      }
    },
    { overrideGlobalObjects: false, errorHandler: () => internalError() },
  );
  return async (req, res) => {
    try {
      await listener(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(500, { "cache-control": "no-store" }).end();
      else res.destroy(); // a body that failed half-way: the client sees a cut response, not a complete one
    }
  };
}
