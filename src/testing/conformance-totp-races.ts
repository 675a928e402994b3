import { describe, expect } from "vitest";
import { T0, user } from "./fixtures.js";
import { type SecondFactorConformanceContext, codes, enabled, enrolled, later, withFactors } from "./second-factor-support.js";

/**
 * The races of TOTP and recovery codes: each compare-and-set (activation, a time step, a recovery code) is won exactly
 * once, and concurrent re-enrolments leave one record. Registered by `secondFactorConformance`.
 */
export function totpRaces({ storage: current, n, itIf }: SecondFactorConformanceContext): void {
  describe("second factors: races", () => {
    const race = <T>(f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));

    itIf("secondFactors")(`of ${n} concurrent activations with one input exactly one wins`, async () => {
      const { storage, factors } = withFactors(current);
      const u = user();
      await storage.createUser(u);
      await factors.setPendingTotp(u.id, "sealed-1", T0);
      const input = { userId: u.id, pendingSecret: "sealed-1", step: 42, recoveryCodes: codes("race"), now: later(1) };
      expect((await race(() => factors.activateTotp(input))).filter(Boolean)).toHaveLength(1);
      expect(await factors.findTotp(u.id)).toEqual({
        userId: u.id,
        secret: "sealed-1",
        pendingSecret: null,
        lastStep: 42,
        recoveryCodes: 10,
        updatedAt: later(1),
      });
      expect(await enabled(storage, u, false)).toBe(true);
    });

    itIf("secondFactors")(`of ${n} concurrent uses of one time step exactly one wins`, async () => {
      const { storage, factors } = withFactors(current);
      const u = await enrolled(storage, factors);
      expect((await race(() => factors.acceptTotpStep(u.id, 101))).filter(Boolean)).toHaveLength(1);
      expect((await factors.findTotp(u.id))?.lastStep).toBe(101);
      const steps = Array.from({ length: n }, (_, i) => 200 + (i % 3)); // three later steps at once
      const results = await race((i) => factors.acceptTotpStep(u.id, steps[i]!));
      for (const step of [200, 201, 202]) expect(results.filter((r, i) => r && steps[i] === step).length).toBeLessThanOrEqual(1);
      expect(results.filter((r, i) => r && steps[i] === Math.max(...steps))).toHaveLength(1); // nothing higher can win first
      expect((await factors.findTotp(u.id))?.lastStep).toBe(Math.max(...steps));
    });

    itIf("secondFactors")(`of ${n} concurrent uses of one recovery code exactly one wins`, async () => {
      const { storage, factors } = withFactors(current);
      const u = await enrolled(storage, factors);
      expect((await race(() => factors.consumeRecoveryCode(u.id, "keyed-a-5"))).filter(Boolean)).toHaveLength(1);
      expect((await factors.findTotp(u.id))?.recoveryCodes).toBe(9);
      const all = await race((i) => factors.consumeRecoveryCode(u.id, `keyed-a-${i % 10}`)); // each left code once
      const left = new Set(Array.from({ length: n }, (_, i) => i % 10).filter((i) => i !== 5));
      expect(all.filter(Boolean)).toHaveLength(left.size);
      expect((await factors.findTotp(u.id))?.recoveryCodes).toBe(9 - all.filter(Boolean).length);
    });

    itIf("secondFactors")(`of ${n} concurrent pending secrets one record remains, holding one of them`, async () => {
      const { storage, factors } = withFactors(current);
      const fresh = user();
      await storage.createUser(fresh);
      const secrets = Array.from({ length: n }, (_, i) => `sealed-${i}`);
      expect(await race((i) => factors.setPendingTotp(fresh.id, secrets[i]!, later(i)))).toEqual(Array(n).fill(true));
      const found = await factors.findTotp(fresh.id);
      expect(found).toMatchObject({ userId: fresh.id, secret: null, lastStep: null, recoveryCodes: 0 });
      expect(secrets).toContain(found?.pendingSecret);

      const u = await enrolled(storage, factors);
      await race((i) => factors.setPendingTotp(u.id, secrets[i]!, later(i)));
      const kept = await factors.findTotp(u.id);
      expect(kept).toMatchObject({ userId: u.id, secret: "sealed-a", lastStep: 100, recoveryCodes: 10 });
      expect(secrets).toContain(kept?.pendingSecret);
      expect(await factors.activateTotp({ userId: u.id, pendingSecret: kept?.pendingSecret ?? "", step: 1, recoveryCodes: [], now: T0 })).toBe(true);
    });
  });
}
