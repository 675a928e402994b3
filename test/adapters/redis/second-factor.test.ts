// redisStorage's secondFactors on a real Redis: the compare-and-sets under 50 concurrent callers, deleteUser taking
// every second-factor key with the user (also while a passkey is being created), the integer bounds, no expiry,
// strict decoding, and errors that carry no values.
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StorageAdapter } from "auth-skill";
import type { PasskeyRecord, SecondFactorStorage } from "../../../src/storage/second-factor.js";
import { redisStorage } from "auth-skill/redis";
import { userRecord } from "auth-skill/testing";
import { serverUrl } from "../../support/servers.js";
import { connect, deletePrefix, randomPrefix, scanAll } from "./helpers.js";

const url = serverUrl("redis");
const T = new Date("2026-03-01T00:00:00.000Z");
const at = (s: number) => new Date(T.getTime() + s * 1000);
const STEP = 59_000_000;
const N = 50;

const passkey = (userId: string, id: string, overrides: Partial<PasskeyRecord> = {}): PasskeyRecord => ({
  id,
  userId,
  userHandle: `handle-${userId}`,
  publicKey: "pQECAyYgASFYIPUBLICKEYCANARY",
  counter: 0,
  transports: ["internal", "hybrid"],
  deviceType: "multiDevice",
  backedUp: true,
  name: null,
  createdAt: T,
  lastUsedAt: null,
  ...overrides,
});

