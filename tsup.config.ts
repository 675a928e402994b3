import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    testing: "src/testing/index.ts",
    kysely: "src/adapters/kysely/index.ts",
    redis: "src/adapters/redis/index.ts",
    "better-auth": "src/better-auth/index.ts",
    http: "src/http/index.ts",
    cli: "src/cli/index.ts",
  },
  external: ["vitest", "kysely", "pg", "mysql2", "better-sqlite3", "ioredis", "better-auth"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  splitting: true, // subpaths share one copy of the core (one AuthError class)
  treeshake: true,
  removeNodeProtocol: false, // keep "node:crypto": Deno and Bun resolve it, and it says what it is
});
