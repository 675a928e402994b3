/**
 * The two runs of the unit set (vitest.unit.config.ts) and the sizes the tests take in each
 * (test/support/test-run.ts): `npm run test:unit` is the quick one, the mutation run keeps the set as it was.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OWN_MODULES, UNIT_SET, unitConfig } from "../vitest.unit.config.js";
import { scaled, testRunOf } from "./support/test-run.js";

const root = new URL("../", import.meta.url);
const excludedDirs = (UNIT_SET.test?.exclude ?? []).filter((glob) => glob.startsWith("test/")).map((glob) => glob.replace(/\*\*$/, ""));
/** Every file of the unit set, by the include and exclude globs it is made of. */
const unitFiles = (readdirSync(new URL("test/", root), { recursive: true }) as string[])
  .map((file) => `test/${file.split("\\").join("/")}`)
  .filter((file) => file.endsWith(".test.ts") && !excludedDirs.some((dir) => file.startsWith(dir)))
  .sort();

describe("the unit set", () => {
  it("is every test file outside the server, Python, child-process, dist and bridge suites", () => {
    // the base config's globs (its own repeats the first): examples' own tests (examples/testing) need no server
    expect(new Set(UNIT_SET.test?.include)).toEqual(new Set(["test/**/*.test.ts", "examples/**/*.test.ts"]));
    expect(excludedDirs.sort()).toEqual(["test/adapters/", "test/better-auth/", "test/build/", "test/cli/", "test/cross-process/", "test/examples/"]);
    expect(unitFiles.length).toBeGreaterThan(40);
    expect(unitFiles).toContain("test/tokens/jose-agreement.test.ts");
  });

  it("runs under mutation testing as it always has: every file isolated, no projects, no size variable, Stryker's workers", () => {
    const test = unitConfig("mutation").test;
    expect(test).toMatchObject({ include: UNIT_SET.test?.include, exclude: UNIT_SET.test?.exclude });
    for (const key of ["projects", "isolate", "env", "maxWorkers", "pool"] as const) expect(test?.[key]).toBeUndefined();
  });

  it("runs quick (npm run test:unit) as two projects over the same files, both sized by AUTH_SKILL_TEST_RUN=unit, on every core", () => {
    const test = unitConfig("quick").test;
    expect(test?.maxWorkers).toBeGreaterThanOrEqual(2);
    const [shared, own] = (test?.projects ?? []) as Array<{ test: Record<string, unknown> }>;
    expect(test?.projects).toHaveLength(2);
    expect(shared?.test).toMatchObject({ isolate: false, include: UNIT_SET.test?.include, exclude: [...(UNIT_SET.test?.exclude ?? []), ...OWN_MODULES] });
    expect(own?.test).toMatchObject({ include: OWN_MODULES, exclude: UNIT_SET.test?.exclude });
    expect(own?.test.isolate).toBeUndefined(); // Vitest's default: a fresh module graph per file
    for (const project of [shared, own]) expect(project?.test.env).toEqual({ AUTH_SKILL_TEST_RUN: "unit" });
    for (const file of OWN_MODULES) expect(unitFiles).toContain(file);
  });

  it("gives modules of their own to every unit file that replaces a module (vi.mock, vi.doMock)", () => {
    const mocking = unitFiles.filter((file) => /\bvi\.(?:do)?[mM]ock\(/.test(readFileSync(new URL(file, root), "utf8")));
    expect(mocking.length).toBeGreaterThan(0);
    expect(mocking.filter((file) => !OWN_MODULES.includes(file))).toEqual([]);
  });
});

describe("the size of each run (test/support/test-run.ts)", () => {
  it("is the full run unless the environment says otherwise; AUTH_SKILL_MUTATION wins over AUTH_SKILL_TEST_RUN", () => {
    expect(testRunOf({})).toBe("full");
    expect(testRunOf({ AUTH_SKILL_TEST_RUN: "unit" })).toBe("unit");
    expect(testRunOf({ AUTH_SKILL_TEST_RUN: "quick" })).toBe("full");
    expect(testRunOf({ AUTH_SKILL_MUTATION: "1" })).toBe("mutation");
    expect(testRunOf({ AUTH_SKILL_MUTATION: "1", AUTH_SKILL_TEST_RUN: "unit" })).toBe("mutation");
    expect(testRunOf({ AUTH_SKILL_MUTATION: "0", AUTH_SKILL_TEST_RUN: "unit" })).toBe("unit");
  });

  it("scales the large loops to a tenth, rounded up, in the unit and mutation runs only", () => {
    expect([scaled(10_000, "full"), scaled(10_000, "unit"), scaled(10_000, "mutation")]).toEqual([10_000, 1000, 1000]);
    expect([scaled(15, "unit"), scaled(1, "mutation"), scaled(15, "full")]).toEqual([2, 1, 15]);
  });
});
