import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Examples import the package by name, as users do; resolve each entry point to its source.
    alias: [
      { find: /^auth-skill$/, replacement: src("index.ts") },
      { find: /^auth-skill\/testing$/, replacement: src("testing/index.ts") },
      { find: /^auth-skill\/(kysely|redis)$/, replacement: src("adapters/$1/index.ts") },
      { find: /^auth-skill\/better-auth$/, replacement: src("better-auth/index.ts") },
      { find: /^auth-skill\/http$/, replacement: src("http/index.ts") },
      { find: /^auth-skill\/node$/, replacement: src("node/index.ts") },
      { find: /^auth-skill\/passkeys$/, replacement: src("passkeys/index.ts") },
    ],
  },
  test: {
    // examples/**: the examples' own tests (examples/testing/app.test.ts), kept next to the code users copy.
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
