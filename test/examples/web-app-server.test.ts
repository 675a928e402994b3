// examples/web-app's server without a browser: the static files (types, headers, no way out of public/), the demo
// outbox (off unless given, escaped, links from the configured origin), and the app over node:http on loopback.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestAuth } from "auth-skill/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { EmailMessage } from "../../src/index.js";
import { createDemoOutbox } from "../../examples/web-app/outbox.js";
import { createWebApp, toNodeListener } from "../../examples/web-app/server.js";
import { CONTENT_SECURITY_POLICY } from "../../examples/web-app/static.js";

const ORIGIN = "http://127.0.0.1:3000";
const t = createTestAuth({ refreshToken: { reuseInterval: "10s" } });
const app = createWebApp({ auth: t.auth, origin: ORIGIN });
const get = (path: string, init?: RequestInit) => app(new Request(new URL(path, ORIGIN), init));

describe("static files", () => {
  test.each([
    ["/", "text/html; charset=utf-8"],
    ["/index.html", "text/html; charset=utf-8"],
    ["/reset", "text/html; charset=utf-8"],
    ["/app.js", "text/javascript; charset=utf-8"],
    ["/style.css", "text/css; charset=utf-8"],
  ])("%s is served as %s, with the page headers", async (path, type) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(type);
    expect(response.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await response.text()).length).toBeGreaterThan(100);
  });

  test.each([
    "/..%2fserver.ts",
    "/..%2f..%2fpackage.json",
    "/%2e%2e%2fstatic.ts",
    "/..%2fpublic%2fapp.js",
    "/server.ts",
    "/.app.js",
    "/a%00.js",
    "/nope.js",
    "/%E0%A4%A.js",
  ])("%s is not served", async (path) => {
    const response = await get(path);
    expect([400, 404]).toContain(response.status);
    expect(await response.text()).not.toContain("import");
  });

  test("HEAD has no body; other methods are 405", async () => {
    const head = await get("/app.js", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const post = await get("/", { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  test("the CSP allows no inline script and no framing", () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe");
  });
});

describe("the demo outbox", () => {
  test("is not served unless given", async () => {
    expect((await get("/outbox")).status).toBe(404);
  });

  test("escapes what it shows and builds links from the configured origin only", async () => {
    const outbox = createDemoOutbox(ORIGIN);
    const user = { id: "u1" } as unknown as EmailMessage["user"];
    outbox.send({ kind: "password-reset", to: `"<img src=x onerror=alert(1)>"@example.com`, token: "a&b<c", expiresAt: null, user });
    outbox.send({ kind: "email-verification", to: "b@example.com", token: "t", expiresAt: null, user });
    const page = outbox.page(new Request(`${ORIGIN}/outbox`, { headers: { host: "evil.example", "x-forwarded-host": "evil.example" } }));
    const html = await page.text();
    expect(html).not.toContain("<img");
    expect(html).toContain("&#60;img src=x onerror=alert(1)&#62;");
    expect(html).toContain(`href="${ORIGIN}/reset#token=a%26b%3Cc"`);
    expect(html).not.toContain("evil.example");
    expect(html).toContain("Demo only.");
    expect(page.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(outbox.entries().map((e) => e.link)).toEqual([null, `${ORIGIN}/reset#token=a%26b%3Cc`]); // newest first
  });

  test("keeps the newest 50", () => {
    const outbox = createDemoOutbox(ORIGIN);
    const user = { id: "u1" } as unknown as EmailMessage["user"];
    for (let i = 0; i < 60; i++) outbox.send({ kind: "password-reset", to: `u${i}@example.com`, token: `t${i}`, expiresAt: null, user });
    expect(outbox.entries()).toHaveLength(50);
    expect(outbox.entries()[0]!.to).toBe("u59@example.com");
  });
});

describe("over node:http on loopback", () => {
  const server = createServer();
  let origin = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on("request", toNodeListener(createWebApp({ auth: t.auth, origin })));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("signup from the trusted origin sets the __Host- cookie and keeps the refresh token out of the body", async () => {
    const body = JSON.stringify({ email: "node@example.com", password: "a long passphrase" });
    const refused = await fetch(`${origin}/auth/signup`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(refused.status).toBe(403); // no Origin: the CSRF check of cookie mode
    const response = await fetch(`${origin}/auth/signup`, { method: "POST", headers: { "content-type": "application/json", origin }, body });
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^__Host-auth-refresh=[\w.~-]+; Path=\/; Expires=.+; HttpOnly; Secure; SameSite=Lax$/),
    ]);
    expect(Object.keys(await response.json())).not.toContain("refreshToken");
    expect((await fetch(`${origin}/`)).headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
  });
});
