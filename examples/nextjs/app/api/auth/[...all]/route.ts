// Every auth-skill route under /api/auth: POST /api/auth/signup, /signin, /refresh, /signout, GET /session,
// DELETE /sessions/:id, ... (docs/http.md lists them). Next.js hands the route handler a Web Request and takes
// back the Web Response, so the handler needs no adapter.
import { type AuthHandler, createAuthHandler } from "auth-skill/http";
import { getAuth } from "@/lib/auth";

let handler: AuthHandler | undefined;

/**
 * Passes the request to auth-skill's handler, created on the first request (see lib/auth.ts).
 *
 * `trustedProxies: 1`: the client's address, which the rate limits count failures by, is the last entry of
 * X-Forwarded-For, written by the one proxy in front of Next.js (Vercel, nginx, a load balancer). Next.js itself
 * fills that header with the socket's address only when the request has none, so a `next start` that faces the
 * internet with no proxy would let clients choose their address: keep a proxy in front, or set the hop count to
 * the number of proxies you run.
 *
 * @example
 * ```ts
 * const response = await handle(new Request("http://localhost:3000/api/auth/jwks"));
 * ```
 */
function handle(request: Request): Promise<Response> {
  handler ??= createAuthHandler(getAuth(), { basePath: "/api/auth", trustedProxies: 1 });
  return handler(request);
}

export const GET = handle;
export const POST = handle;
export const DELETE = handle;
