// examples/bun: Bun.serve (the `bun` devDependency) running examples/bun/server.ts on the BUILT package, driven
// over real HTTP on 127.0.0.1 from this process.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { expectAuthFlow, PASSWORD } from "./auth-flow.js";
import { bin, ensureBuiltPackage, ROOT, type RunningServer, startServer, stopServer } from "./runtime-server.js";

describe("examples/bun under Bun.serve", () => {
  let server: RunningServer | undefined;

  beforeAll(async () => {
    await ensureBuiltPackage();
    server = await startServer(bin("bun"), ["examples/bun/server.ts"]);
  }, 180_000);
  afterAll(() => stopServer(server?.child));

  test("imports auth-skill from dist/: examples/bun/tsconfig.json keeps the root's src/ paths out of Bun's resolver", () => {
    const probe = spawnSync(bin("bun"), ["--print", 'import.meta.resolve("auth-skill/http") + " " + import.meta.resolve("auth-skill")'], {
      cwd: join(ROOT, "examples", "bun"),
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(probe.status, probe.stderr).toBe(0);
    expect(probe.stdout.trim()).toBe(`file://${join(ROOT, "dist", "http.js")} file://${join(ROOT, "dist", "index.js")}`);
  });

  test("signup, signin, GET /me, the session's address from server.requestIP, refresh, signout, and the 401s", async () => {
    await expectAuthFlow(server!.origin);
    expect(server!.output()).not.toMatch(/error|warn/i);
    expect(server!.output()).not.toContain(PASSWORD); // nothing of the requests is logged
  });
});
