import { describe, expect } from "vitest";
import { randomId } from "../ids.js";
import { T0, passkey, user } from "./fixtures.js";
import { type SecondFactorConformanceContext, later, withFactors } from "./second-factor-support.js";

const MAX_COUNTER = 2 ** 32 - 1;

/**
 * The passkey operations of `StorageAdapter.secondFactors` (stored exactly as given, unique ids across users, one
 * user's passkeys never touched through another's), and `deleteUser` taking every second factor with the user,
 * races included. Registered by `secondFactorConformance`.
 */
export function passkeysConformance({ storage: current, n, itIf }: SecondFactorConformanceContext): void {
  describe("second factors: passkeys", () => {
    itIf("secondFactors")("stores a passkey exactly as given: dates, transports in order, nulls, booleans, counters up to 2^32-1", async () => {
      const { storage, factors } = withFactors(current);
      const u = user();
      await storage.createUser(u);
      const handle = randomId(43);
      const records = [
        passkey(u.id, { userHandle: handle, createdAt: later(1) }),
        passkey(u.id, {
          userHandle: handle,
          counter: MAX_COUNTER,
          transports: ["usb", "nfc", "ble", "smart-card", "hybrid", "internal"],
          deviceType: "singleDevice",
          backedUp: false,
          name: "Clé d'Ada — YubiKey 5 🔑",
          createdAt: later(2_345),
          lastUsedAt: later(6_789),
        }),
        passkey(u.id, { id: randomId(86), userHandle: handle, publicKey: randomId(400), transports: [], counter: 1, createdAt: later(3_000) }), // RSA-sized key
      ];
      for (const p of records) expect(await factors.createPasskey(p)).toBe(true);
      for (const p of records) expect(await factors.findPasskey(p.id)).toEqual(p);
      expect(await factors.listPasskeys(u.id)).toEqual(records);
      expect(await factors.findPasskey("no-such-passkey")).toBeNull();

      const given = records[0]!;
      const copy = structuredClone(given);
      given.transports.push("usb"); // the store keeps what it was given, not the caller's object
      given.counter = 99;
      const read = await factors.findPasskey(copy.id);
      expect(read).toEqual(copy);
      read?.transports.push("nfc");
      expect(await factors.findPasskey(copy.id)).toEqual(copy);
    });

    itIf("secondFactors")("refuses a second passkey with an existing id, for the same user or another; an unknown user is an error", async () => {
      const { storage, factors } = withFactors(current);
      const [a, b] = [user(), user()];
      await storage.createUser(a);
      await storage.createUser(b);
      const first = passkey(a.id);
      expect(await factors.createPasskey(first)).toBe(true);
      expect(await factors.createPasskey({ ...first, publicKey: "pk-other", counter: 5 })).toBe(false);
      expect(await factors.createPasskey(passkey(b.id, { id: first.id, publicKey: "pk-b" }))).toBe(false);
      expect(await factors.findPasskey(first.id)).toEqual(first);
      expect(await factors.listPasskeys(b.id)).toEqual([]);

      const orphan = passkey("no-such-user");
      await expect(factors.createPasskey(orphan)).rejects.toBeDefined();
      expect(await factors.findPasskey(orphan.id)).toBeNull();
      expect(await factors.listPasskeys("no-such-user")).toEqual([]);
    });

    itIf("secondFactors")("lists a user's passkeys oldest first, and only theirs", async () => {
      const { storage, factors } = withFactors(current);
      const [a, b] = [user(), user()];
      await storage.createUser(a);
      await storage.createUser(b);
      const [p1, p2, p3] = [passkey(a.id, { createdAt: later(1_000) }), passkey(a.id, { createdAt: later(2_000) }), passkey(a.id, { createdAt: later(3_000) })];
      const theirs = passkey(b.id, { createdAt: later(1_500) });
      for (const p of [p3, theirs, p1, p2]) await factors.createPasskey(p);
      expect(await factors.listPasskeys(a.id)).toEqual([p1, p2, p3]);
      expect(await factors.listPasskeys(b.id)).toEqual([theirs]);
      expect(await factors.listPasskeys("no-such-user")).toEqual([]);
    });

    itIf("secondFactors")("records a use: counter, backedUp and lastUsedAt change, nothing else; a missing passkey resolves false", async () => {
      const { storage, factors } = withFactors(current);
      const u = user();
      await storage.createUser(u);
      const p = passkey(u.id, { counter: 3, backedUp: false, deviceType: "multiDevice" });
      const other = passkey(u.id, { createdAt: later(1) });
      await factors.createPasskey(p);
      await factors.createPasskey(other);
      expect(await factors.updatePasskey(p.id, { counter: 4, backedUp: true, lastUsedAt: later(1_234) })).toBe(true);
      expect(await factors.findPasskey(p.id)).toEqual({ ...p, counter: 4, backedUp: true, lastUsedAt: later(1_234) });
      expect(await factors.updatePasskey(p.id, { counter: MAX_COUNTER, backedUp: false, lastUsedAt: later(5_678) })).toBe(true);
      expect(await factors.findPasskey(p.id)).toEqual({ ...p, counter: MAX_COUNTER, backedUp: false, lastUsedAt: later(5_678) });
      expect(await factors.updatePasskey(p.id, { counter: 0, backedUp: false, lastUsedAt: later(9_000) })).toBe(true); // the caller judges
      expect(await factors.findPasskey(p.id)).toEqual({ ...p, counter: 0, backedUp: false, lastUsedAt: later(9_000) });
      expect(await factors.findPasskey(other.id)).toEqual(other);
      expect(await factors.updatePasskey("no-such-passkey", { counter: 1, backedUp: false, lastUsedAt: T0 })).toBe(false);
      expect(await factors.findPasskey("no-such-passkey")).toBeNull();
      await factors.deletePasskey(u.id, p.id);
      expect(await factors.updatePasskey(p.id, { counter: 9, backedUp: true, lastUsedAt: T0 })).toBe(false); // deleted meanwhile
      expect(await factors.findPasskey(p.id)).toBeNull();
    });

    itIf("secondFactors")("deletes a user's own passkey only: another user's id leaves it untouched", async () => {
      const { storage, factors } = withFactors(current);
      const [a, b] = [user(), user()];
      await storage.createUser(a);
      await storage.createUser(b);
      const [mine, kept, theirs] = [passkey(a.id), passkey(a.id, { createdAt: later(1) }), passkey(b.id)];
      for (const p of [mine, kept, theirs]) await factors.createPasskey(p);
      expect(await factors.deletePasskey(a.id, theirs.id)).toBe(false);
      expect(await factors.findPasskey(theirs.id)).toEqual(theirs);
      expect(await factors.deletePasskey("no-such-user", theirs.id)).toBe(false);
      expect(await factors.deletePasskey(a.id, "no-such-passkey")).toBe(false);
      expect(await factors.deletePasskey(a.id, mine.id)).toBe(true);
      expect(await factors.deletePasskey(a.id, mine.id)).toBe(false);
      expect(await factors.findPasskey(mine.id)).toBeNull();
      expect(await factors.listPasskeys(a.id)).toEqual([kept]);
      expect(await factors.listPasskeys(b.id)).toEqual([theirs]);
      expect(await factors.createPasskey(passkey(b.id, { id: mine.id }))).toBe(true); // the id is free again
    });
  });

  describe("second factors: deleting a user", () => {
    itIf("secondFactors")("deleteUser takes the user's TOTP, recovery codes and passkeys, and nobody else's", async () => {
      const { storage, factors } = withFactors(current);
      const [a, b] = [user(), user()];
      for (const u of [a, b]) {
        await storage.createUser(u);
        await factors.setPendingTotp(u.id, `sealed-${u.id}`, T0);
        await factors.activateTotp({ userId: u.id, pendingSecret: `sealed-${u.id}`, step: 1, recoveryCodes: ["code-1", "code-2"], now: T0 });
        await factors.setPendingTotp(u.id, "sealed-next", T0);
      }
      const [pa, pb] = [passkey(a.id), passkey(b.id)];
      await factors.createPasskey(pa);
      await factors.createPasskey(pb);
      expect(await storage.deleteUser(a.id)).toBe(true);
      expect(await factors.findTotp(a.id)).toBeNull();
      expect(await factors.consumeRecoveryCode(a.id, "code-1")).toBe(false);
      expect(await factors.acceptTotpStep(a.id, 2)).toBe(false);
      expect(await factors.findPasskey(pa.id)).toBeNull();
      expect(await factors.listPasskeys(a.id)).toEqual([]);
      expect(await factors.updatePasskey(pa.id, { counter: 1, backedUp: true, lastUsedAt: T0 })).toBe(false);
      expect(await factors.setPendingTotp(a.id, "sealed-late", T0)).toBe(false);
      expect(await factors.findTotp(a.id)).toBeNull();
      expect(await factors.findTotp(b.id)).toMatchObject({ secret: `sealed-${b.id}`, pendingSecret: "sealed-next", recoveryCodes: 2 });
      expect(await factors.findPasskey(pb.id)).toEqual(pb);
      expect(await factors.consumeRecoveryCode(b.id, "code-1")).toBe(true);
    });
  });

  describe("second factors: passkey and deletion races", () => {
    itIf("secondFactors")(`of ${2 * n} concurrent creates of one passkey id, for two users, exactly one wins`, async () => {
      const { storage, factors } = withFactors(current);
      const [a, b] = [user(), user()];
      await storage.createUser(a);
      await storage.createUser(b);
      const id = randomId(43);
      const records = Array.from({ length: 2 * n }, (_, i) => passkey(i % 2 === 0 ? a.id : b.id, { id, publicKey: `pk-${i}` }));
      const results = await Promise.all(records.map((r) => factors.createPasskey(r)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = records[results.indexOf(true)]!;
      expect(await factors.findPasskey(id)).toEqual(winner);
      expect([...(await factors.listPasskeys(a.id)), ...(await factors.listPasskeys(b.id))]).toEqual([winner]);
    });

    itIf("secondFactors")(`deleteUser racing ${n} passkey creates and pending secrets leaves no second factor of the missing user`, async () => {
      const { storage, factors } = withFactors(current);
      const u = user();
      await storage.createUser(u);
      const records = Array.from({ length: n }, () => passkey(u.id));
      const half = Math.floor(n / 2);
      const calls: Promise<unknown>[] = [
        ...records.slice(0, half).map((r) => factors.createPasskey(r)),
        factors.setPendingTotp(u.id, "sealed-early", T0),
        storage.deleteUser(u.id),
        factors.setPendingTotp(u.id, "sealed-late", T0),
        ...records.slice(half).map((r) => factors.createPasskey(r)),
      ];
      const settled = await Promise.allSettled(calls);
      expect(settled[half + 1]).toEqual({ status: "fulfilled", value: true });
      expect(await storage.findUserById(u.id)).toBeNull();
      for (const r of records) expect(await factors.findPasskey(r.id)).toBeNull();
      expect(await factors.listPasskeys(u.id)).toEqual([]);
      expect(await factors.findTotp(u.id)).toBeNull();
    });
  });
}
