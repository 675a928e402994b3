// The handler over real HTTP on loopback, served by node:http through a tiny IncomingMessage -> Request adapter
// (this test's own; which adapter the package recommends for Node is decided with the framework examples).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthHandler } from "../../src/http/index.js";
import { createTestAuth } from "../../src/testing/test-auth.js";
import { PASSWORD } from "./support.js";

function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method: req.method ?? "GET",
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

describe("over node:http on loopback", () => {
  const { auth } = createTestAuth({ refreshToken: { reuseInterval: "10s" } });
  const handler = createAuthHandler(auth, { mode: "cookie", trustedOrigins: ["http://app.test"], trustedProxies: ["127.0.0.1/32", "::1"] });
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      handler(toRequest(req), { socketAddress: req.socket.remoteAddress }).then(
        (response) => send(response, res),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth`;
  });
  afterAll(async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections(); // fetch keeps connections alive
    await closed;
  });

  it("signs up, reads the session, refreshes with the cookie and signs out; the proxy's client address reaches the session", async () => {
    const headers = { origin: "http://app.test", "content-type": "application/json", "x-forwarded-for": "6.6.6.6, 203.0.113.7" };
    const signup = await fetch(`${base}/signup`, { method: "POST", headers, body: JSON.stringify({ email: "ada@example.com", password: PASSWORD }) });
    expect(signup.status).toBe(201);
    const body = (await signup.json()) as { accessToken: string; sessionId: string; user: { id: string } };
    const cookie = signup.headers.getSetCookie()[0]!.split(";")[0]!;
    expect(cookie).toMatch(/^__Host-auth-refresh=/);
    expect(body).not.toHaveProperty("refreshToken");

    const session = await fetch(`${base}/session`, { headers: { authorization: `Bearer ${body.accessToken}` } });
    expect(session.status).toBe(200);
    expect(((await session.json()) as { session: { ip: string } }).session.ip).toBe("203.0.113.7");

    const refreshed = await fetch(`${base}/refresh`, { method: "POST", headers: { origin: "http://app.test", cookie } });
    expect(refreshed.status).toBe(200);
    const next = refreshed.headers.getSetCookie()[0]!.split(";")[0]!;
    expect(next).not.toBe(cookie);

    const signout = await fetch(`${base}/signout`, { method: "POST", headers: { origin: "http://app.test", cookie: next } });
    expect(signout.status).toBe(204);
    expect(signout.headers.getSetCookie()[0]).toMatch(/Max-Age=0/);
    expect((await auth.listSessions(body.user.id)).length).toBe(0);
  });

  it("refuses a body over 16 KiB sent in chunks without Content-Length (413), and a foreign origin (403)", async () => {
    const big = fetch(`${base}/signin`, {
      method: "POST",
      headers: { origin: "http://app.test", "content-type": "application/json" },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 40; i++) controller.enqueue(new TextEncoder().encode(" ".repeat(1024)));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect((await big).status).toBe(413);
    const foreign = await fetch(`${base}/signin`, { method: "POST", headers: { origin: "http://evil.test", "content-type": "application/json" }, body: "{}" });
    expect(foreign.status).toBe(403);
  });
});
