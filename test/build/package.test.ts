// Checks the BUILT package (dist/), as users get it from npm: the four entry files, that require() and
// import() of it work in a plain `node` (no vitest, no TypeScript loader), through the package's own
// "exports" map too, and that `import "auth-skill"` reaches only @node-rs/argon2, @node-rs/bcrypt, jose,
// zod and Node built-ins.
//
// dist/ is (re)built here first when it is missing or older than its inputs, so `npm test` passes on a
// fresh clone; in CI `npm run build` has run just before, and nothing is rebuilt.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dist = join(root, "dist");
const OUTPUTS = ["index.js", "index.cjs", "index.d.ts", "index.d.cts"] as const;
const ALLOWED_PACKAGES = ["@node-rs/argon2", "@node-rs/bcrypt", "jose", "zod"] as const;
const PUBLIC_VALUES = ["AuthSkill", "AuthError", "memoryStorage"] as const;

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Why dist must be (re)built, or null when every output exists and is newer than every input. */
function staleReason(): string | null {
  const missing = OUTPUTS.filter((file) => !existsSync(join(dist, file)));
  if (missing.length > 0) return `missing ${missing.join(", ")}`;
  const inputs = [...filesUnder(join(root, "src")), ...["package.json", "tsup.config.ts", "tsconfig.json"].map((f) => join(root, f))];
  const oldestOutput = Math.min(...OUTPUTS.map((file) => statSync(join(dist, file)).mtimeMs));
  const newer = inputs.filter((file) => existsSync(file) && statSync(file).mtimeMs > oldestOutput);
  return newer.length > 0 ? `older than ${newer.map((f) => f.slice(root.length)).join(", ")}` : null;
}

