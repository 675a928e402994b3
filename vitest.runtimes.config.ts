import { defineConfig, type ViteUserConfig } from "vitest/config";
import { unitConfig } from "./vitest.unit.config.js";

/**
 * The unit set (vitest.unit.config.ts, its quick run) as `npm run test:runtimes` runs it under each runtime:
 * Vitest itself runs under the runtime (`bun --bun node_modules/vitest/vitest.mjs`, `deno run -A ...`, or a Node
 * binary), so its workers do too, and they run the same test files as `npm run test:unit`
 * (scripts/runtimes/run.mjs; test/runtime.test.ts checks which runtime ran them).
 */

/** The runtimes scripts/runtimes/run.mjs knows; it sets AUTH_SKILL_RUNTIME to one of them. */
export const RUNTIMES = ["node20", "node22", "node24", "bun", "deno"] as const;
export type Runtime = (typeof RUNTIMES)[number];

/**
 * Unit files left out on a runtime, each with the reason.
 * The suites that need a Node-only peer are outside the unit set already (vitest.unit.config.ts): test/adapters
 * (PostgreSQL, MySQL and Redis servers; SQLite through better-sqlite3, a Node addon built for one Node ABI),
 * test/better-auth (better-sqlite3 and PostgreSQL), test/cli (the built binary as a Node child process).
 * scripts/runtimes/run.mjs prints what is left out on the runtime it runs.
 */
export const EXCLUDED: Record<Runtime, readonly string[]> = {
  node20: [],
  node22: [],
  node24: [],
  // The passkey suites drive a software authenticator, nid-webauthn-emulator (a test tool, not a peer of the library): its
  // CBOR encoder (the `cbor` package) produces attestations that fail to parse under Bun and Deno (CTAP2_ERR_INVALID_CBOR
  // from the emulator itself), so they run on Node only. auth-skill/passkeys itself is covered on Node and in Chromium.
  bun: ["test/passkeys/**"],
  deno: ["test/passkeys/**"],
};

const runtime = process.env.AUTH_SKILL_RUNTIME as Runtime | undefined;
if (runtime !== undefined && !RUNTIMES.includes(runtime)) throw new Error(`AUTH_SKILL_RUNTIME=${runtime}: expected one of ${RUNTIMES.join(", ")}`);

/**
 * Bun only: Vitest's default interop treats an imported ES module whose default export has an `__esModule` key
 * as CommonJS and replaces its namespace by the default export. Bun answers `"__esModule" in namespace` with true
 * for every ES module namespace (Node and Deno: false), so `import { z } from "zod"` (zod's default export is its
 * own namespace) came out undefined in every file. No interop: Bun's `import()` already gives CommonJS modules
 * their named exports.
 */
const interop = typeof process.versions.bun === "string" ? { deps: { interopDefault: false } } : {};

/**
 * Twice the base config's 30 s per test: this run is about whether the tests pass on a runtime, not how fast. The
 * heaviest unit tests (the canary of every flow with bcrypt, the fast-check token properties) run 2 to 4 times
 * slower on Bun and Deno than on Node (the bcrypt canary: 3 s on Node 22, 13 s on Bun), and CI runs the five
 * runtimes one after the other right after the whole suite. A hang still fails, after 60 s.
 */
const TEST_TIMEOUT_MS = 60_000;

const quick = unitConfig("quick");
type Project = { test?: Record<string, unknown> };
const projects = ((quick.test?.projects ?? []) as Project[]).map((project) => {
  const exclude = [...((project.test?.exclude as string[] | undefined) ?? []), ...(runtime === undefined ? [] : EXCLUDED[runtime])];
  return { ...project, test: { ...project.test, ...interop, exclude, testTimeout: TEST_TIMEOUT_MS } };
});

export default defineConfig({ test: { ...quick.test, projects } }) as ViteUserConfig;
