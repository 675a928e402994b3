/**
 * Runs the backend on node:http: `npx tsx examples/better-auth-backend/server.ts`
 * (PORT, HOST, DATABASE_PATH, BETTER_AUTH_SECRET, BETTER_AUTH_URL from the environment).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createBackend } from "./backend.js";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const backend = await createBackend();

async function toRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  if (req.method !== "GET" && req.method !== "HEAD") for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  return new Request(`http://${req.headers.host ?? `${host}:${port}`}${req.url ?? "/"}`, {
    method: req.method ?? "GET",
    headers,
    ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
  });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

const server = createServer((req, res) => {
  toRequest(req)
    .then((request) => backend.handle(request))
    .then((response) => send(res, response))
    .catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
});

server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  console.log(`better-auth-backend listening on http://${host}:${actual}`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => server.close(() => void backend.close().then(() => process.exit(0))));
}
