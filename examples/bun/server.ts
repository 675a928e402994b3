// Bun: the auth-skill handler under Bun.serve, with a route of your own protected by authenticate.
//
//   AUTH_SECRET=... PORT=3000 bun examples/bun/server.ts
import { AuthSkill } from "auth-skill";
import { authenticate, createAuthHandler, toResponse } from "auth-skill/http";

// What this file uses of Bun's API; with `@types/bun` installed, delete this declaration.
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    fetch(request: Request, server: { requestIP(request: Request): { address: string } | null }): Promise<Response>;
  }): { url: URL };
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

const server = Bun.serve({
  hostname: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 3000),
  fetch(request, server) {
    if (new URL(request.url).pathname === "/me" && request.method === "GET") return me(request);
    // Everything else: the handler's routes under /auth, its 404 elsewhere.
    return handler(request, { socketAddress: server.requestIP(request)?.address });
  },
});
console.log(`listening on ${server.url.origin}`);
