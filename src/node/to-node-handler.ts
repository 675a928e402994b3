import type { IncomingMessage, ServerResponse } from "node:http";
import { toRequest } from "./request.js";
import { drainAfter, writeResponse } from "./response.js";

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
 * `reply.hijack()`. The Node request becomes a `Request` (method, path and query, every header, the body
 * streamed as the handler reads it — a 16 KiB cap stops reading a 10 MB upload at 16 KiB), the peer's
 * `req.socket.remoteAddress` becomes `socketAddress`, and the `Response` is written back (each `Set-Cookie`
 * kept on its own line, no body for HEAD, backpressure respected, the body cancelled when the client
 * disconnects). A handler that throws, or a request that cannot be converted, gets a 500 without detail.
 * Mount it before any body parser: a parsed body has already been read from the stream.
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
  return async (req, res) => {
    drainAfter(req, res);
    let response: Response;
    try {
      response = await handler(toRequest(req), { socketAddress: req.socket.remoteAddress });
      if (!(response instanceof Response)) throw new TypeError("not a Response");
    } catch {
      response = internalError();
    }
    try {
      await writeResponse(response, req, res);
    } catch {
      if (!res.headersSent) res.writeHead(500, { "cache-control": "no-store" }).end();
      else res.destroy(); // a body that failed half-way: the client sees a cut response, not a complete one
    }
  };
}
