import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * The unit suites: every test that needs no server (PostgreSQL, MySQL, Redis), no Python, no child process
 * and no built package (dist/). The mutation run (stryker.config.mjs) uses this set; `npm run test:unit`
 * runs it alone. Left out: test/adapters (servers), test/cross-process (PostgreSQL, worker processes),
 * test/examples (Python's FastAPI, tsx child processes), test/build (the packed dist/), and test/better-auth
 * (the bridge's suites; under CI=true they also require the PostgreSQL server).
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["**/node_modules/**", "test/adapters/**", "test/cross-process/**", "test/examples/**", "test/build/**", "test/better-auth/**"],
    },
  }),
);
