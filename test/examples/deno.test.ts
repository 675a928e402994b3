// examples/deno: Deno.serve (the `deno` devDependency) running examples/deno/server.ts on the BUILT package,
// driven over real HTTP on 127.0.0.1 from this process. No network: packages come from node_modules only.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { expectAuthFlow, PASSWORD } from "./auth-flow.js";
import { bin, ensureBuiltPackage, ROOT, type RunningServer, startServer, stopServer } from "./runtime-server.js";

// scripts/smoke/run.mjs explains each flag; --allow-net is only for listening on loopback.
const DENO_FLAGS = ["--node-modules-dir=manual", "--cached-only", "--no-lock"];
const PERMISSIONS = ["--allow-net=127.0.0.1", "--allow-env", "--allow-read", "--allow-ffi"];

describe("examples/deno under Deno.serve", () => {
  let server: RunningServer | undefined;

  beforeAll(async () => {
    await ensureBuiltPackage();
    server = await startServer(bin("deno"), ["run", ...PERMISSIONS, ...DENO_FLAGS, "examples/deno/server.ts"]);
  }, 180_000);
  afterAll(() => stopServer(server?.child));

  test("runs auth-skill from dist/ (the package's own exports map, through node_modules resolution)", () => {
    // deno info: the module graph of the server as `deno run` resolves it ("code"; "type" is for type checking).
    const info = spawnSync(bin("deno"), ["info", "--json", "--node-modules-dir=manual", "--no-lock", "examples/deno/server.ts"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? ROOT, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
      timeout: 15_000,
    });
    expect(info.status, info.stderr).toBe(0);
    const graph = JSON.parse(info.stdout) as { modules: { specifier: string; dependencies?: { specifier: string; code?: { specifier: string } }[] }[] };
    const server = graph.modules.find((m) => m.specifier.endsWith("/examples/deno/server.ts"));
    const code = Object.fromEntries((server?.dependencies ?? []).map((d) => [d.specifier, d.code?.specifier]));
    expect(code).toEqual({ "auth-skill": `file://${join(ROOT, "dist", "index.js")}`, "auth-skill/http": `file://${join(ROOT, "dist", "http.js")}` });
  });

  test("signup, signin, GET /me, the session's address from info.remoteAddr, refresh, signout, and the 401s", async () => {
    await expectAuthFlow(server!.origin);
    expect(server!.output()).not.toMatch(/error|warn/i);
    expect(server!.output()).not.toContain(PASSWORD); // nothing of the requests is logged
  });

  test("without --allow-net the server does not start: the example asks for no more than it needs", async () => {
    const denied = ["run", "--allow-env", "--allow-read", "--allow-ffi", ...DENO_FLAGS, "examples/deno/server.ts"];
    await expect(startServer(bin("deno"), denied)).rejects.toThrow(/NotCapable|Requires net access/);
  });
});
