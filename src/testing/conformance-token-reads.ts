import { describe, expect, type it } from "vitest";
import { randomId } from "../ids.js";
import type { StorageAdapter, VerificationRecord } from "../storage/adapter.js";
import type { StorageCapability } from "./capabilities.js";
import { T0, user, verification } from "./fixtures.js";

/** What the token-read part of the conformance suite needs from {@link runStorageConformance}. */
export interface TokenReadConformanceContext {
  /** The current test's storage. */
  storage: () => StorageAdapter;
  /** Concurrent calls per race test. */
  n: number;
  itIf: (capability: StorageCapability) => typeof it | typeof it.skip;
  /** The store may have dropped an expired token by itself (`ConformanceOptions.nativeExpiry`). */
  nativeExpiry: boolean;
}

const at = (ms: number) => new Date(T0.getTime() + ms);

/**
 * The conformance tests of `findVerification`: the read the account flows make before they spend a token.
 * Registered by `runStorageConformance`.
 */
export function tokenReadConformance({ storage: current, n, itIf, nativeExpiry }: TokenReadConformanceContext): void {
  describe("single-use token reads", () => {
    itIf("verifications")("finds a token whole without taking it, and not for another purpose or an unknown hash", async () => {
      const storage = current();
      const u = user();
      await storage.createUser(u);
      const change = verification({ userId: u.id, purpose: "email-change", payload: "new-address@example.com" });
      const bare: VerificationRecord = verification();
      delete bare.payload; // stored without one: read as null
      for (const v of [change, bare]) await storage.createVerification(v);
      expect(await storage.findVerification(change.tokenHash, "password-reset")).toBeNull();
      expect(await storage.findVerification(randomId(43), change.purpose)).toBeNull();
      expect(await storage.findVerification(change.tokenHash, change.purpose)).toEqual(change);
      expect(await storage.findVerification(change.tokenHash, change.purpose)).toEqual(change); // nothing was taken
      expect(await storage.findVerification(bare.tokenHash, bare.purpose)).toEqual({ ...bare, payload: null });
      expect(await storage.consumeVerification(change.tokenHash, change.purpose, T0)).toEqual(change);
      expect(await storage.consumeVerification(bare.tokenHash, bare.purpose, T0)).toEqual({ ...bare, payload: null });
      expect(await storage.findVerification(change.tokenHash, change.purpose)).toBeNull();
      expect(await storage.findVerification(bare.tokenHash, bare.purpose)).toBeNull();
    });

    itIf("verifications")("finds an expired token, which consume refuses (a store with native expiry may have dropped it)", async () => {
      const storage = current();
      const expired = verification({ createdAt: at(-3_600_000), expiresAt: at(-1) });
      // live for the store (a native-expiry stand-in judges by the real clock: an hour is far enough ahead even of a
      // suite slowed down by a loaded machine), expired for a caller at T0 + 1 h
      const ending = verification({ expiresAt: at(3_600_000) });
      for (const v of [expired, ending]) await storage.createVerification(v);
      const found = await storage.findVerification(expired.tokenHash, expired.purpose);
      if (!nativeExpiry || found !== null) expect(found).toEqual(expired);
      expect(await storage.findVerification(ending.tokenHash, ending.purpose)).toEqual(ending);
      expect(await storage.consumeVerification(expired.tokenHash, expired.purpose, T0)).toBeNull();
      expect(await storage.consumeVerification(ending.tokenHash, ending.purpose, at(3_600_000))).toBeNull();
      expect(await storage.findVerification(expired.tokenHash, expired.purpose)).toBeNull(); // consume deleted them
      expect(await storage.findVerification(ending.tokenHash, ending.purpose)).toBeNull();
    });

    itIf("verifications")("reads a token voided by a newer one of its user and purpose as null, and no other", async () => {
      const storage = current();
      const [a, b] = [user(), user()];
      await storage.createUser(a);
      await storage.createUser(b);
      const old = verification({ userId: a.id });
      const others = [verification({ userId: a.id, purpose: "email-change", payload: "x@example.com" }), verification({ userId: b.id }), verification()];
      for (const v of [old, ...others]) await storage.createVerification(v);
      expect(await storage.findVerification(old.tokenHash, old.purpose)).toEqual(old);
      const latest = verification({ userId: a.id, createdAt: at(1) });
      await storage.createVerification(latest);
      expect(await storage.findVerification(old.tokenHash, old.purpose)).toBeNull();
      expect(await storage.findVerification(latest.tokenHash, latest.purpose)).toEqual(latest);
      for (const v of others) expect(await storage.findVerification(v.tokenHash, v.purpose)).toEqual(v);
      expect(await storage.consumeVerification(old.tokenHash, old.purpose, T0)).toBeNull();
    });

    itIf("verifications")(`finds only the one of ${n} concurrent tokens of a user and purpose that remains, and none once it is taken`, async () => {
      const storage = current();
      const u = user();
      await storage.createUser(u);
      const records = Array.from({ length: n }, () => verification({ userId: u.id }));
      await Promise.all(records.map((v) => storage.createVerification(v)));
      const found = (await Promise.all(records.map((v) => storage.findVerification(v.tokenHash, v.purpose)))).filter((v) => v !== null);
      expect(found).toHaveLength(1);
      const [kept] = found as [VerificationRecord];
      expect(kept).toEqual(records.find((v) => v.tokenHash === kept.tokenHash));
      expect(await storage.consumeVerification(kept.tokenHash, kept.purpose, T0)).toEqual(kept);
      for (const v of records) expect(await storage.findVerification(v.tokenHash, v.purpose)).toBeNull();
      for (const v of records) expect(await storage.consumeVerification(v.tokenHash, v.purpose, T0)).toBeNull();
    });

    itIf("verifications")(`of ${n} concurrent callers that find, then consume one token, exactly one takes it`, async () => {
      const storage = current();
      const u = user();
      await storage.createUser(u);
      const v = verification({ userId: u.id, payload: "carried" });
      await storage.createVerification(v);
      const taken = await Promise.all(
        Array.from({ length: n }, async () => {
          const found = await storage.findVerification(v.tokenHash, v.purpose);
          return found === null ? null : storage.consumeVerification(v.tokenHash, v.purpose, T0);
        }),
      );
      expect(taken.filter((r) => r !== null)).toEqual([v]);
      expect(await storage.findVerification(v.tokenHash, v.purpose)).toBeNull();
    });
  });
}
