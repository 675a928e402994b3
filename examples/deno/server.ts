// Deno: the auth-skill handler under Deno.serve, with a route of your own protected by authenticate.
//
//   AUTH_SECRET=... PORT=3000 deno run --allow-net=127.0.0.1 --allow-env --allow-read --allow-ffi examples/deno/server.ts
import { AuthSkill } from "auth-skill";
import { authenticate, createAuthHandler, toResponse } from "auth-skill/http";

// What this file uses of Deno's API (Deno knows its own types; this is for other type checkers).
declare const Deno: {
  env: { get(name: string): string | undefined };
  serve(
    options: { hostname: string; port: number; onListen(address: { hostname: string; port: number }): void },
    fetch: (request: Request, info: { remoteAddr: { hostname: string } }) => Promise<Response>,
  ): unknown;
};

const auth = new AuthSkill(); // AUTH_SECRET and the rest from the environment (docs/getting-started.md)
// Behind a reverse proxy, add `trustedProxies: 1` (or its addresses): see "The client address" in docs/http.md.
const handler = createAuthHandler(auth);

/** GET /me: the caller's ids, or 401 with `WWW-Authenticate` (signed-out sessions included). */
async function me(request: Request): Promise<Response> {
  try {
    const claims = await authenticate(auth, request, { checkRevocation: true });
    return Response.json({ userId: claims.sub, sessionId: claims.sid });
  } catch (err) {
    return toResponse(err, request);
  }
}

Deno.serve(
  {
    hostname: Deno.env.get("HOST") ?? "127.0.0.1",
    port: Number(Deno.env.get("PORT") ?? 3000),
    onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}`),
  },
  (request, info) => {
    if (new URL(request.url).pathname === "/me" && request.method === "GET") return me(request);
    // Everything else: the handler's routes under /auth, its 404 elsewhere.
    return handler(request, { socketAddress: info.remoteAddr.hostname });
  },
);
