// examples/better-auth-backend: the real server process (`node --import tsx .../server.ts`) on a temporary SQLite
// file, driven over HTTP — Better Auth's own endpoints and the backend's bridge routes on the same users.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PASSWORD = "a long passphrase 42";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

describe("examples/better-auth-backend (server.ts over HTTP)", () => {
  let child: ChildProcess;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ba-backend-"));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ["--import", "tsx", "examples/better-auth-backend/server.ts"], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        PORT: String(port),
        DATABASE_PATH: join(dir, "auth.db"),
        BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
        BETTER_AUTH_URL: base,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
      child.stdout!.on("data", (d: Buffer) => {
        if (d.toString().includes("listening on")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
    });
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", origin: base, ...headers }, body: JSON.stringify(body) });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

  it("authenticates Better Auth's users through the bridge: cookie, bearer, JWT, native tokens, hand-off, sign-out", async () => {
    const signup = await post("/api/auth/sign-up/email", { email: "ada@example.com", password: PASSWORD, name: "Ada" });
    expect(signup.status).toBe(200);
    const cookie = signup.headers
      .getSetCookie()
      .find((c) => c.startsWith("better-auth.session_token="))!
      .split(";")[0]!;
    const userId = ((await signup.json()) as { user: { id: string } }).user.id;

    // the session cookie and the bearer plugin's token, read by the backend
    expect(((await (await get("/api/me", { cookie })).json()) as { user: { id: string } }).user.id).toBe(userId);
    const bearer = signup.headers.get("set-auth-token")!;
    expect((await get("/api/me", { authorization: `Bearer ${bearer}` })).status).toBe(200);
    expect((await get("/api/me")).status).toBe(401);

    // Better Auth's JWT, verified by the backend
    const { token: jwt } = (await (await get("/api/auth/token", { cookie })).json()) as { token: string };
    expect(((await (await get("/api/jwt/me", { authorization: `Bearer ${jwt}` })).json()) as { claims: { sub: string } }).claims.sub).toBe(userId);
    expect((await get("/api/jwt/me", { authorization: `Bearer ${jwt.slice(0, -3)}abc` })).status).toBe(401);

    // a native client: AuthSkill tokens, a Better Auth bearer for Better Auth's own endpoints, rotation
    type Tokens = { accessToken: string; refreshToken: string; betterAuthBearer: string };
    const native = (await (await post("/api/native/signin", { email: "ada@example.com", password: PASSWORD })).json()) as Tokens;
    expect((await get("/api/native/me", { authorization: `Bearer ${native.accessToken}` })).status).toBe(200);
    const sessions = (await (await get("/api/auth/list-sessions", { authorization: `Bearer ${native.betterAuthBearer}` })).json()) as unknown[];
    expect(sessions).toHaveLength(2);
    const rotated = (await (await post("/api/native/refresh", { refreshToken: native.refreshToken })).json()) as Tokens;
    const replay = await post("/api/native/refresh", { refreshToken: native.refreshToken });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe("REFRESH_TOKEN_REUSED");
    expect((await get("/api/native/me", { authorization: `Bearer ${rotated.accessToken}` })).status).toBe(401);

    // hand-off from the signed-in browser, then sign-out from the native side ends that session for Better Auth too
    const handoff = (await (await post("/api/native/handoff", {}, { cookie })).json()) as Tokens;
    expect((await get("/api/auth/get-session", { authorization: `Bearer ${handoff.betterAuthBearer}` })).status).toBe(200);
    expect((await post("/api/native/signout", { refreshToken: handoff.refreshToken })).status).toBe(204);
    expect(await (await get("/api/auth/get-session", { authorization: `Bearer ${handoff.betterAuthBearer}` })).json()).toBeNull();
    expect((await get("/api/me", { cookie })).status).toBe(200); // the browser's own session is untouched

    // AuthSkill's signin handed to a browser as a Better Auth cookie (bridge.cookieFor): Better Auth accepts it
    const web = await post("/api/web/signin", { email: "ada@example.com", password: PASSWORD });
    expect(web.status).toBe(200);
    const webCookie = web.headers
      .getSetCookie()
      .find((c) => c.startsWith("better-auth.session_token="))!
      .split(";")[0]!;
    const seen = (await (await get("/api/auth/get-session", { cookie: webCookie })).json()) as { user: { id: string } };
    expect(seen.user.id).toBe(userId);
    expect((await post("/api/web/signin", { email: "ada@example.com", password: "not the passphrase" })).headers.get("set-cookie")).toBeNull();
  });
});
