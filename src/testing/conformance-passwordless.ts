import { describe, expect } from "vitest";
import { randomId } from "../ids.js";
import { type FlowsConformanceContext, outcomes, rig } from "./conformance-flows.js";

const PASSWORD = "conformance passphrase 42";
const freshEmail = (tag: string) => `${tag}-${randomId(8).toLowerCase()}@example.com`;

/** A six-digit code other than `code`. */
const other = (code: string, i: number) => String((Number(code) + i) % 1_000_000).padStart(6, "0");

/**
 * Signing in by mail on the adapter under test, and its races: of `n` concurrent uses of one magic link or one
 * email code exactly one signs in, and `n` concurrent guesses at a code test at most five (the storage's
 * `reserveVerificationAttempt`). Registered by `runStorageConformance`.
 */
export function passwordlessConformance({ auth, n, itIf }: FlowsConformanceContext): void {
  describe("signing in by mail through AuthSkill", () => {
    itIf("verifications")("signs in once with a magic link, and once with an email code after four wrong ones", async () => {
      const r = rig(auth);
      const email = freshEmail("mail");
      const up = await r.auth.signup({ email, password: PASSWORD });
      await r.auth.requestMagicLink({ email });
      const link = await r.token("magic-link", email);
      await expect(r.auth.signinWithMagicLink({ token: link })).resolves.toMatchObject({ user: { id: up.user.id, emailVerified: true } });
      await expect(r.auth.signinWithMagicLink({ token: link })).rejects.toMatchObject({ code: "TOKEN_INVALID" });
      await r.auth.requestEmailCode({ email });
      const code = await r.token("email-code", email);
      for (let i = 1; i <= 4; i++) await expect(r.auth.signinWithEmailCode({ email, code: other(code, i) })).rejects.toMatchObject({ code: "TOKEN_INVALID" });
      await expect(r.auth.signinWithEmailCode({ email, code })).resolves.toMatchObject({ user: { id: up.user.id } });
      await expect(r.auth.signinWithEmailCode({ email, code })).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    });

    itIf("verifications")("of n concurrent uses of one magic link, exactly one signs in", async () => {
      const r = rig(auth);
      const email = freshEmail("link-race");
      await r.auth.signup({ email, password: PASSWORD });
      await r.auth.requestMagicLink({ email });
      const token = await r.token("magic-link", email);
      const results = await Promise.allSettled(Array.from({ length: n }, () => r.auth.signinWithMagicLink({ token })));
      const { wins, codes } = outcomes(results);
      expect(wins).toHaveLength(1);
      expect(codes).toEqual(["TOKEN_INVALID"]);
    });

    itIf("verifications")("of n concurrent uses of one email code, exactly one signs in", async () => {
      const r = rig(auth, { rateLimit: false });
      const email = freshEmail("code-race");
      await r.auth.signup({ email, password: PASSWORD });
      await r.auth.requestEmailCode({ email });
      const code = await r.token("email-code", email);
      const results = await Promise.allSettled(Array.from({ length: n }, () => r.auth.signinWithEmailCode({ email, code })));
      expect(outcomes(results).wins).toHaveLength(1);
    });

    itIf("verifications")("n concurrent wrong guesses spend the code's five attempts: the right code is refused after them", async () => {
      const r = rig(auth, { rateLimit: false }); // the code's own limit, not the account's signin budget
      const email = freshEmail("code-guess");
      await r.auth.signup({ email, password: PASSWORD });
      await r.auth.requestEmailCode({ email });
      const code = await r.token("email-code", email);
      const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => r.auth.signinWithEmailCode({ email, code: other(code, i + 1) })));
      expect(outcomes(results)).toEqual({ wins: [], codes: ["TOKEN_INVALID"] });
      await expect(r.auth.signinWithEmailCode({ email, code })).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    });
  });
}
