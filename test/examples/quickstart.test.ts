import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/** One run of the demo, shared by the tests (it exits 0, or the promise rejects). */
let run: Promise<{ stdout: string }> | undefined;
const demo = () => (run ??= promisify(execFile)(process.execPath, ["--import", "tsx", "examples/quickstart.ts"], { timeout: 60_000 }));

describe("npm run demo (examples/quickstart.ts)", () => {
  it("prints the whole flow and exits 0", async () => {
    const { stdout } = await demo();
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

  it("shows email verification and password reset through the in-memory outbox, without printing a token", async () => {
    const { stdout } = await demo();
    const section = (title: string) => stdout.split(`== ${title}`)[1]?.split("\n== ")[0] ?? "";
    const verification = section("Email verification (in-memory outbox)");
    for (const line of [
      /email verified\? +false/,
      /outbox +email-verification to ada@example\.com, a single-use link until /,
      /verifyEmail +emailVerified=true/,
      /same link again +TOKEN_INVALID \(401\)/,
    ])
      expect(verification).toMatch(line);
    const reset = section("Password reset (in-memory outbox)");
    for (const line of [
      /outbox +password-reset to ada@example\.com, a single-use link until /,
      /mails to nobody@ +0 /,
      /weak new password +WEAK_PASSWORD \(400\)/,
      /resetPassword +new password set for ada@example\.com/,
      /same link again +TOKEN_INVALID \(401\)/,
      /session from before +TOKEN_REVOKED \(401\)/,
      /old password +INVALID_CREDENTIALS \(401\)/,
      /new password +signed in: ada@example\.com/,
      /audit events .*email\.verified.*password\.reset_requested, password\.reset/,
    ])
      expect(reset).toMatch(line);
    // single-use tokens are 43+ base64url characters; the transcript shows tokens only cut to 24
    expect(stdout).not.toMatch(/[A-Za-z0-9_-]{40,}/);
  });
});
