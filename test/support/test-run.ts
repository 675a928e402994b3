/**
 * Which of the three runs of the suites this is, and how large their loops are in it:
 *
 * - `"full"`: `npm test` (vitest.config.ts), and any run of a single file with it. Every case, every vector.
 * - `"unit"`: `npm run test:unit` (vitest.unit.config.ts sets AUTH_SKILL_TEST_RUN=unit), the quick inner loop
 *   of the suites that need no server. The large property and sampling loops run a tenth of their cases
 *   ({@link scaled}), a few costly fixtures are left to the full run ({@link UNIT_RUN}), and tests that count
 *   hasher calls hash at a far lower (test-only) argon2 cost; every test file still runs.
 * - `"mutation"`: `npm run test:mutation` (scripts/mutation/run.mjs sets AUTH_SKILL_MUTATION=1) runs the unit
 *   set once per mutant it covers, inside Stryker's instrumented copy. The large loops run a tenth there too;
 *   everything else runs as in the full run, so that the mutation score is what the kills of the full cases
 *   give. It wins over AUTH_SKILL_TEST_RUN.
 */
export type TestRun = "full" | "unit" | "mutation";

/** The run an environment asks for: AUTH_SKILL_MUTATION=1 is the mutation run, whatever AUTH_SKILL_TEST_RUN says. */
export function testRunOf(env: Readonly<Record<string, string | undefined>>): TestRun {
  return env.AUTH_SKILL_MUTATION === "1" ? "mutation" : env.AUTH_SKILL_TEST_RUN === "unit" ? "unit" : "full";
}

/** This process's run. */
export const TEST_RUN: TestRun = testRunOf(process.env);

/** True under mutation testing (`npm run test:mutation`). */
export const UNDER_MUTATION = TEST_RUN === "mutation";

/** True in `npm test` (and single files run with the default config): every case runs at its full count. */
export const FULL_RUN = TEST_RUN === "full";

/** True in `npm run test:unit`: the few costly cases left to the full run (and the mutation run) are skipped. */
export const UNIT_RUN = TEST_RUN === "unit";

/** `n` cases in the full run, a tenth (rounded up) in the unit run and under mutation testing. */
export const scaled = (n: number, run: TestRun = TEST_RUN): number => (run === "full" ? n : Math.ceil(n / 10));