/** Runs `node` in a child process from the repo root; returns its stdout, failing the test on a non-zero exit. */
function node(args: string[]): string {
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`node ${args.join(" ").slice(0, 200)} exited ${result.status ?? result.signal}:\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

/** The name of the package a bare specifier or a node_modules path names: "@scope/name" or "name". */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

const isBuiltin = (specifier: string) => specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0]!);

/** What a built file imports or requires, as esbuild's parser sees it (statically; no code is run). */
async function importsOf(file: string): Promise<{ specifiers: string[]; warnings: string[] }> {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: file.endsWith(".cjs") ? "cjs" : "esm",
    packages: "external",
    logLevel: "silent",
  });
  const specifiers = Object.values(result.metafile.inputs)
    .flatMap((input) => input.imports.map((i) => i.original ?? i.path))
    .filter((s) => s !== "<runtime>"); // esbuild's own helpers, not an import of the file
  return { specifiers: [...new Set(specifiers)].sort(), warnings: result.warnings.map((w) => w.text) };
}

beforeAll(() => {
  const reason = staleReason();
  if (reason === null) return;
  console.log(`test/build: building dist (${reason})`);
  const result = spawnSync(join(root, "node_modules", ".bin", "tsup"), [], { cwd: root, encoding: "utf8", timeout: 170_000 });
  if (result.status !== 0) throw new Error(`tsup failed (exit ${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`);
  expect(staleReason()).toBeNull();
}, 180_000);

describe("built package", () => {
  it("has the ESM and CJS builds with their declaration files", () => {
    for (const file of OUTPUTS) {
      expect(statSync(join(dist, file)).size, `dist/${file}`).toBeGreaterThan(0);
    }
    const dts = readFileSync(join(dist, "index.d.ts"), "utf8");
    for (const name of PUBLIC_VALUES) expect(dts).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it("is require()-able as CommonJS in a plain node process, by path and by package name", () => {
    const script = (specifier: string) => `
      const m = require(${JSON.stringify(specifier)});
      const kinds = Object.fromEntries(Object.keys(m).sort().map((k) => [k, typeof m[k]]));
      const sample = new m.AuthError("TOKEN_INVALID", "x");
      console.log(JSON.stringify({ resolved: require.resolve(${JSON.stringify(specifier)}), kinds, isError: sample instanceof Error, code: sample.code }));`;
    for (const specifier of [join(dist, "index.cjs"), "auth-skill"]) {
      const out = JSON.parse(node(["-e", script(specifier)]));
      expect(out.resolved).toBe(join(dist, "index.cjs"));
      for (const name of PUBLIC_VALUES) expect(out.kinds[name], `${name} via require(${specifier})`).toBe("function");
      expect(out.isError).toBe(true);
      expect(out.code).toBe("TOKEN_INVALID");
    }
  });

  it("is import()-able as ESM in a plain node process, by path and by package name, with the same exports as CJS", () => {
    const script = (specifier: string) => `
      const m = await import(${JSON.stringify(specifier)});
      const kinds = Object.fromEntries(Object.keys(m).sort().map((k) => [k, typeof m[k]]));
      const auth = new m.AuthSkill({ secret: "build-test-secret-0123456789-abcdefghijklmnop", storage: m.memoryStorage() });
      console.log(JSON.stringify({ resolved: import.meta.resolve(${JSON.stringify(specifier)}), kinds, instance: auth instanceof m.AuthSkill }));`;
    const esmUrl = pathToFileURL(join(dist, "index.js")).href;
    const cjsKinds = JSON.parse(node(["-e", `const m = require("auth-skill"); console.log(JSON.stringify(Object.keys(m).sort()))`]));
    for (const specifier of [esmUrl, "auth-skill"]) {
      const out = JSON.parse(node(["--input-type=module", "-e", script(specifier)]));
      expect(out.resolved).toBe(esmUrl);
      for (const name of PUBLIC_VALUES) expect(out.kinds[name], `${name} via import(${specifier})`).toBe("function");
      expect(out.instance).toBe(true);
      expect(Object.keys(out.kinds)).toEqual(cjsKinds);
    }
  });

  it("recognises an AuthError across the CJS and ESM builds, both ways, subclasses included", () => {
    const script = `
      import { createRequire } from "node:module";
      const require = createRequire(${JSON.stringify(join(dist, "index.cjs"))});
      const builds = {
        cjs: { core: require(${JSON.stringify(join(dist, "index.cjs"))}), kysely: require(${JSON.stringify(join(dist, "kysely.cjs"))}) },
        esm: { core: await import(${JSON.stringify(pathToFileURL(join(dist, "index.js")).href)}), kysely: await import(${JSON.stringify(pathToFileURL(join(dist, "kysely.js")).href)}) },
      };
      const thrown = (fn) => { try { fn(); } catch (err) { return err; } throw new Error("did not throw"); };
      const out = {};
      for (const [from, to] of [["cjs", "esm"], ["esm", "cjs"]]) {
        const made = builds[from], check = builds[to];
        const plain = new made.core.AuthError("TOKEN_INVALID", "x");
        const config = thrown(() => made.core.memoryRateLimitStore(0)); // thrown by the library itself
        const storage = new made.kysely.KyselyStorageError("createUser", new Error("scrubbed"), "23505");
        out[from + "->" + to] = {
          distinctClasses: made.core.AuthError !== check.core.AuthError,
          plain: [plain instanceof check.core.AuthError, check.core.isAuthError(plain), check.core.isAuthError(plain, "TOKEN_INVALID"), check.core.isAuthError(plain, "CONFIG_ERROR")],
          config: [config instanceof check.core.AuthError, check.core.isAuthError(config, "CONFIG_ERROR"), config instanceof TypeError],
          storage: [storage instanceof check.core.AuthError, storage instanceof check.kysely.KyselyStorageError, check.core.isAuthError(storage, "STORAGE_ERROR")],
          plainIsNotStorage: plain instanceof check.kysely.KyselyStorageError,
          lookAlike: check.core.isAuthError({ name: "AuthError", code: "TOKEN_INVALID", status: 401, message: "x" }) || structuredClone(plain) instanceof check.core.AuthError,
        };
      }
      console.log(JSON.stringify(out));`;
    const out = JSON.parse(node(["--input-type=module", "-e", script]));
    for (const direction of ["cjs->esm", "esm->cjs"]) {
      expect(out[direction], direction).toEqual({
        distinctClasses: true,
        plain: [true, true, true, false],
        config: [true, true, false],
        storage: [true, true, true],
        plainIsNotStorage: false,
        lookAlike: false,
      });
    }
  });

  it.each(["index.js", "index.cjs"])(
    "dist/%s (with the chunks it loads) imports only @node-rs/argon2, @node-rs/bcrypt, jose, zod and node built-ins",
    async (entry) => {
      // Follow relative imports: subpath entries share chunks with the main entry.
      const files = [entry];
      const external: string[] = [];
      for (const file of files) {
        const { specifiers, warnings } = await importsOf(join(dist, file));
        // tsup's code splitting may import a shared chunk of ours bare, to keep evaluation order; esbuild then notes that
        // package.json says it has no side effects (true: a bundler may drop the import). Any other warning fails.
        expect(warnings.filter((w) => !/^Ignoring this import because "dist\/chunk-[A-Z0-9]+\.js" was marked as having no side effects$/.test(w))).toEqual([]);
        // esbuild lists only literal specifiers: a require(x)/import(x) of a computed name would slip past it.
        const computed = readFileSync(join(dist, file), "utf8").match(/\b(?:require|import)\s*\(\s*[^"'`\s)][^)]{0,40}/g) ?? [];
        expect(computed, "every import/require has a literal specifier").toEqual([]);
        for (const s of specifiers) {
          if (s.startsWith("./")) {
            if (!files.includes(s.slice(2))) files.push(s.slice(2));
          } else external.push(s);
        }
      }
      const packages = [...new Set(external.filter((s) => !isBuiltin(s)).map(packageName))].sort();
      expect(packages.filter((p) => !(ALLOWED_PACKAGES as readonly string[]).includes(p))).toEqual([]);
      // What the bundle imports must be a runtime dependency, or users' installs would miss it.
      const { dependencies = {} } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
      expect(packages.filter((p) => !(p in dependencies))).toEqual([]);
    },
  );

  it("loads only those four packages (and the two addons' platform bindings) at run time, the addons at first use", () => {
    const out = node([
      "-e",
      `const { argon2idHasher, bcryptHasher } = require("auth-skill");
       const listLoaded = () => Object.keys(require.cache).filter((f) => f.includes("/node_modules/@node-rs/")).length;
       const before = listLoaded();
       (async () => {
         await argon2idHasher().hash("correct horse battery staple");
         await bcryptHasher(10).hash("correct horse battery staple");
         const loaded = Object.keys(require.cache).filter((f) => f.includes("/node_modules/")).map((f) => f.split("/node_modules/").pop());
         console.log(JSON.stringify({ before, loaded }));
       })();`,
    ]);
    const { before, loaded: files } = JSON.parse(out) as { before: number; loaded: string[] };
    expect(before).toBe(0); // require("auth-skill") alone loads no native addon
    const loaded = [...new Set(files.map(packageName))].sort();
    const unexpected = loaded.filter(
      (p) => !(ALLOWED_PACKAGES as readonly string[]).includes(p) && !p.startsWith("@node-rs/argon2-") && !p.startsWith("@node-rs/bcrypt-"),
    );
    expect(unexpected).toEqual([]);
    expect(loaded).toEqual(expect.arrayContaining([...ALLOWED_PACKAGES]));
  });
});

