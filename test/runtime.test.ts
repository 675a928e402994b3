/**
 * Which runtime runs this worker, and that it is one the README lists as supported. Under
 * `npm run test:runtimes` (scripts/runtimes/run.mjs) AUTH_SKILL_RUNTIME names the runtime the run is for: this
 * file proves the tests ran there, not in a Node the runner fell back to.
 */
import { describe, expect, it } from "vitest";

/** The parts of `process.versions` that tell runtimes apart. */
type Versions = { node: string; bun?: string | undefined; deno?: string | undefined };

/** "deno", "bun" or "node<major>": Deno and Bun also report a `node` version (the one they emulate). */
function runtimeOf(versions: Versions): string {
  if (typeof versions.deno === "string") return "deno";
  if (typeof versions.bun === "string") return "bun";
  return `node${versions.node.split(".")[0]}`;
}

const numbers = (version: string) => version.split(".").map(Number) as [number, number, number];

/** The README's "Supported runtimes": Node >= 20.19, Bun 1.x from 1.4, Deno 2.x. */
function supported(versions: Versions): boolean {
  if (typeof versions.deno === "string") return numbers(versions.deno)[0] === 2;
  if (typeof versions.bun === "string") {
    const [major, minor] = numbers(versions.bun);
    return major === 1 && minor >= 4;
  }
  const [major, minor] = numbers(versions.node);
  return major > 20 || (major === 20 && minor >= 19);
}

describe("the runtime running the tests", () => {
  it("is the one the run is for (AUTH_SKILL_RUNTIME), or Node outside npm run test:runtimes", () => {
    const expected = process.env.AUTH_SKILL_RUNTIME;
    const actual = runtimeOf(process.versions);
    if (expected === undefined) expect(actual).toMatch(/^node\d+$/);
    else expect(actual).toBe(expected);
  });

  it("is a supported version", () => {
    expect(supported(process.versions)).toBe(true);
  });

  it("names and bounds runtimes from their versions", () => {
    const node = (version: string): Versions => ({ node: version });
    expect(runtimeOf(node("22.23.5"))).toBe("node22");
    expect(runtimeOf({ ...node("24.3.0"), bun: "1.4.5" })).toBe("bun");
    expect(runtimeOf({ ...node("24.2.0"), bun: "1.4.5", deno: "2.9.5" })).toBe("deno");
    expect([node("20.19.0"), node("22.0.0"), node("24.22.3")].every(supported)).toBe(true);
    expect([node("20.18.3"), node("18.20.0")].some(supported)).toBe(false);
    expect(supported({ ...node("24.3.0"), bun: "1.4.0" })).toBe(true);
    expect(
      [
        { ...node("24.3.0"), bun: "1.3.9" },
        { ...node("24.3.0"), bun: "2.0.0" },
      ].some(supported),
    ).toBe(false);
    expect(supported({ ...node("24.2.0"), deno: "2.0.0" })).toBe(true);
    expect(supported({ ...node("20.11.1"), deno: "1.46.3" })).toBe(false);
  });
});
