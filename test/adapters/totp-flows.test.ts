// The TOTP sign-in flow on every storage adapter — memoryStorage, kyselyStorage on SQLite, PostgreSQL and MySQL, and
// redisStorage — with real otplib and argon2: enrol and confirm, the challenge that stores no session, the session's
// amr, each step once, one session of 20 concurrent right answers from 20 instances sharing the storage, recovery
// codes once, and removal. Servers come from the environment (test/support/servers.ts: missing ones fail under CI).
import { generate, ScureBase32Plugin } from "otplib";
import { afterAll, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import { kyselyStorage, type KyselyStorage } from "auth-skill/kysely";
import { redisStorage } from "auth-skill/redis";
import { AuthSkill, type MfaChallenge, memoryStorage, type StorageAdapter } from "../../src/index.js";
import { insecureTestHasher } from "../../src/testing/test-hasher.js";
import { totp } from "../../src/totp/index.js";
import { dropTables, freshStorage, randomPrefix as tablePrefix, serverTarget, sqliteDb } from "./kysely/helpers.js";
import { connect, deletePrefix, randomPrefix } from "./redis/helpers.js";
import { serverUrl } from "../support/servers.js";

const SECRET = "totp-adapters-test-secret-0123456789abcdefABCDEF";
const PASSWORD = "a long enough passphrase 42";
const base32 = new ScureBase32Plugin();
const N = 20;

/** A storage with empty tables (or keys) and how to remove it. */
interface Backend {
  name: string;
  make: () => Promise<{ storage: StorageAdapter; done: () => Promise<void> }>;
}

const backends: Backend[] = [
  { name: "memoryStorage", make: async () => ({ storage: memoryStorage(), done: async () => undefined }) },
  {
    name: "kyselyStorage on SQLite",
    make: async () => {
      const db = sqliteDb();
      const storage = kyselyStorage({ db, tablePrefix: tablePrefix() });
      await storage.migrate();
      return { storage, done: () => db.destroy() };
    },
  },
];
for (const server of ["pg", "mysql"] as const) {
  const target = serverTarget(server);
  if (!target) continue; // serverTarget registered the notice (or the failing test under CI)
  backends.push({
    name: `kyselyStorage on ${target.dialect}`,
    make: async () => {
      const db: Kysely<any> = target.db();
      const storage: KyselyStorage = await freshStorage(db);
      return { storage, done: () => dropTables(db, storage) };
    },
  });
}
const redisUrl = serverUrl("redis");
if (redisUrl) {
  const client = connect(redisUrl);
  backends.push({
    name: "redisStorage",
    make: async () => {
      const prefix = randomPrefix();
      return { storage: redisStorage({ client, prefix }), done: () => deletePrefix(client, prefix) };
    },
  });
}

const challenge = (r: unknown): MfaChallenge => {
  expect(r).toMatchObject({ mfaRequired: true });
  return r as MfaChallenge;
};

for (const backend of backends) {
  describe(`TOTP sign-in on ${backend.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const done of cleanups) await done();
    });

    /** N instances sharing one storage and one clock (near the real time: Redis expires keys on its own clock). */
    async function enrolled(email = "ada@example.com") {
      const { storage, done } = await backend.make();
      cleanups.push(done);
      let clock = Math.floor(Date.now() / 30_000) * 30_000 + 5_000;
      const make = () =>
        new AuthSkill({ secret: SECRET, storage, now: () => new Date(clock), password: { hasher: insecureTestHasher() }, totp: totp({ issuer: "Example" }) });
      const auth = make();
      const up = await auth.signup({ email, password: PASSWORD });
      const { secret } = await auth.totp.enroll(up.user.id);
      const codeAt = (offsetSteps = 0) => generate({ secret: base32.decode(secret), epoch: Math.floor(clock / 1000) + offsetSteps * 30 });
      const { recoveryCodes } = await auth.totp.confirm(up.user.id, await codeAt());
      clock += 30_000; // the confirming step is used
      const signin = async (a = auth) => challenge(await a.signin({ email, password: PASSWORD }));
      return { auth, make, storage, user: up.user, codeAt, recoveryCodes, signin, now: () => new Date(clock), tick: (ms: number) => (clock += ms) };
    }

    it("signin answers mfaRequired and stores no session; the code gives a session with amr pwd, otp, mfa", async () => {
      const t = await enrolled();
      await expect(t.auth.totp.status(t.user.id)).resolves.toEqual({ enabled: true, pending: false, recoveryCodes: 10 });
      const before = (await t.storage.listUserSessions(t.user.id, t.now())).map((s) => s.id).sort();
      const c = await t.signin();
      expect(c.methods).toEqual(["totp", "recovery-code"]);
      expect((await t.storage.listUserSessions(t.user.id, t.now())).map((s) => s.id).sort()).toEqual(before);
      const session = await t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code: await t.codeAt() });
      expect((await t.auth.verifyAccessToken(session.accessToken)).amr).toEqual(["pwd", "otp", "mfa"]);
      expect((await t.storage.listUserSessions(t.user.id, t.now())).map((s) => s.id)).toContain(session.sessionId);
      // the challenge is spent
      await expect(t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code: await t.codeAt(1) })).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    });

    it("refuses the same code under a new challenge (each step once per user)", async () => {
      const t = await enrolled();
      const code = await t.codeAt();
      await t.auth.verifySecondFactor({ mfaToken: (await t.signin()).mfaToken, code });
      const again = await t.signin();
      await expect(t.auth.verifySecondFactor({ mfaToken: again.mfaToken, code })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
      await expect(t.auth.verifySecondFactor({ mfaToken: again.mfaToken, code: await t.codeAt(-1) })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
      await expect(t.auth.verifySecondFactor({ mfaToken: again.mfaToken, code: await t.codeAt(1) })).resolves.toHaveProperty("accessToken");
    });

    it(`of ${N} concurrent verifySecondFactor with the right code on one challenge from ${N} instances, exactly one session`, async () => {
      const t = await enrolled();
      const instances = Array.from({ length: N }, t.make);
      const c = await t.signin(instances[0]);
      const before = (await t.storage.listUserSessions(t.user.id, t.now())).length;
      const code = await t.codeAt();
      const results = await Promise.allSettled(instances.map((a) => a.verifySecondFactor({ mfaToken: c.mfaToken, code })));
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(["INVALID_CREDENTIALS", "TOKEN_INVALID"]).toContain((r.reason as { code?: string }).code);
      expect((await t.storage.listUserSessions(t.user.id, t.now())).length).toBe(before + 1);
    });

    it("takes a recovery code once", async () => {
      const t = await enrolled();
      const session = await t.auth.verifySecondFactor({ mfaToken: (await t.signin()).mfaToken, recoveryCode: t.recoveryCodes[3]! });
      expect((await t.auth.verifyAccessToken(session.accessToken)).amr).toEqual(["pwd", "rc", "mfa"]);
      const again = await t.signin();
      await expect(t.auth.verifySecondFactor({ mfaToken: again.mfaToken, recoveryCode: t.recoveryCodes[3]! })).rejects.toMatchObject({
        code: "INVALID_CREDENTIALS",
      });
      await expect(t.auth.totp.status(t.user.id)).resolves.toMatchObject({ recoveryCodes: 9 });
    });

    it("disable removes the factor: the next signin gives a session at once", async () => {
      const t = await enrolled();
      await t.auth.totp.disable(t.user.id, { code: await t.codeAt() });
      await expect(t.auth.totp.status(t.user.id)).resolves.toEqual({ enabled: false, pending: false, recoveryCodes: 0 });
      expect((await t.storage.findUserById(t.user.id))?.twoFactorEnabled).not.toBe(true);
      const session = await t.auth.signin({ email: "ada@example.com", password: PASSWORD });
      expect(session).toHaveProperty("accessToken");
      expect((await t.auth.verifyAccessToken((session as { accessToken: string }).accessToken)).amr).toEqual(["pwd"]);
    });
  });
}
