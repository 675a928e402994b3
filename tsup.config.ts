import { defineConfig, type Options } from "tsup";

/** Optional peers (and vitest): never bundled. Dependencies are external anyway. */
const EXTERNAL = ["vitest", "kysely", "pg", "mysql2", "better-sqlite3", "ioredis", "better-auth", "@hono/node-server", "otplib", "@simplewebauthn/server"];

const library: Options = {
  entry: {
    index: "src/index.ts",
    testing: "src/testing/index.ts",
    kysely: "src/adapters/kysely/index.ts",
    redis: "src/adapters/redis/index.ts",
    "better-auth": "src/better-auth/index.ts",
    http: "src/http/index.ts",
    node: "src/node/index.ts",
    totp: "src/totp/index.ts",
    passkeys: "src/passkeys/index.ts",
  },
  external: EXTERNAL,
  format: ["esm", "cjs"],
  dts: true,
  clean: ["!cli.js", "!cli.js.map"], // dist/cli.js is the binary's build, below: never removed by this one
  sourcemap: true,
  target: "node20",
  splitting: true, // subpaths share one copy of the core (one AuthError class)
  treeshake: true,
  removeNodeProtocol: false, // keep "node:crypto": Deno and Bun resolve it, and it says what it is
};

/**
 * The `auth-skill` binary (package.json "bin"): one ESM file of its own, without splitting, so its use of the
 * library's internals never reshapes the chunks the subpaths share. Packages stay external (commander, jose...), and so
 * does `auth-skill/kysely`: kysely is loaded only when `migrate` or `schema` runs.
 */
const cli: Options = {
  entry: { cli: "src/cli/index.ts" },
  external: [...EXTERNAL, "auth-skill/kysely"], // the adapter through the package's own subpath (dist/kysely.js)
  // commander is bundled into the binary, so installing auth-skill adds no dependency for it; its CommonJS
  // `require("node:events")` then needs a `require` in the ESM file
  noExternal: ["commander"],
  banner: { js: 'import { createRequire as __cliRequire } from "node:module";\nconst require = __cliRequire(import.meta.url);' },
  format: ["esm"],
  dts: false,
  clean: false,
  sourcemap: true,
  target: "node20",
  splitting: false,
  treeshake: true,
  removeNodeProtocol: false,
};

export default defineConfig([library, cli]);