describe.skipIf(!url)("redisStorage secondFactors", () => {
  const client = connect(url);
  let prefix: string;
  let storage: StorageAdapter;
  let sf: SecondFactorStorage;
  const key = (name: string) => `{${prefix}}${name}`;
  const newUser = async () => {
    const u = userRecord();
    await storage.createUser(u);
    return u.id;
  };
  /** A user with a confirmed secret `s1`, step STEP used, recovery codes c1..c3. */
  const enrolled = async () => {
    const id = await newUser();
    expect(await sf.setPendingTotp(id, "s1", T)).toBe(true);
    expect(await sf.activateTotp({ userId: id, pendingSecret: "s1", step: STEP, recoveryCodes: ["c1", "c2", "c3"], now: T })).toBe(true);
    return id;
  };

  beforeEach(() => {
    prefix = randomPrefix();
    storage = redisStorage({ client, prefix });
    sf = storage.secondFactors!;
  });
  afterEach(() => deletePrefix(client, prefix));

  it("enrols, confirms, uses steps and codes, and deletes; the user's twoFactorEnabled follows", async () => {
    expect(await sf.setPendingTotp("nobody", "s0", T)).toBe(false);
    expect(await scanAll(client, `{${prefix}}*`)).toEqual([]); // nothing written for a missing user
    const id = await newUser();
    expect((await storage.findUserById(id))?.twoFactorEnabled).toBeUndefined();
    expect(await sf.setPendingTotp(id, "s1", T)).toBe(true);
    expect(await sf.findTotp(id)).toEqual({ userId: id, secret: null, pendingSecret: "s1", lastStep: null, recoveryCodes: 0, updatedAt: T });
    expect(await sf.acceptTotpStep(id, STEP)).toBe(false); // nothing confirmed yet
    expect(await sf.replaceRecoveryCodes(id, ["x"], T)).toBe(false);
    expect(await sf.activateTotp({ userId: id, pendingSecret: "other", step: STEP, recoveryCodes: ["c1"], now: at(1) })).toBe(false);
    expect(await sf.activateTotp({ userId: id, pendingSecret: "s1", step: STEP, recoveryCodes: ["c1", "c2"], now: at(1) })).toBe(true);
    expect(await sf.activateTotp({ userId: id, pendingSecret: "s1", step: STEP, recoveryCodes: ["c1", "c2"], now: at(1) })).toBe(false);
    expect(await sf.findTotp(id)).toEqual({ userId: id, secret: "s1", pendingSecret: null, lastStep: STEP, recoveryCodes: 2, updatedAt: at(1) });
    expect((await storage.findUserById(id))?.twoFactorEnabled).toBe(true);
    expect((await storage.updateUser(id, { name: "N" })).ok && (await storage.findUserById(id))?.twoFactorEnabled).toBe(true);

    expect(await sf.acceptTotpStep(id, STEP)).toBe(false); // the confirming code's step
    expect(await sf.acceptTotpStep(id, STEP - 1)).toBe(false);
    expect(await sf.acceptTotpStep(id, STEP + 1)).toBe(true);
    expect(await sf.acceptTotpStep(id, STEP + 1)).toBe(false);

    // a new pending secret keeps the confirmed one, its step and codes
    expect(await sf.setPendingTotp(id, "s2", at(2))).toBe(true);
    expect(await sf.findTotp(id)).toEqual({ userId: id, secret: "s1", pendingSecret: "s2", lastStep: STEP + 1, recoveryCodes: 2, updatedAt: at(2) });
    expect(await sf.acceptTotpStep(id, STEP + 2)).toBe(true);

    expect(await sf.consumeRecoveryCode(id, "c1")).toBe(true);
    expect(await sf.consumeRecoveryCode(id, "c1")).toBe(false);
    expect(await sf.consumeRecoveryCode(id, "nope")).toBe(false);
    expect(await sf.replaceRecoveryCodes(id, ["d1", "d2", "d3"], at(3))).toBe(true);
    expect(await sf.consumeRecoveryCode(id, "c2")).toBe(false); // the old set is void
    expect(await sf.findTotp(id)).toMatchObject({ recoveryCodes: 3, updatedAt: at(3) });

    expect(await sf.deleteTotp(id)).toBe(true);
    expect(await sf.deleteTotp(id)).toBe(false);
    expect(await sf.findTotp(id)).toBeNull();
    expect(await sf.consumeRecoveryCode(id, "d1")).toBe(false);
    expect((await storage.findUserById(id))?.twoFactorEnabled).toBe(false);
    expect(await sf.deleteTotp("nobody")).toBe(false);
    expect(await client.exists(key("user:nobody"))).toBe(0); // the flag is never written to a missing user
  });

  it(`of ${N} concurrent acceptTotpStep, consumeRecoveryCode and activateTotp calls exactly one wins`, async () => {
    const id = await enrolled();
    const steps = await Promise.all(Array.from({ length: N }, () => sf.acceptTotpStep(id, STEP + 1)));
    expect(steps.filter(Boolean)).toHaveLength(1);
    const codes = await Promise.all(Array.from({ length: N }, () => sf.consumeRecoveryCode(id, "c2")));
    expect(codes.filter(Boolean)).toHaveLength(1);
    expect(await sf.findTotp(id)).toMatchObject({ lastStep: STEP + 1, recoveryCodes: 2 });

    const other = await newUser();
    await sf.setPendingTotp(other, "p", T);
    const input = { userId: other, pendingSecret: "p", step: STEP, recoveryCodes: ["r1", "r2"], now: T };
    const activations = await Promise.all(Array.from({ length: N }, () => sf.activateTotp(input)));
    expect(activations.filter(Boolean)).toHaveLength(1);

    // racing steps: each one once, the highest ends up as lastStep
    const mixed = await Promise.all(Array.from({ length: N }, (_, i) => sf.acceptTotpStep(other, STEP + 1 + (i % 5))));
    expect(mixed.filter(Boolean).length).toBeGreaterThanOrEqual(1);
    expect(mixed.filter(Boolean).length).toBeLessThanOrEqual(5);
    expect((await sf.findTotp(other))?.lastStep).toBe(STEP + 5);
  });

  it(`stores passkeys: one of ${N} concurrent creates of one id wins; lists oldest first; updates; deletes only its own`, async () => {
    const a = await newUser();
    const b = await newUser();
    await expect(sf.createPasskey(passkey("nobody", "k0"))).rejects.toThrow();
    const created = await Promise.all(Array.from({ length: N }, (_, i) => sf.createPasskey(passkey(i % 2 ? a : b, "k1"))));
    expect(created.filter(Boolean)).toHaveLength(1);
    const owner = (await sf.findPasskey("k1"))!.userId;
    const stranger = owner === a ? b : a;
    expect(
      await sf.createPasskey(passkey(owner, "k3", { createdAt: at(-10), name: "Laptop", deviceType: "singleDevice", backedUp: false, transports: [] })),
    ).toBe(true);
    expect(await sf.createPasskey(passkey(owner, "k2", { createdAt: at(10) }))).toBe(true);
    expect((await sf.listPasskeys(owner)).map((p) => p.id)).toEqual(["k3", "k1", "k2"]);
    expect(await sf.listPasskeys(stranger)).toEqual([]);
    expect(await sf.findPasskey("k3")).toEqual(
      passkey(owner, "k3", { createdAt: at(-10), name: "Laptop", deviceType: "singleDevice", backedUp: false, transports: [] }),
    );
    expect(await sf.findPasskey("missing")).toBeNull();

    expect(await sf.updatePasskey("k1", { counter: 2 ** 32 - 1, backedUp: false, lastUsedAt: at(5) })).toBe(true);
    expect(await sf.findPasskey("k1")).toEqual(passkey(owner, "k1", { counter: 2 ** 32 - 1, backedUp: false, lastUsedAt: at(5) }));
    expect(await sf.updatePasskey("missing", { counter: 1, backedUp: true, lastUsedAt: T })).toBe(false);
    expect(await client.exists(key("passkey:missing"))).toBe(0);

    expect(await sf.deletePasskey(stranger, "k1")).toBe(false);
    expect(await sf.findPasskey("k1")).not.toBeNull();
    expect(await sf.deletePasskey(owner, "k1")).toBe(true);
    expect(await sf.deletePasskey(owner, "k1")).toBe(false);
    expect((await sf.listPasskeys(owner)).map((p) => p.id)).toEqual(["k3", "k2"]);
    expect(await sf.createPasskey(passkey(stranger, "k1"))).toBe(true); // a deleted id is free again
  });

  it("deleteUser removes the TOTP enrolment, recovery codes, passkeys and their index; none of those keys expires", async () => {
    const id = await enrolled();
    await sf.createPasskey(passkey(id, "p1"));
    await sf.createPasskey(passkey(id, "p2", { createdAt: at(1) }));
    const keep = await enrolled();
    await sf.createPasskey(passkey(keep, "p3"));
    for (const k of [`totp:${id}`, `recovery-codes:${id}`, "passkey:p1", `user-passkeys:${id}`]) {
      expect(await client.pttl(key(k))).toBe(-1);
    }
    expect(await storage.deleteUser(id)).toBe(true);
    const left = await scanAll(client, `{${prefix}}*`);
    expect(left.filter((k) => k.includes(id) || /passkey:p[12]$/.test(k))).toEqual([]);
    expect(await sf.findTotp(id)).toBeNull();
    expect(await sf.findPasskey("p1")).toBeNull();
    expect(await sf.findTotp(keep)).toMatchObject({ secret: "s1", recoveryCodes: 3 }); // another user's stay
    expect(await sf.findPasskey("p3")).not.toBeNull();
  });

  it("a passkey created between deleteUser's reads and its script is deleted too (the script re-checks the index)", async () => {
    const id = await newUser();
    await sf.createPasskey(passkey(id, "before"));
    let created: Promise<boolean> | undefined;
    // A client that, the first time the user's passkey index is read, creates a passkey before answering.
    const interposing = new Proxy(client, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (prop === "zrange" && created === undefined) {
          return async (...args: Parameters<typeof target.zrange>) => {
            const ids = await target.zrange(...args);
            created = sf.createPasskey(passkey(id, "between"));
            await created;
            return ids;
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    expect(await redisStorage({ client: interposing, prefix }).deleteUser(id)).toBe(true);
    expect(await created).toBe(true);
    expect(await sf.findPasskey("between")).toBeNull();
    expect(await sf.findPasskey("before")).toBeNull();
    // once the user is gone, a create is refused inside the script: nothing is written
    await expect(sf.createPasskey(passkey(id, "after"))).rejects.toThrow();
    expect(await scanAll(client, `{${prefix}}*`)).toEqual([]);
  });

  it("of createPasskey calls racing deleteUser, none leaves a passkey of the deleted user", async () => {
    for (let round = 0; round < 10; round++) {
      const id = await newUser();
      const creates = Array.from({ length: 6 }, (_, i) =>
        new Promise((resolve) => setTimeout(resolve, i % 3)).then(() => sf.createPasskey(passkey(id, `r${round}-${i}`))),
      );
      const results = await Promise.allSettled([storage.deleteUser(id), ...creates]);
      expect(results[0]).toEqual({ status: "fulfilled", value: true });
      for (let i = 0; i < 6; i++) expect(await sf.findPasskey(`r${round}-${i}`)).toBeNull();
    }
    expect(await scanAll(client, `{${prefix}}*`)).toEqual([]);
  });

  it("keeps steps exact up to 2^53 - 1, refuses steps and counters it cannot store (TypeError, nothing written)", async () => {
    const id = await enrolled();
    const max = Number.MAX_SAFE_INTEGER;
    expect(await sf.acceptTotpStep(id, max - 1)).toBe(true);
    expect(await sf.acceptTotpStep(id, max - 1)).toBe(false);
    expect(await sf.acceptTotpStep(id, max)).toBe(true);
    expect((await sf.findTotp(id))?.lastStep).toBe(max);
    const fresh = await enrolled();
    const bad = [Number.NaN, 1.5, -1, max + 1, Number.POSITIVE_INFINITY, "7" as unknown as number];
    const refused = await Promise.allSettled(bad.map((step) => sf.acceptTotpStep(fresh, step)));
    for (const r of refused) expect(r.status === "rejected" && r.reason instanceof TypeError).toBe(true);
    expect((await sf.findTotp(fresh))?.lastStep).toBe(STEP);
    const a = await newUser();
    for (const counter of [-1, 2 ** 32, 0.5, Number.NaN]) {
      await expect(sf.createPasskey(passkey(a, "bad", { counter }))).rejects.toThrow(TypeError);
    }
    await expect(sf.createPasskey(passkey(a, "bad", { createdAt: new Date(Number.NaN) }))).rejects.toThrow(TypeError);
    expect(await client.exists(key("passkey:bad"))).toBe(0);
  });

  it("reads malformed stored fields as errors, and its errors carry no values", async () => {
    const id = await enrolled();
    await client.hset(key(`user:${id}`), "twoFactorEnabled", "yes");
    await expect(storage.findUserById(id)).rejects.toThrow(/twoFactorEnabled/);
    await client.hset(key(`totp:${id}`), "lastStep", "soon");
    await expect(sf.findTotp(id)).rejects.toThrow(/lastStep/);
    await expect(sf.acceptTotpStep(id, STEP + 1)).rejects.toThrow();
    const a = await newUser();
    await sf.createPasskey(passkey(a, "pk"));
    await client.hset(key("passkey:pk"), "deviceType", "phone");
    await expect(sf.findPasskey("pk")).rejects.toThrow(/deviceType/);

    const err = await sf.createPasskey(passkey("ghost-user-canary", "pk-canary")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(inspect(err, { depth: 10 })).not.toMatch(/canary|CANARY|\{t-/i);
  });
});
