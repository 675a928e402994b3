import { describe, expect, it } from "vitest";
import { randomId } from "../ids.js";
import type { SessionRecord, StorageAdapter } from "../storage/adapter.js";
import type { StorageCapability } from "./capabilities.js";
import { T0, session, user, verification } from "./fixtures.js";

/** What the second-factor part of the conformance suite needs from {@link runStorageConformance}. */
export interface AttemptsConformanceContext {
  /** The current test's storage. */
  storage: () => StorageAdapter;
  /** How many concurrent calls the race tests make. */
  n: number;
  itIf: (capability: StorageCapability) => typeof it | typeof it.skip;
}

const later = (ms: number) => new Date(T0.getTime() + ms);
const next = (ms: number) => ({ tokenHash: randomId(43), successor: null, rotatedAt: later(ms), lastUsedAt: later(ms) });

/** `times` sequential reservations, as their results. */
async function reserve(storage: StorageAdapter, userId: string, purpose: string, max: number, times: number, now = T0): Promise<boolean[]> {
  const results: boolean[] = [];
  for (let i = 0; i < times; i++) results.push(await storage.reserveVerificationAttempt(userId, purpose, max, now));
  return results;
}

/**
 * The conformance tests of issue 12's storage: `SessionRecord.amr` (stored as given, kept through rotations,
 * absent when none) and `reserveVerificationAttempt` (counted before the check, void once spent or expired,
 * exact under races). Registered by `runStorageConformance`.
 */
