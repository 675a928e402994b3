// One server of the HTTP benchmark, in a process of its own (started by bench/http.bench.ts with the contender's
// name): it listens on 127.0.0.1, sends `{ port }` over IPC, then answers IPC commands — CPU time used between
// "mark" and "read", and (signin server) a bare `auth.signin` loop. Nothing goes to stdout.
import { hkdfSync } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener, type HttpBindings } from "@hono/node-server";
import { AuthSkill } from "../../src/index.js";
import { authenticate, createAuthHandler, toResponse } from "../../src/http/index.js";
import { PASSWORD, SECRET, inFlight } from "../lib.js";
import { AUDIENCE, ISSUER, LOOPBACK, SERVERS, SIGNIN_PATHS, USERS, signinEmail, type ServerCommand, type ServerName } from "./shared.js";

/** The HS256 key AuthSkill derives from the secret (docs/tokens.md): HKDF-SHA256, empty salt. */
const hs256Key = () => Buffer.from(hkdfSync("sha256", SECRET, Buffer.alloc(0), "auth-skill/access-token/hs256/v1", 32));

/** The protected route's answer, the same bytes from every contender. */
const body = (sub: unknown) => JSON.stringify({ sub });

async function oursListener(): Promise<Server> {
  const auth = new AuthSkill({ secret: SECRET });
  return createServer(
    getRequestListener(async (request) => {
      try {
        const claims = await authenticate(auth, request);
        return new Response(body(claims.sub), { headers: { "content-type": "application/json" } });
      } catch (err) {
        return toResponse(err, request);
      }
    }),
  );
}

/** The Authorization header as a Web runtime would see it: repeated headers joined with ", " (Node keeps only the first). */
function authorizationOf(req: IncomingMessage): string | undefined {
  let value: string | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 13 && raw[i]!.toLowerCase() === "authorization") value = value === undefined ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}

async function oursHand(): Promise<Server> {
  const auth = new AuthSkill({ secret: SECRET });
  const fail = async (res: ServerResponse, response: Response) => {
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    res.writeHead(response.status, headers);
    res.end(await response.text());
  };
  return createServer((req, res) => {
    const authorization = authorizationOf(req);
    const request = new Request(`http://${LOOPBACK}${req.url ?? "/"}`, { headers: authorization === undefined ? {} : { authorization } });
    authenticate(auth, request).then(
      (claims) => {
        const json = body(claims.sub);
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
        res.end(json);
      },
      (err: unknown) => fail(res, toResponse(err, request)),
    );
  });
}

async function honoJwt(): Promise<Server> {
  const { Hono } = await import("hono");
  const { jwt } = await import("hono/jwt");
  // a pre-imported CryptoKey: hono/jwt imports a string secret again on every request
  const key = await crypto.subtle.importKey("raw", hs256Key(), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const app = new Hono<{ Variables: { jwtPayload: { sub: string } } }>();
  app.use("/me", jwt({ secret: key, alg: "HS256", verification: { iss: ISSUER, aud: AUDIENCE, typ: "at+jwt" } }));
  app.get("/me", (c) => c.body(body(c.get("jwtPayload").sub), 200, { "content-type": "application/json" }));
  return createServer(getRequestListener(app.fetch));
}

async function fastifyJwt(cache: boolean): Promise<Server> {
  const { default: Fastify } = await import("fastify");
  const { default: jwtPlugin } = await import("@fastify/jwt");
  const app = Fastify({ logger: false });
  await app.register(jwtPlugin, {
    secret: hs256Key(),
    verify: {
      algorithms: ["HS256"],
      allowedIss: ISSUER,
      allowedAud: AUDIENCE,
      checkTyp: "at+jwt",
      requiredClaims: ["exp", "iat", "sub", "jti"],
      clockTolerance: 5000, // ms: AuthSkill's default 5 s
      ...(cache ? { cache: true } : {}),
    },
  });
  app.get("/me", { onRequest: (request) => request.jwtVerify() }, async (request, reply) => {
    reply.header("content-type", "application/json");
    return body((request.user as { sub: string }).sub);
  });
  await app.ready();
  return app.server;
}

/** The signin server: bearer-mode handler at /auth over the seeded accounts; `bare` runs the loop it is measured against. */
async function signinServer(): Promise<{ server: Server; bare: (count: number, concurrency: number) => Promise<number> }> {
  const auth = new AuthSkill({ secret: SECRET, rateLimit: { signup: { max: USERS, window: "1h" } } }); // seeding: above the 20/h default
  await Promise.all(Array.from({ length: USERS }, (_, i) => auth.signup({ email: signinEmail(i), password: PASSWORD })));
  const handler = createAuthHandler(auth, { mode: "bearer" });
  const listener = getRequestListener((request, env) => handler(request, { socketAddress: (env as HttpBindings).incoming.socket.remoteAddress }));
  // The least any HTTP route must do around auth.signin: read the body, parse it, answer JSON (no checks at all).
  const minimal = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const result = await auth.signin(JSON.parse(Buffer.concat(chunks).toString("utf8")), { ip: req.socket.remoteAddress });
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
  };
  const server = createServer((req, res) => void (req.url === SIGNIN_PATHS.minimal ? minimal(req, res) : listener(req, res)));
  const bare = (count: number, concurrency: number) =>
    inFlight((i) => auth.signin({ email: signinEmail(i), password: PASSWORD }, { ip: LOOPBACK }), concurrency, count);
  return { server, bare };
}

async function main(name: ServerName): Promise<void> {
  let bare: ((count: number, concurrency: number) => Promise<number>) | undefined;
  let server: Server;
  if (name === "signin") ({ server, bare } = await signinServer());
  else if (name === "ours-listener") server = await oursListener();
  else if (name === "ours-hand") server = await oursHand();
  else if (name === "hono-jwt") server = await honoJwt();
  else server = await fastifyJwt(name === "fastify-jwt-cache");
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  let mark = process.cpuUsage();
  process.on("disconnect", () => process.exit(0)); // the parent is gone (or done): never linger
  process.on("message", async (message: ServerCommand) => {
    if (message.cmd === "mark") {
      mark = process.cpuUsage();
      process.send!({ ok: true });
    } else if (message.cmd === "read") {
      const used = process.cpuUsage(mark);
      process.send!({ cpuMs: (used.user + used.system) / 1000 });
    } else if (message.cmd === "bare" && bare) {
      const start = performance.now();
      await bare(message.count, message.concurrency);
      process.send!({ ms: performance.now() - start });
    }
  });
  process.send!({ port: (server.address() as AddressInfo).port });
}

const name = process.argv[2] as ServerName;
if (!SERVERS.includes(name)) throw new Error(`unknown server "${name}"`);
await main(name);
