// The BUILT "auth-skill/node" entry, as users get it: it loads only its optional peer @hono/node-server ("auth-skill"
// and "auth-skill/http" never load it: see package.test.ts), and a plain `node` process (no vitest, no TypeScript
// loader) can import() and require() it by the package's name and serve the built handler with it on 127.0.0.1.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dist = join(root, "dist");

function node(args: string[]): string {
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(`node exited ${result.status ?? result.signal}:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** Serves `/auth/jwks` through toNodeHandler on 127.0.0.1 and prints its status; `load` names the three entries. */
const serve = (load: string) => `${load}
const auth = new AuthSkill({ secret: "build-test-secret-9f3Kq2xLw7Rt5Vb8Nc4Hz6Jm1Pd0Ys" });
const server = require("node:http").createServer(toNodeHandler(createAuthHandler(auth)));
server.listen(0, "127.0.0.1", async () => {
  const response = await fetch("http://127.0.0.1:" + server.address().port + "/auth/jwks");
  console.log(response.status, typeof (await response.json()).keys);
  server.closeAllConnections();
  server.close();
});`;

describe("built package: auth-skill/node", () => {
  beforeAll(() => {
    if (!existsSync(join(dist, "node.js")) || !existsSync(join(dist, "node.cjs"))) {
      const built = spawnSync("npm", ["run", "build"], { cwd: root, encoding: "utf8", timeout: 300_000 });
      if (built.status !== 0) throw new Error(built.stderr);
    }
  }, 300_000);

  it.each(["node.js", "node.cjs"])("dist/%s imports no package but its optional peer @hono/node-server", (file) => {
    const code = readFileSync(join(dist, file), "utf8");
    const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)].map((m) => m[1]!);
    expect([...new Set(specifiers.filter((s) => !s.startsWith("node:") && !s.startsWith("./")))]).toEqual(["@hono/node-server"]);
  });

  it("is import()-able and require()-able by its package name, and serves the built handler", () => {
    const esm = node([
      "--input-type=module",
      "-e",
      serve(`import { createRequire } from "node:module"; const require = createRequire(import.meta.url);
const { toNodeHandler } = await import("auth-skill/node"); const { createAuthHandler } = await import("auth-skill/http"); const { AuthSkill } = await import("auth-skill");`),
    ]);
    expect(esm.trim()).toBe("200 object");
    const cjs = node([
      "-e",
      serve(
        `const { toNodeHandler } = require("auth-skill/node"); const { createAuthHandler } = require("auth-skill/http"); const { AuthSkill } = require("auth-skill");`,
      ),
    ]);
    expect(cjs.trim()).toBe("200 object");
  });
});