export function attemptsConformance({ storage: current, n, itIf }: AttemptsConformanceContext): void {
  describe("authentication methods (SessionRecord.amr)", () => {
    it("stores amr as given, in order, through rotations; none and [] read without it; a malformed one is a TypeError", async () => {
      const storage = current();
      const u = user();
      await storage.createUser(u);
      const mfa = session(u.id, { amr: ["pwd", "otp", "mfa"] });
      const passkey = session(u.id, { amr: ["hwk"] });
      const bare = session(u.id);
      const empty = session(u.id, { amr: [] });
      for (const s of [mfa, passkey, bare, empty]) await storage.createSession(s);

      expect(await storage.findSession(mfa.id)).toEqual(mfa);
      expect(await storage.findSession(passkey.id)).toEqual(passkey);
      for (const s of [bare, empty]) {
        const found = await storage.findSession(s.id);
        expect(found).not.toHaveProperty("amr");
        expect(found).toEqual({ ...s, amr: undefined });
      }
      let ms = 0;
      for (const s of [mfa, passkey, bare] as SessionRecord[]) {
        let generation = 0;
        let tokenHash = s.tokenHash;
        for (let i = 0; i < 2; i++) {
          ms += 1000;
          const step = next(ms);
          const rotated = await storage.rotateSession({ id: s.id, generation, tokenHash, next: step });
          expect(rotated).toEqual({ ...s, ...step, generation: generation + 1 });
          if (s.amr === undefined) expect(rotated).not.toHaveProperty("amr");
          generation += 1;
          tokenHash = step.tokenHash;
        }
        expect((await storage.findSession(s.id))?.amr).toEqual(s.amr);
      }

      const long = "a".repeat(17);
      const nine = Array.from({ length: 9 }, (_, i) => `m${i}`);
      for (const amr of [["pwd,otp"], ["PWD"], [""], [long], nine, ["pwd", 7 as unknown as string]]) {
        const bad = session(u.id, { amr });
        await expect(storage.createSession(bad)).rejects.toThrow(TypeError);
        expect(await storage.findSession(bad.id)).toBeNull();
      }
      const widest = session(u.id, { amr: ["a".repeat(16), "x_y-z", "0", "swk", "mfa", "otp", "pwd", "hwk"] });
      await storage.createSession(widest);
      expect(await storage.findSession(widest.id)).toEqual(widest);
    });
  });

  describe("attempts at a user's token (reserveVerificationAttempt)", () => {
    /** A user with a live token of `purpose` (an hour from T0). */
    async function withToken(storage: StorageAdapter, purpose = "email-code") {
      const u = user();
      await storage.createUser(u);
      const v = verification({ userId: u.id, purpose });
      await storage.createVerification(v);
      return { u, v };
    }

    itIf("verifications")("grants attempts up to the limit, then refuses; the spent token stays for a granted attempt to take", async () => {
      const storage = current();
      const { u, v } = await withToken(storage);
      expect(await reserve(storage, u.id, v.purpose, 3, 5)).toEqual([true, true, true, false, false]);
      expect(await storage.findVerification(v.tokenHash, v.purpose)).toEqual(v); // refusing changed nothing
      expect(await reserve(storage, u.id, v.purpose, 3, 1)).toEqual([false]);
      expect(await storage.consumeVerification(v.tokenHash, v.purpose, T0)).toEqual(v); // e.g. the third attempt, right
      expect(await reserve(storage, u.id, v.purpose, 3, 1)).toEqual([false]);
    });

    itIf("verifications")("refuses an expired token; refuses where there is no token", async () => {
      const storage = current();
      const { u, v } = await withToken(storage);
      expect(await reserve(storage, u.id, v.purpose, 5, 1, v.expiresAt)).toEqual([false]);
      expect(await storage.consumeVerification(v.tokenHash, v.purpose, T0)).toEqual(v); // refusing changed nothing
      expect(await reserve(storage, u.id, v.purpose, 5, 1)).toEqual([false]);
      expect(await reserve(storage, "no-such-user", v.purpose, 5, 1)).toEqual([false]);
      const { u: taken, v: consumed } = await withToken(storage);
      expect(await storage.consumeVerification(consumed.tokenHash, consumed.purpose, T0)).not.toBeNull();
      expect(await reserve(storage, taken.id, consumed.purpose, 5, 1)).toEqual([false]);
    });

    itIf("verifications")("counts per user and purpose: another purpose, another user and tokens without a user are untouched", async () => {
      const storage = current();
      const { u, v } = await withToken(storage);
      const second = verification({ userId: u.id, purpose: "mfa" });
      await storage.createVerification(second);
      const { u: other, v: theirs } = await withToken(storage);
      const anonymous = verification({ purpose: v.purpose });
      await storage.createVerification(anonymous);

      expect(await reserve(storage, u.id, v.purpose, 2, 3)).toEqual([true, true, false]);
      expect(await storage.findVerification(second.tokenHash, "mfa")).toEqual(second);
      expect(await reserve(storage, u.id, "mfa", 2, 3)).toEqual([true, true, false]);
      expect(await storage.findVerification(theirs.tokenHash, theirs.purpose)).toEqual(theirs);
      expect(await reserve(storage, other.id, theirs.purpose, 2, 2)).toEqual([true, true]);
      expect(await reserve(storage, "null", anonymous.purpose, 1, 2)).toEqual([false, false]);
      expect(await storage.consumeVerification(anonymous.tokenHash, anonymous.purpose, T0)).toEqual(anonymous);
    });

    itIf("verifications")("a new token of the user and purpose starts at 0; reading a token neither shows nor resets its count", async () => {
      const storage = current();
      const { u, v } = await withToken(storage);
      expect(await reserve(storage, u.id, v.purpose, 3, 2)).toEqual([true, true]);
      expect(await storage.findVerification(v.tokenHash, v.purpose)).toEqual(v);
      expect(await reserve(storage, u.id, v.purpose, 3, 2)).toEqual([true, false]);

      const fresh = verification({ userId: u.id, purpose: v.purpose });
      await storage.createVerification(fresh);
      expect(await reserve(storage, u.id, v.purpose, 3, 2)).toEqual([true, true]);
      const renewed = verification({ userId: u.id, purpose: v.purpose });
      await storage.createVerification(renewed); // voids `fresh`, with its count
      expect(await storage.findVerification(fresh.tokenHash, v.purpose)).toBeNull();
      expect(await reserve(storage, u.id, v.purpose, 3, 4)).toEqual([true, true, true, false]);
    });

    itIf("verifications")(`of ${n} concurrent reservations with 5 allowed exactly 5 are granted, and exactly those left after some`, async () => {
      const storage = current();
      const { u, v } = await withToken(storage);
      const race = () => Promise.all(Array.from({ length: n }, () => storage.reserveVerificationAttempt(u.id, v.purpose, 5, T0)));
      expect((await race()).filter(Boolean)).toHaveLength(Math.min(n, 5));
      expect(await storage.findVerification(v.tokenHash, v.purpose)).toEqual(v); // spent, not deleted

      const again = verification({ userId: u.id, purpose: v.purpose });
      await storage.createVerification(again);
      expect(await reserve(storage, u.id, v.purpose, 5, 2)).toEqual([true, true]);
      expect((await race()).filter(Boolean)).toHaveLength(Math.min(n, 3));
      expect(await storage.consumeVerification(again.tokenHash, v.purpose, T0)).toEqual(again); // for a granted attempt
    });

    itIf("verifications")("rejects a maxAttempts that is not a positive integer, or an invalid now, with a TypeError, counting nothing", async () => {
      const storage = current();
      const { u, v } = await withToken(storage);
      for (const max of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "5" as unknown as number]) {
        await expect(storage.reserveVerificationAttempt(u.id, v.purpose, max, T0)).rejects.toThrow(TypeError);
      }
      await expect(storage.reserveVerificationAttempt(u.id, v.purpose, 1, new Date(Number.NaN))).rejects.toThrow(TypeError);
      expect(await reserve(storage, u.id, v.purpose, 1, 2)).toEqual([true, false]);
    });
  });
}
