// requireAmr: FORBIDDEN unless the verified claims' amr lists every method asked for.
import { describe, expect, it } from "vitest";
import { AuthError, requireAmr } from "../../src/index.js";

const MESSAGE = "This action needs another way of signing in.";

function refusal(run: () => void): AuthError | null {
  try {
    run();
    return null;
  } catch (err) {
    return err as AuthError;
  }
}

describe("requireAmr", () => {
  it("passes when every method asked for is listed, in any order", () => {
    expect(refusal(() => requireAmr({ amr: ["pwd", "otp", "mfa"] }, "mfa"))).toBeNull();
    expect(refusal(() => requireAmr({ amr: ["pwd", "otp", "mfa"] }, "otp", "pwd"))).toBeNull();
  });

  it("throws FORBIDDEN (403) with a fixed message when one is missing, for no amr, an amr that is not a list, and no method", () => {
    const cases: [unknown, string[]][] = [
      [{ amr: ["pwd"] }, ["mfa"]],
      [{ amr: ["pwd"] }, ["pwd", "mfa"]],
      [{}, ["pwd"]],
      [{ amr: "pwd" }, ["pwd"]],
      [{ amr: { 0: "pwd", length: 1 } }, ["pwd"]],
      [{ amr: ["pwd"] }, []],
      [null, ["pwd"]],
      [undefined, ["pwd"]],
    ];
    for (const [claims, methods] of cases) {
      const err = refusal(() => requireAmr(claims as { amr?: unknown }, ...methods));
      expect(err).toBeInstanceOf(AuthError);
      expect([err!.code, err!.status, err!.message]).toEqual(["FORBIDDEN", 403, MESSAGE]);
    }
  });

  it("a method that is not a string is never held, even by a list that contains it", () => {
    const odd = [1] as unknown as string[];
    expect(refusal(() => requireAmr({ amr: [1] }, ...odd))?.code).toBe("FORBIDDEN");
  });
});
