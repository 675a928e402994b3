import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

describe("npm run demo (examples/quickstart.ts)", () => {
  it("prints the whole flow and exits 0", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "examples/quickstart.ts"], { timeout: 60_000 });
    for (const line of [
      "USER_EXISTS (409)",
      "WEAK_PASSWORD (400) — This password is too common",
      "INVALID_CREDENTIALS (401)",
      '"typ":"at+jwt"',
      "REFRESH_TOKEN_REUSED (401)",
      "TOKEN_REVOKED (401)",
      "Done: every step behaved as expected.",
    ])
      expect(stdout).toContain(line);
  });
});
