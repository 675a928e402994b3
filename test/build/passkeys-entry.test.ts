// The built "auth-skill/passkeys" (dist/passkeys.*): it loads @simplewebauthn/server and nothing else outside the
// core's four packages, works by package name in a plain `node` as ESM and CJS, and the main entry never loads it.
// Needs dist/ (npm run build; test/build/package.test.ts builds it when stale).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dist = join(root, "dist");
const CORE = ["@node-rs/argon2", "@node-rs/bcrypt", "jose", "zod"];

function node(args: string[]): string {
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(`node exited ${result.status ?? result.signal}:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** The packages a built file (and the chunks it loads) imports, statically. */
async function packagesOf(file: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(dist, file)],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: file.endsWith(".cjs") ? "cjs" : "esm",
    packages: "external",
    logLevel: "silent",
  });
  const specifiers = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.original ?? i.path));
  const bare = specifiers.filter((s) => s !== "<runtime>" && !s.startsWith(".") && !s.startsWith("/") && !s.startsWith("node:"));
  return [...new Set(bare.map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]!)))].sort();
}

describe.skipIf(!existsSync(join(dist, "passkeys.js")))("built package: auth-skill/passkeys", () => {
  it.each(["passkeys.js", "passkeys.cjs"])("dist/%s imports @simplewebauthn/server and the core's packages only", async (file) => {
    const packages = await packagesOf(file);
    expect(packages).toContain("@simplewebauthn/server");
    expect(packages.filter((p) => p !== "@simplewebauthn/server" && !CORE.includes(p))).toEqual([]);
  });

  it.each(["index.js", "index.cjs", "http.js", "http.cjs"])("dist/%s never imports @simplewebauthn/server", async (file) => {
    expect(await packagesOf(file)).not.toContain("@simplewebauthn/server");
  });

  it("is import()-able and require()-able by package name in a plain node process", () => {
    const check = `const m = pk.passkeys({ rpID: "example.com", rpName: "Example", origins: ["https://example.com"] }); console.log(m.kind);`;
    expect(node(["--input-type=module", "-e", `const pk = await import("auth-skill/passkeys"); ${check}`]).trim()).toBe("passkeys");
    expect(node(["-e", `const pk = require("auth-skill/passkeys"); ${check}`]).trim()).toBe("passkeys");
  });
});
