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

  test("imports auth-skill from dist/ (the package's own exports map, through node_modules resolution)", () => {
    const probe = spawnSync(
      bin("deno"),
      ["eval", "--node-modules-dir=manual", 'console.log(import.meta.resolve("auth-skill/http"), import.meta.resolve("auth-skill"))'],
      {
        cwd: join(ROOT, "examples", "deno"),
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? ROOT, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
        timeout: 15_000,
      },
    );
    expect(probe.status, probe.stderr).toBe(0);
    expect(probe.stdout.trim()).toBe(`file://${join(ROOT, "dist", "http.js")} file://${join(ROOT, "dist", "index.js")}`);
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
