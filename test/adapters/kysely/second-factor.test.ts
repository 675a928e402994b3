// The Kysely adapter's second factors beyond the conformance suite: races over a pool of many connections (so the
// database, not a queue, decides), the widths of the columns (steps past 2^31, counters up to 2^32-1, credential ids of
// 1,023 bytes), what a failure carries (no stored value), and stored values that do not parse.
import { afterAll, describe, expect, it } from "vitest";
import { sql, type Kysely } from "kysely";
import { KyselyStorageError, type KyselyStorage } from "auth-skill/kysely";
import { userRecord } from "auth-skill/testing";
import type { PasskeyRecord } from "../../../src/storage/second-factor.js";
import { randomId } from "../../../src/ids.js";
import { rejectsWith } from "../../helpers.js";
import { allTargets, dropTables, freshStorage, serverTargets } from "./helpers.js";

const T0 = new Date("2026-01-01T00:00:00.000Z");
const N = 50;
const race = <T>(f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: N }, (_, i) => f(i)));
const passkey = (userId: string, overrides: Partial<PasskeyRecord> = {}): PasskeyRecord => ({
  id: randomId(22),
  userId,
  userHandle: randomId(22),
  publicKey: "pQECAyYgASFYIPublicKeyBytes",
  counter: 0,
  transports: ["internal", "hybrid"],
  deviceType: "singleDevice",
  backedUp: false,
  name: "laptop",
  createdAt: T0,
  lastUsedAt: null,
  ...overrides,
});

async function enrolled(storage: KyselyStorage, codes: string[] = ["code-a", "code-b"]) {
  const u = userRecord({ createdAt: T0, updatedAt: T0 });
  await storage.createUser(u);
  await storage.secondFactors.setPendingTotp(u.id, "sealed-secret", T0);
  expect(await storage.secondFactors.activateTotp({ userId: u.id, pendingSecret: "sealed-secret", step: 10, recoveryCodes: codes, now: T0 })).toBe(true);
  return u;
}

for (const target of serverTargets()) {
  describe(`kysely ${target.dialect}: second-factor races over ${N} connections`, () => {
    let db: Kysely<any> | undefined;
    const pool = () => (db ??= target.connect(N));
    afterAll(async () => {
      await db?.destroy();
    });

    it(`of ${N} concurrent acceptTotpStep with one step exactly one wins, then a later step once more`, async () => {
      const storage = await freshStorage(pool());
      try {
        const u = await enrolled(storage);
        expect((await race(() => storage.secondFactors.acceptTotpStep(u.id, 11))).filter(Boolean)).toHaveLength(1);
        expect((await race(() => storage.secondFactors.acceptTotpStep(u.id, 11))).filter(Boolean)).toHaveLength(0); // replay
        expect((await race(() => storage.secondFactors.acceptTotpStep(u.id, 12))).filter(Boolean)).toHaveLength(1);
        expect((await storage.secondFactors.findTotp(u.id))?.lastStep).toBe(12);
      } finally {
        await dropTables(pool(), storage);
      }
    });

    it(`of ${N} concurrent activations, recovery-code uses and passkey creations with one input exactly one wins each`, async () => {
      const storage = await freshStorage(pool());
      try {
        const u = userRecord({ createdAt: T0, updatedAt: T0 });
        await storage.createUser(u);
        await storage.secondFactors.setPendingTotp(u.id, "sealed", T0);
        const input = { userId: u.id, pendingSecret: "sealed", step: 5, recoveryCodes: ["r1", "r2", "r3"], now: T0 };
        expect((await race(() => storage.secondFactors.activateTotp(input))).filter(Boolean)).toHaveLength(1);
        expect(await storage.findUserById(u.id)).toMatchObject({ twoFactorEnabled: true });
        expect((await race(() => storage.secondFactors.consumeRecoveryCode(u.id, "r2"))).filter(Boolean)).toHaveLength(1);
        expect((await storage.secondFactors.findTotp(u.id))?.recoveryCodes).toBe(2);
        const p = passkey(u.id);
        expect((await race(() => storage.secondFactors.createPasskey(p))).filter(Boolean)).toHaveLength(1);
        expect(await storage.secondFactors.listPasskeys(u.id)).toEqual([p]);
      } finally {
        await dropTables(pool(), storage);
      }
    });

    it("deleteUser racing activations and passkey creations leaves no second factor behind", async () => {
      const storage = await freshStorage(pool());
      try {
        const u = userRecord({ createdAt: T0, updatedAt: T0 });
        await storage.createUser(u);
        await storage.secondFactors.setPendingTotp(u.id, "sealed", T0);
        const input = { userId: u.id, pendingSecret: "sealed", step: 5, recoveryCodes: ["r1"], now: T0 };
        const settled = await Promise.allSettled([
          ...Array.from({ length: 10 }, () => storage.secondFactors.activateTotp(input)),
          ...Array.from({ length: 10 }, () => storage.secondFactors.createPasskey(passkey(u.id))),
          storage.deleteUser(u.id),
          ...Array.from({ length: 10 }, () => storage.secondFactors.acceptTotpStep(u.id, 6)),
        ]);
        for (const s of settled) if (s.status === "rejected") expect(s.reason).toBeInstanceOf(KyselyStorageError); // a passkey for a deleted user
        expect(await storage.findUserById(u.id)).toBeNull();
        for (const table of [storage.tables.totp, storage.tables.recoveryCodes, storage.tables.passkeys]) {
          expect(await pool().selectFrom(table).selectAll().execute()).toEqual([]);
        }
      } finally {
        await dropTables(pool(), storage);
      }
    });
  });
}

