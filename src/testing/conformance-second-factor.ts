import { describe, expect } from "vitest";
import { randomId } from "../ids.js";
import { passkeysConformance } from "./conformance-passkeys.js";
import { totpRaces } from "./conformance-totp-races.js";
import { T0, user } from "./fixtures.js";
import { type SecondFactorConformanceContext, codes, enabled, enrolled, later, withFactors } from "./second-factor-support.js";

export type { SecondFactorConformanceContext } from "./second-factor-support.js";

/**
 * The conformance tests of `StorageAdapter.secondFactors` (issue 12): TOTP enrolment (pending secret, confirmation
 * by compare-and-set, used steps), recovery codes, passkeys, the user's `twoFactorEnabled`, deleting a user, and
 * the races each operation promises to win exactly once. Registered by `runStorageConformance`.
 */
export function secondFactorConformance(context: SecondFactorConformanceContext): void {
  const { storage: current, itIf, lacks } = context;
  const usernames = !lacks.has("usernames");
  describe("second factors: TOTP enrolment", () => {
    itIf("secondFactors")("has the operations; an unknown user has no TOTP, and no pending secret can be set for one", async () => {
      const { factors } = withFactors(current);
      expect(await factors.findTotp("no-such-user")).toBeNull();
      expect(await factors.setPendingTotp("no-such-user", "sealed-1", T0)).toBe(false);
      expect(await factors.findTotp("no-such-user")).toBeNull();
    });

    itIf("secondFactors")("stores a pending secret, replaces it, and keeps a confirmed secret, its last step and codes across a re-enrolment", async () => {
      const { storage, factors } = withFactors(current);
      const u = user({ username: null });
      await storage.createUser(u);
      expect(await factors.findTotp(u.id)).toBeNull();
      expect(await factors.setPendingTotp(u.id, "sealed-1", later(10))).toBe(true);
      expect(await factors.findTotp(u.id)).toEqual({
        userId: u.id,
        secret: null,
        pendingSecret: "sealed-1",
        lastStep: null,
        recoveryCodes: 0,
        updatedAt: later(10),
      });
      expect(await factors.setPendingTotp(u.id, "sealed-2", later(20))).toBe(true);
      expect(await factors.findTotp(u.id)).toEqual({
        userId: u.id,
        secret: null,
        pendingSecret: "sealed-2",
        lastStep: null,
        recoveryCodes: 0,
        updatedAt: later(20),
      });
      expect(await enabled(storage, u, false)).toBe(false); // pending is not enabled

      const input = { userId: u.id, pendingSecret: "sealed-2", step: 57_000_123, recoveryCodes: codes("one"), now: later(30) };
      expect(await factors.activateTotp(input)).toBe(true);
      const active = { userId: u.id, secret: "sealed-2", pendingSecret: null, lastStep: 57_000_123, recoveryCodes: 10, updatedAt: later(30) };
      expect(await factors.findTotp(u.id)).toEqual(active);

      expect(await factors.setPendingTotp(u.id, "sealed-3", later(40))).toBe(true); // re-enrolment
      expect(await factors.findTotp(u.id)).toMatchObject({ ...active, pendingSecret: "sealed-3", updatedAt: expect.any(Date) });
      expect(await enabled(storage, u, false)).toBe(true);
      expect(await factors.acceptTotpStep(u.id, 57_000_124)).toBe(true); // the confirmed secret stays active meanwhile
      expect(await factors.consumeRecoveryCode(u.id, "keyed-one-0")).toBe(true);
      expect(await factors.findTotp(u.id)).toMatchObject({ secret: "sealed-2", pendingSecret: "sealed-3", lastStep: 57_000_124, recoveryCodes: 9 });
    });

    itIf("secondFactors")("activates only the pending secret it was given (a compare-and-set); a refused call changes nothing", async () => {
      const { storage, factors } = withFactors(current);
      const u = user({ username: usernames ? `totp_${randomId(8).toLowerCase()}` : null });
      await storage.createUser(u);
      const input = { userId: u.id, pendingSecret: "sealed-1", step: 7, recoveryCodes: codes("x"), now: later(5) };
      expect(await factors.activateTotp(input)).toBe(false); // no record
      expect(await factors.findTotp(u.id)).toBeNull();
      await factors.setPendingTotp(u.id, "sealed-2", T0);
      const pending = await factors.findTotp(u.id);
      expect(await factors.activateTotp(input)).toBe(false); // another pending secret
      expect(await factors.findTotp(u.id)).toEqual(pending);
      expect(await enabled(storage, u, usernames)).toBe(false);
      expect(await factors.consumeRecoveryCode(u.id, "keyed-x-0")).toBe(false);

      expect(await factors.activateTotp({ ...input, pendingSecret: "sealed-2" })).toBe(true);
      expect(await factors.findTotp(u.id)).toEqual({
        userId: u.id,
        secret: "sealed-2",
        pendingSecret: null,
        lastStep: 7,
        recoveryCodes: 10,
        updatedAt: later(5),
      });
      expect(await enabled(storage, u, usernames)).toBe(true);
      const { updatedAt: _, ...unchanged } = u;
      expect(await storage.findUserById(u.id)).toMatchObject({ ...unchanged, twoFactorEnabled: true });
      const renamed = await storage.updateUser(u.id, { name: "Renamed" }); // the user as stored after it: flag included
      expect(renamed).toMatchObject({ ok: true, user: { id: u.id, name: "Renamed", twoFactorEnabled: true } });
      expect(await factors.activateTotp({ ...input, pendingSecret: "sealed-2" })).toBe(false); // none pending now
      expect(await factors.activateTotp({ ...input, pendingSecret: "sealed-1" })).toBe(false);
      expect((await factors.findTotp(u.id))?.lastStep).toBe(7);
    });

    itIf("secondFactors")("a second activation sets the new secret, its step (even a lower one) and replaces the codes", async () => {
      const { storage, factors } = withFactors(current);
      const u = await enrolled(storage, factors, "old");
      const other = await enrolled(storage, factors, "other");
      expect(await factors.acceptTotpStep(u.id, 500)).toBe(true);
      await factors.setPendingTotp(u.id, "sealed-new", later(2));
      expect(await factors.activateTotp({ userId: u.id, pendingSecret: "sealed-new", step: 300, recoveryCodes: codes("new", 3), now: later(3) })).toBe(true);
      expect(await factors.findTotp(u.id)).toEqual({
        userId: u.id,
        secret: "sealed-new",
        pendingSecret: null,
        lastStep: 300,
        recoveryCodes: 3,
        updatedAt: later(3),
      });
      expect(await factors.consumeRecoveryCode(u.id, "keyed-old-0")).toBe(false); // the old set is void
      expect(await factors.consumeRecoveryCode(u.id, "keyed-new-2")).toBe(true);
      expect(await factors.findTotp(other.id)).toMatchObject({ secret: "sealed-other", lastStep: 100, recoveryCodes: 10 });
    });

    itIf("secondFactors")("accepts each time step once, strictly increasing, and only for a confirmed secret", async () => {
      const { storage, factors } = withFactors(current);
      const u = user();
      await storage.createUser(u);
      expect(await factors.acceptTotpStep(u.id, 1)).toBe(false); // no record
      expect(await factors.acceptTotpStep("no-such-user", 1)).toBe(false);
      await factors.setPendingTotp(u.id, "sealed-1", T0);
      expect(await factors.acceptTotpStep(u.id, 1)).toBe(false); // pending only
      expect((await factors.findTotp(u.id))?.lastStep).toBeNull();
      await factors.activateTotp({ userId: u.id, pendingSecret: "sealed-1", step: 10, recoveryCodes: [], now: T0 });
      const results: boolean[] = [];
      for (const step of [10, 9, 11, 11, 13, 12, 14]) results.push(await factors.acceptTotpStep(u.id, step));
      expect(results).toEqual([false, false, true, false, true, false, true]);
      expect((await factors.findTotp(u.id))?.lastStep).toBe(14);
      expect(await factors.findTotp(u.id)).toMatchObject({ recoveryCodes: 0, secret: "sealed-1" });
    });

    itIf("secondFactors")("deletes an enrolment (confirmed or pending) with its codes; the user reads twoFactorEnabled false", async () => {
      const { storage, factors } = withFactors(current);
      const u = await enrolled(storage, factors);
      const other = await enrolled(storage, factors, "b");
      await factors.setPendingTotp(u.id, "sealed-next", T0);
      expect(await factors.deleteTotp(u.id)).toBe(true);
      expect(await factors.findTotp(u.id)).toBeNull();
      expect(await enabled(storage, u, false)).toBe(false);
      expect(await factors.consumeRecoveryCode(u.id, "keyed-a-0")).toBe(false);
      expect(await factors.acceptTotpStep(u.id, 1000)).toBe(false);
      expect(await factors.activateTotp({ userId: u.id, pendingSecret: "sealed-next", step: 1, recoveryCodes: [], now: T0 })).toBe(false);
      expect(await factors.deleteTotp(u.id)).toBe(false);
      expect(await factors.deleteTotp("no-such-user")).toBe(false);
      expect(await enabled(storage, other, false)).toBe(true);
      expect(await factors.findTotp(other.id)).toMatchObject({ recoveryCodes: 10 });

      const fresh = user();
      await storage.createUser(fresh);
      await factors.setPendingTotp(fresh.id, "sealed-p", T0);
      expect(await factors.deleteTotp(fresh.id)).toBe(true); // a pending-only enrolment is one
      expect(await factors.findTotp(fresh.id)).toBeNull();
      expect(await factors.setPendingTotp(u.id, "sealed-again", later(9))).toBe(true); // enrolling again starts afresh
      expect(await factors.findTotp(u.id)).toEqual({
        userId: u.id,
        secret: null,
        pendingSecret: "sealed-again",
        lastStep: null,
        recoveryCodes: 0,
        updatedAt: later(9),
      });
    });
  });

  describe("second factors: recovery codes", () => {
    itIf("secondFactors")("replaces the codes only for a confirmed secret; the old set is void at once", async () => {
      const { storage, factors } = withFactors(current);
      const u = user();
      await storage.createUser(u);
      expect(await factors.replaceRecoveryCodes(u.id, codes("r"), T0)).toBe(false); // no record
      expect(await factors.replaceRecoveryCodes("no-such-user", codes("r"), T0)).toBe(false);
      await factors.setPendingTotp(u.id, "sealed-1", T0);
      expect(await factors.replaceRecoveryCodes(u.id, codes("r"), T0)).toBe(false); // pending only
      expect(await factors.consumeRecoveryCode(u.id, "keyed-r-0")).toBe(false);
      await factors.activateTotp({ userId: u.id, pendingSecret: "sealed-1", step: 1, recoveryCodes: codes("a", 2), now: later(1) });
      expect(await factors.consumeRecoveryCode(u.id, "keyed-r-0")).toBe(false); // the refused set was never stored

      expect(await factors.replaceRecoveryCodes(u.id, codes("b", 5), later(2))).toBe(true);
      expect(await factors.findTotp(u.id)).toEqual({
        userId: u.id,
        secret: "sealed-1",
        pendingSecret: null,
        lastStep: 1,
        recoveryCodes: 5,
        updatedAt: later(2),
      });
      expect(await factors.consumeRecoveryCode(u.id, "keyed-a-0")).toBe(false);
      expect(await factors.consumeRecoveryCode(u.id, "keyed-b-4")).toBe(true);
      expect(await factors.replaceRecoveryCodes(u.id, [], later(3))).toBe(true);
      expect((await factors.findTotp(u.id))?.recoveryCodes).toBe(0);
      expect(await factors.consumeRecoveryCode(u.id, "keyed-b-0")).toBe(false);
    });

    itIf("secondFactors")("takes each code once, only the user's own", async () => {
      const { storage, factors } = withFactors(current);
      const u = await enrolled(storage, factors, "mine");
      const other = await enrolled(storage, factors, "theirs");
      expect(await factors.consumeRecoveryCode(u.id, "keyed-mine-3")).toBe(true);
      expect(await factors.consumeRecoveryCode(u.id, "keyed-mine-3")).toBe(false);
      expect((await factors.findTotp(u.id))?.recoveryCodes).toBe(9);
      expect(await factors.consumeRecoveryCode(u.id, "keyed-theirs-0")).toBe(false); // another user's code
      expect(await factors.consumeRecoveryCode(other.id, "keyed-mine-0")).toBe(false);
      expect(await factors.consumeRecoveryCode(u.id, "unknown")).toBe(false);
      expect(await factors.consumeRecoveryCode("no-such-user", "keyed-mine-0")).toBe(false);
      expect((await factors.findTotp(other.id))?.recoveryCodes).toBe(10);
      for (let i = 0; i < 10; i++) if (i !== 3) expect(await factors.consumeRecoveryCode(u.id, `keyed-mine-${i}`)).toBe(true);
      expect(await factors.findTotp(u.id)).toMatchObject({ secret: "sealed-mine", recoveryCodes: 0 });
    });
  });

  passkeysConformance(context);
  totpRaces(context);
}