describe("built package: auth-skill/http", () => {
  it.each(["http.js", "http.cjs"])("dist/%s (with the chunks it loads) imports nothing: no package, no Node built-in", async (entry) => {
    const files = [entry];
    const external: string[] = [];
    for (const file of files) {
      const { specifiers } = await importsOf(join(dist, file));
      for (const s of specifiers) {
        if (s.startsWith("./")) {
          if (!files.includes(s.slice(2))) files.push(s.slice(2));
        } else external.push(s);
      }
    }
    expect(external).toEqual([]);
  });

  it("is import()-able and require()-able by its package name, sharing the core's AuthError", () => {
    const esm = node([
      "--input-type=module",
      "-e",
      `const http = await import("auth-skill/http"); const core = await import("auth-skill");
       const r = http.toResponse(new core.AuthError("USER_EXISTS", "x"));
       console.log(JSON.stringify({ kinds: ["createAuthHandler", "authenticate", "getBearerToken", "clientIp", "toResponse"].map((k) => typeof http[k]), status: r.status }));`,
    ]);
    expect(JSON.parse(esm)).toEqual({ kinds: Array(5).fill("function"), status: 409 });
    const cjs = node([
      "-e",
      `const http = require("auth-skill/http"); const core = require("auth-skill"); console.log(http.toResponse(new core.AuthError("USER_EXISTS", "x")).status);`,
    ]);
    expect(cjs.trim()).toBe("409");
  });
});
