import { availableParallelism } from "node:os";
import { defineConfig, mergeConfig, type ViteUserConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * The unit suites: every test that needs no server (PostgreSQL, MySQL, Redis), no Python, no child process
 * and no built package (dist/). The mutation run (stryker.config.mjs) uses this set; `npm run test:unit`
 * runs it alone. Left out: test/adapters (servers), test/cross-process (PostgreSQL, worker processes),
 * test/examples (Python's FastAPI, tsx child processes), test/build (the packed dist/), and test/better-auth
 * (the bridge's suites; under CI=true they also require the PostgreSQL server), and test/cli (the built binary, run as
 * a child process).
 */
export const UNIT_SET: ViteUserConfig = mergeConfig(
  base,
  defineConfig({
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["**/node_modules/**", "test/adapters/**", "test/cross-process/**", "test/examples/**", "test/build/**", "test/better-auth/**", "test/cli/**"],
    },
  }),
);

/**
 * Unit files that need a module graph of their own: two replace a native addon with `vi.mock` (which reaches
 * only modules loaded after it), one tests per-process state (the one-time warning of the fallback secret).
 * test/unit-config.test.ts checks that every unit file calling `vi.mock` is listed.
 */
export const OWN_MODULES = ["test/password/argon2-limits.test.ts", "test/password/bcrypt-limits.test.ts", "test/secret-warning.test.ts"];

/**
 * The unit set for one of its two runs:
 *
 * - `"quick"`, `npm run test:unit`, the inner loop (test/support/test-run.ts): AUTH_SKILL_TEST_RUN=unit, so the
 *   large property and sampling loops run a tenth of their cases and a few costly fixtures are verified in
 *   `npm test` only; the files share their worker's modules (`isolate: false`: loaded once per worker, not once
 *   per file), except {@link OWN_MODULES}; and every core runs a file (Vitest's default is one worker less than
 *   the cores: a single worker on 2 cores).
 * - `"mutation"`, the set as Stryker runs it (scripts/mutation/run.mjs sets AUTH_SKILL_MUTATION=1): every file
 *   isolated, Stryker's own pool and one worker per test runner, the tests sized by AUTH_SKILL_MUTATION.
 */
export function unitConfig(run: "quick" | "mutation"): ViteUserConfig {
  if (run === "mutation") return UNIT_SET;
  const env = { AUTH_SKILL_TEST_RUN: "unit" };
  return defineConfig({
    test: {
      maxWorkers: Math.max(2, availableParallelism() - 1),
      projects: [
        mergeConfig(UNIT_SET, defineConfig({ test: { name: "unit", isolate: false, exclude: OWN_MODULES, env } })),
        { ...UNIT_SET, test: { ...UNIT_SET.test, name: "unit:own-modules", include: OWN_MODULES, env } },
      ],
    },
  });
}

export default unitConfig(process.env.AUTH_SKILL_MUTATION === "1" ? "mutation" : "quick");