for (const target of allTargets()) {
  describe(`kysely ${target.dialect}: second-factor columns and failures`, () => {
    it("keeps steps past 2^31 and 2^32, counters up to 2^32-1 and credential ids of 1,023 bytes", async () => {
      const storage = await freshStorage(target.db());
      try {
        const u = await enrolled(storage);
        const big = 2 ** 40 + 3;
        expect(await storage.secondFactors.acceptTotpStep(u.id, 2 ** 31 + 1)).toBe(true);
        expect(await storage.secondFactors.acceptTotpStep(u.id, big)).toBe(true);
        expect(await storage.secondFactors.acceptTotpStep(u.id, big)).toBe(false);
        expect(await storage.secondFactors.acceptTotpStep(u.id, 2 ** 31 + 2)).toBe(false); // lower than the last one
        expect((await storage.secondFactors.findTotp(u.id))?.lastStep).toBe(big);
        const p = passkey(u.id, { id: Buffer.alloc(1023, 7).toString("base64url"), counter: 0xffff_ffff, deviceType: "multiDevice", backedUp: true });
        expect(p.id).toHaveLength(1364);
        expect(await storage.secondFactors.createPasskey(p)).toBe(true);
        expect(await storage.secondFactors.findPasskey(p.id)).toEqual(p);
        const use = { counter: 0xffff_ffff, backedUp: true, lastUsedAt: T0 };
        expect(await storage.secondFactors.updatePasskey(p.id, use)).toBe(true);
        expect(await storage.secondFactors.updatePasskey(p.id, use)).toBe(true); // the same values again: still there
        expect(await storage.secondFactors.updatePasskey("missing", use)).toBe(false);
        await expect(storage.secondFactors.updatePasskey(p.id, { ...use, counter: 2 ** 32 })).rejects.toThrow(TypeError);
        await expect(storage.secondFactors.acceptTotpStep(u.id, 1.5)).rejects.toThrow(TypeError);
      } finally {
        await dropTables(target.db(), storage);
      }
    });

    it("a passkey for a missing user is a STORAGE_ERROR that carries no stored value; a taken id is false", async () => {
      const storage = await freshStorage(target.db());
      try {
        const canary = `canary${randomId(16)}`;
        const p = passkey(`user${canary}`, { id: `id${canary}`, userHandle: `h${canary}`, publicKey: `pk${canary}`, name: canary });
        const failure = await rejectsWith(storage.secondFactors.createPasskey(p), "STORAGE_ERROR");
        expect(failure).toBeInstanceOf(KyselyStorageError);
        const cause = failure.cause as Error;
        for (const text of [failure.message, cause.message, cause.stack ?? "", JSON.stringify(failure), JSON.stringify(cause)])
          expect(text).not.toContain(canary);
        const u = await enrolled(storage);
        const taken = passkey(u.id, { id: `id${canary}`, publicKey: `pk${canary}` });
        expect(await storage.secondFactors.createPasskey(taken)).toBe(true);
        expect(await storage.secondFactors.createPasskey(passkey(u.id, { id: taken.id }))).toBe(false);
        expect(await storage.secondFactors.findPasskey(taken.id)).toEqual(taken);
      } finally {
        await dropTables(target.db(), storage);
      }
    });

    it("stored transports or a device type that do not parse are an error, never another value", async () => {
      const storage = await freshStorage(target.db());
      try {
        const u = await enrolled(storage);
        const p = passkey(u.id);
        await storage.secondFactors.createPasskey(p);
        await target.db().updateTable(storage.tables.passkeys).set({ transports: "usb,nfc" }).where("id", "=", p.id).execute();
        await rejectsWith(storage.secondFactors.findPasskey(p.id), "STORAGE_ERROR");
        await target.db().updateTable(storage.tables.passkeys).set({ transports: "[]", device_type: "other" }).where("id", "=", p.id).execute();
        await rejectsWith(storage.secondFactors.listPasskeys(u.id), "STORAGE_ERROR");
        const count = await sql<{ n: unknown }>`select count(*) as n from ${sql.table(storage.tables.recoveryCodes)}`.execute(target.db());
        expect(Number(count.rows[0]?.n)).toBe(2);
      } finally {
        await dropTables(target.db(), storage);
      }
    });
  });
}
