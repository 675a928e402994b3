import type { FetchHandler, NodeHandler } from "../../../src/node/index.js";
import { toRequest } from "./request.js";
import { drainAfter, writeResponse } from "./response.js";

/** 500 with a fixed body: nothing of the error reaches the client. */
function internalError(): Response {
  return Response.json({ error: { code: "INTERNAL_ERROR", message: "Internal server error." } }, { status: 500, headers: { "cache-control": "no-store" } });
}

/**
 * The hand-written Node <-> Web converter that auth-skill/node was measured against (bench/node-adapter.bench.ts,
 * test/node/converters.test.ts): a full `Request` per request (undici's constructor), the body streamed on
 * demand, small bodies written in one go with `Content-Length`, at most 1 MiB / 1 s of an unread body drained.
 * @hono/node-server's lazy `Request` was faster on a protected route and level elsewhere (docs/http.md), so the
 * package ships that instead.
 */
export function handWrittenNodeHandler(handler: FetchHandler): NodeHandler {
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
