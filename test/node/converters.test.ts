// Both Node converters (ours and @hono/node-server's) held to the same rules over real HTTP on loopback, in
// front of the real auth handler (createTestAuth: real argon2id, memory storage) and a few routes of the test's.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthHandler } from "../../src/http/index.js";
import { createTestAuth } from "../../src/testing/test-auth.js";
import type { FetchHandler } from "../../src/node/index.js";
import { CONVERTERS } from "./converters.js";
import { listen, type Listening } from "./listen.js";

const PASSWORD = "quiet mountain lakes at dawn";
const [WebRequest, WebResponse] = [globalThis.Request, globalThis.Response]; // before any converter is made

/** A raw HTTP/1.1 exchange (no fetch in between): status, headers as Node parsed them, and the body's bytes. */
function raw(url: string, method: string, headers: Record<string, string> = {}): Promise<{ res: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve({ res, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject).end();
  });
}

describe.each(Object.entries(CONVERTERS))("%s", (_name, convert) => {
  const { auth } = createTestAuth();
  const authHandler = createAuthHandler(auth);
  let streamCancelled: () => void = () => {};
  const cancelled = new Promise<void>((resolve) => {
    streamCancelled = resolve;
  });
  const handler: FetchHandler = async (request, connection) => {
    const path = new URL(request.url).pathname;
    if (path === "/t/cookies") {
      const headers = new Headers();
      headers.append("set-cookie", "a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/");
      headers.append("set-cookie", "b=2; Expires=Thu, 22 Oct 2037 07:28:00 GMT; Path=/; HttpOnly");
      return new Response("ok", { headers });
    }
    if (path === "/t/body") return Response.json({ method: request.method, bodyIsNull: request.body === null });
    if (path === "/t/address") return Response.json({ socketAddress: connection.socketAddress });
    if (path === "/t/throw") throw new Error("database password is hunter2");
    if (path === "/t/not-a-response") return { status: 200, body: "hunter2" } as unknown as Response;
    if (path === "/t/stream") {
      let timer: NodeJS.Timeout | undefined;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          timer = setInterval(() => controller.enqueue(new Uint8Array(1024).fill(120)), 5);
        },
        cancel() {
          clearInterval(timer);
          streamCancelled();
        },
      });
      return new Response(body, { headers: { "content-type": "text/plain" } });
    }
    return authHandler(request, connection);
  };
  let server: Listening;
  beforeAll(async () => {
    server = await listen(convert(handler));
  });
  afterAll(() => server.close());

  it("keeps several Set-Cookie headers separate (their Expires commas intact)", async () => {
    const response = await fetch(`${server.url}/t/cookies`);
    expect(response.headers.getSetCookie()).toEqual([
      "a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/",
      "b=2; Expires=Thu, 22 Oct 2037 07:28:00 GMT; Path=/; HttpOnly",
    ]);
    const { res } = await raw(`${server.url}/t/cookies`, "GET");
    expect(res.headers["set-cookie"]).toHaveLength(2);
  });

  it("gives GET and HEAD requests no body, and sends no body in answer to HEAD", async () => {
    expect(await (await fetch(`${server.url}/t/body`)).json()).toEqual({ method: "GET", bodyIsNull: true });
    const head = await raw(`${server.url}/t/body`, "HEAD");
    expect(head.res.statusCode).toBe(200);
    expect(head.body.byteLength).toBe(0);
    const post = await fetch(`${server.url}/t/body`, { method: "POST", body: "x" });
    expect(await post.json()).toEqual({ method: "POST", bodyIsNull: false });
  });

  it("passes the peer's address as socketAddress, and the handler records it on the session", async () => {
    expect(await (await fetch(`${server.url}/t/address`)).json()).toEqual({ socketAddress: "127.0.0.1" });
    const signup = await fetch(`${server.url}/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9" },
      body: JSON.stringify({ email: `${_name.replace(/\W/g, "")}@example.com`, password: PASSWORD }),
    });
    expect(signup.status).toBe(201);
    const { accessToken } = (await signup.json()) as { accessToken: string };
    const session = await fetch(`${server.url}/auth/session`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(((await session.json()) as { session: { ip: string } }).session.ip).toBe("127.0.0.1"); // no trusted proxy: the header is ignored
  });

  it("streams the request body: a 10 MB upload is refused (413) after 64 KiB, while the rest is still unsent", async () => {
    const chunk = Buffer.alloc(16 * 1024, 32);
    const { status, sent } = await new Promise<{ status: number | undefined; sent: number }>((resolve, reject) => {
      const req = httpRequest(`${server.url}/auth/signin`, {
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", "content-length": String(10 * 1024 * 1024) },
      });
      let sent = 0;
      const timer = setTimeout(() => reject(new Error("no response while the upload waits: the converter buffers the body")), 5000);
      req.on("response", (res) => {
        clearTimeout(timer);
        resolve({ status: res.statusCode, sent });
        res.resume();
        req.destroy();
      });
      req.on("error", () => undefined); // the destroy above
      for (let i = 0; i < 4; i++) {
        req.write(chunk);
        sent += chunk.byteLength;
      } // then wait: the other 10,420 KiB are never sent unless the response comes
    });
    expect(status).toBe(413);
    expect(sent).toBe(64 * 1024);
    expect((await fetch(`${server.url}/auth/jwks`)).status).toBe(200); // the server goes on
  });

  it("survives a client that disconnects mid-response, and cancels the response body", async () => {
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${server.url}/t/stream`, { agent: false }, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", () => undefined).on("close", () => undefined);
      req.end();
      setTimeout(() => reject(new Error("no body")), 5000);
    });
    await cancelled;
    expect((await fetch(`${server.url}/auth/jwks`)).status).toBe(200);
  });

  it.each(["/t/throw", "/t/not-a-response"])("answers %s with a 500 that says nothing of the error", async (path) => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("hunter2");
  });

  it("leaves the global Request and Response alone", () => {
    expect(globalThis.Request).toBe(WebRequest);
    expect(globalThis.Response).toBe(WebResponse);
  });
});
