/**
 * A browser app on cookie mode: the page (public/, plain HTML and JavaScript, no build step) and the auth
 * routes (/auth/*) on one origin, served by node:http. The refresh token lives only in an HttpOnly cookie;
 * the page keeps the access token in memory.
 *
 *   npx tsx examples/web-app/server.ts            # then open http://127.0.0.1:3000
 *
 * See README.md next to this file.
 */
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";
import { getRequestListener } from "@hono/node-server";
import { AuthSkill, memoryStorage } from "auth-skill";
import { createAuthHandler, type ConnectionInfo, type HandlerAuth, type TrustedProxies } from "auth-skill/http";
import { passkeys } from "auth-skill/passkeys";
import { createDemoOutbox, type DemoOutbox } from "./outbox.js";
import { staticFiles } from "./static.js";

/** A Web-standard app: a `Request` (and what the runtime knows of the connection) in, a `Response` out. */
export type WebApp = (request: Request, connection?: ConnectionInfo) => Promise<Response>;

/** Options of {@link createWebApp}. */
export interface WebAppOptions {
  /** The instance; give it `refreshToken: { reuseInterval: "10s" }` so two tabs refreshing at once stay signed in. */
  auth: HandlerAuth;
  /** The page's origin exactly as browsers send it, e.g. `"https://app.example.com"`: the only one allowed to POST. */
  origin: string;
  /** DEMO ONLY: serve this outbox at `/outbox`. Leave it out anywhere real. */
  outbox?: DemoOutbox | undefined;
  /** Proxies in front that append to `X-Forwarded-For` (see `clientIp`); default none. */
  trustedProxies?: TrustedProxies | undefined;
  /** The page's files (default: public/ next to this file). */
  publicDir?: string | undefined;
}

/**
 * The app: `/auth/*` goes to the auth handler in cookie mode (its POSTs only from `origin`), `/outbox` to the
 * demo outbox when one is given, anything else to the static files.
 *
 * @example
 * ```ts
 * const auth = new AuthSkill({ refreshToken: { reuseInterval: "10s" } });
 * const app = createWebApp({ auth, origin: "https://app.example.com", trustedProxies: 1 });
 * createServer(toNodeListener(app)).listen(3000, "127.0.0.1");
 * ```
 */
export function createWebApp(options: WebAppOptions): WebApp {
  const handler = createAuthHandler(options.auth, {
    mode: "cookie",
    trustedOrigins: [options.origin],
    trustedProxies: options.trustedProxies,
  });
  const files = staticFiles(options.publicDir ?? fileURLToPath(new URL("./public/", import.meta.url)));
  const outbox = options.outbox;
  return async (request, connection) => {
    const path = new URL(request.url).pathname;
    if (path === "/auth" || path.startsWith("/auth/")) return handler(request, connection);
    if (path === "/outbox" && outbox) return outbox.page(request);
    return files(request);
  };
}

/**
 * The one place Node's request and response meet the Web's: `@hono/node-server`'s converter, with the
 * socket's address passed on for the rate limits. (To be swapped for auth-skill's own Node adapter.)
 *
 * @example
 * ```ts
 * createServer(toNodeListener(createWebApp({ auth, origin: "http://127.0.0.1:3000" }))).listen(3000, "127.0.0.1");
 * ```
 */
export function toNodeListener(app: WebApp): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  // overrideGlobalObjects: false keeps the global Request and Response as they are.
  return getRequestListener((request, env) => app(request, { socketAddress: env.incoming.socket.remoteAddress }), { overrideGlobalObjects: false });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  const origin = process.env.APP_ORIGIN ?? `http://127.0.0.1:${port}`;
  const outbox = createDemoOutbox(origin);
  const auth = new AuthSkill({
    // A new secret each run: memory storage forgets every user on restart anyway. A real app: process.env.AUTH_SECRET.
    secret: randomBytes(32).toString("base64url"),
    storage: memoryStorage(),
    refreshToken: { reuseInterval: "10s" }, // two tabs refreshing at once stay signed in (docs/http.md)
    email: { send: outbox.send },
    // Passkeys need a host name for their RP ID (an IP address is none): APP_ORIGIN=http://localhost:3000 enables them.
    ...(isIP(new URL(origin).hostname) === 0
      ? { passkeys: passkeys({ rpID: new URL(origin).hostname, rpName: "auth-skill web app", origins: [origin] }) }
      : {}),
  });
  createServer(toNodeListener(createWebApp({ auth, origin, outbox }))).listen(port, "127.0.0.1", () => {
    console.log(`web-app: ${origin} (demo outbox at ${origin}/outbox — a stand-in for a mailbox, never for production)`);
  });
}
