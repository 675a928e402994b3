// requestPasswordReset: one answer whether or not the address has an account (the lookup and the send happen
// after the caller is answered), limits per address and per client, and no flow without the email option.
import { describe, expect, it } from "vitest";
import { rejectsWith } from "../helpers.js";
import { countingStorage, flush, withAda } from "./support.js";

describe("requesting a password reset", () => {
  it("resolves undefined for a known and an unknown address alike, before looking either up; only the known one gets mail", async () => {
    const { storage, calls } = countingStorage();
    const { auth, mail, of } = await withAda({ storage });
    const before = calls.findUserByEmail;
    const answers = [await auth.requestPasswordReset({ email: "ada@example.com" }), await auth.requestPasswordReset({ email: "nobody@example.com" })];
    expect(answers).toEqual([undefined, undefined]);
    expect(calls.findUserByEmail).toBe(before); // nothing was looked up in the callers' time
    expect(mail.messages).toEqual([]);
    await flush();
    expect(mail.messages.map((m) => m.to)).toEqual(["ada@example.com"]);
    expect(of("password.reset_requested").map((e) => e.userId === undefined)).toEqual([false, true]);
  });

  it("limits requests per address (known or not) with retryAfter, and other addresses are untouched", async () => {
    const { auth, clock } = await withAda({ rateLimit: { emailAddress: { max: 2, window: "1h" } } });
    for (const email of ["ada@example.com", "nobody@example.com"]) {
      await auth.requestPasswordReset({ email });
      await auth.requestPasswordReset({ email }, { ip: "198.51.100.1" });
      const err = await rejectsWith(auth.requestPasswordReset({ email }, { ip: "198.51.100.2" }), "RATE_LIMITED");
      expect([err.retryAfter, err.message]).toEqual([3600, "Too many requests for this address. Try again in 3600 seconds."]);
    }
    await expect(auth.requestPasswordReset({ email: "other@example.com" })).resolves.toBeUndefined();
    clock.advance(3_600_000);
    await expect(auth.requestPasswordReset({ email: "ada@example.com" })).resolves.toBeUndefined();
  });

  it("limits requests per client address, whatever the addresses asked for", async () => {
    const { auth } = await withAda({ rateLimit: { emailClient: { max: 2, window: "10m" } } });
    await auth.requestPasswordReset({ email: "a@example.com" }, { ip: "198.51.100.1" });
    await auth.requestPasswordReset({ email: "b@example.com" }, { ip: "198.51.100.1" });
    const err = await rejectsWith(auth.requestPasswordReset({ email: "ada@example.com" }, { ip: "198.51.100.1" }), "RATE_LIMITED");
    expect([err.retryAfter, err.message]).toEqual([600, "Too many requests. Try again in 600 seconds."]);
    await expect(auth.requestPasswordReset({ email: "ada@example.com" }, { ip: "198.51.100.2" })).resolves.toBeUndefined();
  });

  it("is CONFIG_ERROR without the email option, for known and unknown addresses", async () => {
    const { auth } = await withAda({ email: undefined });
    await rejectsWith(auth.requestPasswordReset({ email: "ada@example.com" }), "CONFIG_ERROR");
    await rejectsWith(auth.requestPasswordReset({ email: "nobody@example.com" }), "CONFIG_ERROR");
  });
});
