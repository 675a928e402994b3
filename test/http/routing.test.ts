// Routing: basePath, 404 outside it and for unknown routes, 405 with Allow for a wrong method, option checks,
// no redirects; and the subpath's portability (no Node built-in, no framework in its import graph).
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { createAuthHandler } from "../../src/http/index.js";
import { createTestAuth } from "../../src/testing/test-auth.js";
import { errorOf, setup } from "./support.js";

const ROUTES: [string, string][] = [
  ["POST", "/signup"],
  ["POST", "/signin"],
  ["POST", "/refresh"],
  ["POST", "/signout"],
  ["POST", "/revoke"],
  ["GET", "/session"],
  ["GET", "/sessions"],
  ["DELETE", "/sessions/abc"],
  ["POST", "/password/reset-request"],
  ["POST", "/password/reset"],
  ["POST", "/password/change"],
  ["POST", "/email/verify-request"],
  ["POST", "/email/verify"],
  ["POST", "/email/change"],
  ["POST", "/email/change/confirm"],
  ["GET", "/jwks"],
];

describe("routing", () => {
  it.each(ROUTES)("%s %s is a route (not 404 or 405)", async (method, path) => {
    const { call } = setup();
    const response = await call(method, path, method === "POST" ? { json: {} } : {});
    expect([404, 405]).not.toContain(response.status);
  });

  it.each(["/", "/other", "/authx/signin", "/api/auth/signin", "/abcd/signin", "/AUTH/signin"])("%s: outside basePath, 404", async (path) => {
    const { handler } = setup();
    const response = await handler(new Request(`https://app.example.com${path}`, { method: "POST" }));
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe("NOT_FOUND");
  });

  it.each([
    "/auth",
    "/auth/",
    "/auth/nope",
    "/auth/signin/",
    "/auth/sign%69n",
    "/auth/sessions/a/b",
    "/auth/sessions/",
    "/auth/__proto__",
    "/auth/constructor",
  ])("%s: no such route, 404", async (path) => {
    const { handler } = setup();
    expect((await handler(new Request(`https://app.example.com${path}`, { method: "POST" }))).status).toBe(404);
  });

  it.each([
    ["GET", "/signin", "POST"],
    ["PUT", "/signup", "POST"],
    ["POST", "/session", "GET"],
    ["DELETE", "/sessions", "GET"],
    ["GET", "/sessions/abc", "DELETE"],
    ["HEAD", "/jwks", "GET"],
    ["OPTIONS", "/signin", "POST"],
    ["toString", "/signin", "POST"],
  ])("%s %s: 405 with Allow: %s", async (method, path, allow) => {
    const { handler } = setup();
    const response = await handler(new Request(`https://app.example.com/auth${path}`, { method }));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    if (method !== "HEAD") expect((await errorOf(response)).code).toBe("METHOD_NOT_ALLOWED");
  });

  it("another basePath, a trailing slash trimmed, and the root", async () => {
    const { auth } = createTestAuth();
    for (const [basePath, url] of [
      ["/api/auth", "https://x.example/api/auth/jwks"],
      ["/api/auth/", "https://x.example/api/auth/jwks"],
      ["", "https://x.example/jwks"],
      ["/", "https://x.example/jwks"],
    ] as const) {
      const handler = createAuthHandler(auth, { basePath });
      expect((await handler(new Request(url))).status, `${basePath} ${url}`).toBe(200);
    }
    expect((await createAuthHandler(auth, { basePath: "/api/auth" })(new Request("https://x.example/auth/jwks"))).status).toBe(404);
  });

  it("refuses bad options with a TypeError", () => {
    const { auth } = createTestAuth();
    for (const options of [
      { basePath: "auth" },
      { basePath: "/a//b" },
      { basePath: "/a b" },
      { mode: "session" },
      { trustedProxies: -1 },
      { forwardedHeader: "x-real-ip" },
    ]) {
      expect(() => createAuthHandler(auth, options as never), JSON.stringify(options)).toThrow(TypeError);
    }
  });

  it('forwardedHeader: "forwarded" reads RFC 7239 Forwarded for the flows\' client address', async () => {
    const { call, auth } = setup({ trustedProxies: 1, forwardedHeader: "forwarded" });
    const response = await call("POST", "/signup", {
      json: { email: "ada@example.com", password: "quiet mountain lakes at dawn" },
      headers: { forwarded: 'for=6.6.6.6, for="[2001:db8::7]:443"', "x-forwarded-for": "9.9.9.9" },
    });
    const body = await response.json();
    expect((await auth.listSessions(body.user.id))[0]?.ip).toBe("2001:db8::7");
  });

  it("never redirects: no 3xx and no Location on any route, whatever the request says", async () => {
    const { call } = setup();
    const headers = { host: "evil.example", "x-forwarded-host": "evil.example", referer: "https://evil.example/" };
    for (const [method, path] of ROUTES) {
      const response = await call(method, `${path}?redirect=https://evil.example/&redirect_uri=https://evil.example/`, {
        headers,
        ...(method === "POST" ? { json: { redirect: "https://evil.example/", email: "a@example.com" } } : {}),
      });
      expect(response.status < 300 || response.status >= 400, `${method} ${path}: ${response.status}`).toBe(true);
      expect(response.headers.has("location")).toBe(false);
    }
  });

  it("a thrown non-AuthError becomes a bare 500", async () => {
    const { auth } = createTestAuth();
    const broken = Object.create(auth, { jwks: { value: () => Promise.reject(new Error("db password is hunter2")) } });
    const response = await createAuthHandler(broken)(new Request("https://x.example/auth/jwks"));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("hunter2");
  });
});

describe("portability", () => {
  it("src/http imports no Node built-in and no package: only the core and the Web platform", async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL("../../src/http/index.ts", import.meta.url))],
      bundle: true,
      write: false,
      metafile: true,
      platform: "neutral",
      format: "esm",
      logLevel: "silent",
    });
    const external = Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path));
    expect(external).toEqual([]);
    expect(result.errors).toEqual([]);
  });
});
