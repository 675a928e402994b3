import { afterEach, describe, expect, it, vi } from "vitest";
import { AuthSkill } from "../src/index.js";
import { captureWarnings } from "./helpers.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("the per-process secret warning", () => {
  it("without a secret outside production, warns once per process (AuthSkillWarning), captured here so it does not print", async () => {
    vi.stubEnv("AUTH_SECRET", "");
    vi.stubEnv("BETTER_AUTH_SECRET", "");
    vi.stubEnv("NODE_ENV", "test");
    const { result: token, warnings } = await captureWarnings(async () => {
      const first = new AuthSkill();
      new AuthSkill(); // the same per-process secret: no second warning
      return first.createAccessToken({ userId: "u1" });
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.type).toBe("AuthSkillWarning");
    expect(warnings[0]?.message).toContain("no secret configured");
    expect(warnings[0]?.message).toContain("random per-process secret");
    expect(typeof token).toBe("string");
  });

  it("with a secret, no warning", async () => {
    vi.stubEnv("AUTH_SECRET", "");
    vi.stubEnv("BETTER_AUTH_SECRET", "");
    const { warnings } = await captureWarnings(() => new AuthSkill({ secret: "warning-test-secret-0123456789-abcdefghijk" }));
    expect(warnings).toEqual([]);
  });
});
