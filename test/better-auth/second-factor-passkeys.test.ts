// bridge.storage.secondFactors' passkeys on the table of Better Auth's passkey plugin (@better-auth/passkey). The
// plugin is not installed here: the table is made as its migration makes it from its schema (id, name, publicKey,
// userId → user.id, credentialID, counter, deviceType, backedUp, transports, createdAt, updatedAt, aaguid), and
// rows are written as its verify-registration writes them (publicKey standard base64, transports comma-joined).
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { PasskeyRecord, SecondFactorStorage } from "../../src/storage/second-factor.js";
import { rejectsWith } from "../helpers.js";
import { betterAuthSignup, DIALECTS, stack, type Stack } from "./support.js";
import { passkeyTable } from "./two-factor-support.js";

const PASSWORD = "a long passphrase 42";
const factors = (s: Stack): SecondFactorStorage => s.bridge.storage.secondFactors!;

const record = (userId: string, over: Partial<PasskeyRecord> = {}): PasskeyRecord => ({
  id: randomBytes(16).toString("base64url"),
  userId,
  userHandle: randomBytes(16).toString("base64url"),
  publicKey: randomBytes(77).toString("base64url"),
  counter: 0,
  transports: ["internal", "hybrid"],
  deviceType: "multiDevice",
  backedUp: true,
  name: "Laptop",
  createdAt: new Date(Date.now() - 60_000),
  lastUsedAt: null,
  ...over,
});

for (const dialect of DIALECTS) {
  describe(`better-auth bridge (${dialect}): passkeys on Better Auth's passkey table`, () => {
    let s: Stack | undefined;
    afterEach(async () => {
      await s?.close();
      s = undefined;
    });

    it("stores a passkey as Better Auth's plugin writes one, and reads it back (50 creations at once: one wins)", async () => {
      s = await stack(dialect);
      await passkeyTable(s);
      const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
      const key = record(ada.userId);
      const wins = await Promise.all(Array.from({ length: 50 }, () => factors(s!).createPasskey(key)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      const rows = await s.db.selectFrom("passkey").selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        credentialID: key.id,
        userId: ada.userId,
        publicKey: Buffer.from(key.publicKey, "base64url").toString("base64"),
        counter: 0,
        deviceType: "multiDevice",
        transports: "internal,hybrid",
        name: "Laptop",
      });
      expect(rows[0]!.id).not.toBe(key.id);
      expect(await factors(s).findPasskey(key.id)).toEqual(key);
      expect(await factors(s).createPasskey(record(ada.userId, { id: key.id }))).toBe(false);
      await rejectsWith(factors(s).createPasskey(record("no-such-user")), "STORAGE_ERROR");
    });

    it("reads a passkey Better Auth registered (no user handle kept there), lists oldest first, updates and deletes", async () => {
      s = await stack(dialect);
      await passkeyTable(s);
      const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
      const bob = await betterAuthSignup(s, "bob@example.com", PASSWORD);
      const publicKey = randomBytes(77);
      const created = new Date(Date.now() - 3_600_000);
      await s.db
        .insertInto("passkey")
        .values({
          id: "ba-row-id",
          name: null,
          publicKey: publicKey.toString("base64"),
          userId: ada.userId,
          credentialID: "credential-from-better-auth",
          counter: 7,
          deviceType: "singleDevice",
          backedUp: dialect === "sqlite" ? 0 : false,
          transports: "usb",
          createdAt: dialect === "sqlite" ? created.toISOString() : created,
          aaguid: "00000000-0000-0000-0000-000000000000",
        })
        .execute();
      const theirs = await factors(s).findPasskey("credential-from-better-auth");
      expect(theirs).toEqual({
        id: "credential-from-better-auth",
        userId: ada.userId,
        userHandle: "",
        publicKey: publicKey.toString("base64url"),
        counter: 7,
        transports: ["usb"],
        deviceType: "singleDevice",
        backedUp: false,
        name: null,
        createdAt: created,
        lastUsedAt: null,
      });
      const ours = record(ada.userId, { transports: [] });
      await factors(s).createPasskey(ours);
      await factors(s).createPasskey(record(bob.userId));
      expect((await factors(s).listPasskeys(ada.userId)).map((p) => p.id)).toEqual(["credential-from-better-auth", ours.id]);
      const used = new Date();
      expect(await factors(s).updatePasskey("credential-from-better-auth", { counter: 8, backedUp: true, lastUsedAt: used })).toBe(true);
      expect(await factors(s).findPasskey("credential-from-better-auth")).toMatchObject({ counter: 8, backedUp: true, lastUsedAt: used, userHandle: "" });
      expect(await factors(s).updatePasskey("gone", { counter: 1, backedUp: false, lastUsedAt: used })).toBe(false);
      expect(await factors(s).deletePasskey(bob.userId, ours.id)).toBe(false); // another user's passkey
      expect(await factors(s).deletePasskey(ada.userId, ours.id)).toBe(true);
      expect(await factors(s).findPasskey(ours.id)).toBeNull();
      expect(await s.bridge.storage.deleteUser(ada.userId)).toBe(true);
      expect(await factors(s).listPasskeys(ada.userId)).toEqual([]);
      expect(await s.db.selectFrom("authSkillPasskey").select("userId").where("userId", "=", ada.userId).execute()).toEqual([]);
      expect(await factors(s).listPasskeys(bob.userId)).toHaveLength(1);
    });

    it("a counter beyond Better Auth's integer column is kept whole here and capped there; a later Better Auth use counts", async () => {
      s = await stack(dialect);
      await passkeyTable(s);
      const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
      const key = record(ada.userId, { counter: 2 ** 32 - 1, publicKey: "not-canonical-base64url-key" });
      expect(await factors(s).createPasskey(key)).toBe(true);
      expect(await factors(s).findPasskey(key.id)).toEqual(key); // a non-canonical key string round-trips as it is
      const theirs = () => s!.db.selectFrom("passkey").select(["counter", "publicKey"]).where("credentialID", "=", key.id).executeTakeFirstOrThrow();
      expect(await theirs()).toEqual({ counter: 2 ** 31 - 1, publicKey: "not-canonical-base64url-key" });
      await s.db.updateTable("passkey").set({ counter: 5 }).where("credentialID", "=", key.id).execute();
      expect((await factors(s).findPasskey(key.id))?.counter).toBe(2 ** 32 - 1); // the larger of the two
      const small = record(ada.userId, { counter: 3 });
      await factors(s).createPasskey(small);
      await s.db.updateTable("passkey").set({ counter: 9 }).where("credentialID", "=", small.id).execute(); // a use through Better Auth
      expect((await factors(s).findPasskey(small.id))?.counter).toBe(9);
    });

    it("without the passkey plugin: reads find nothing, creating is CONFIG_ERROR naming the plugin", async () => {
      s = await stack(dialect);
      const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
      expect(await factors(s).findPasskey("x")).toBeNull();
      expect(await factors(s).listPasskeys(ada.userId)).toEqual([]);
      expect(await factors(s).updatePasskey("x", { counter: 1, backedUp: false, lastUsedAt: new Date() })).toBe(false);
      expect(await factors(s).deletePasskey(ada.userId, "x")).toBe(false);
      const err = await rejectsWith(factors(s).createPasskey(record(ada.userId)), "CONFIG_ERROR");
      expect(err.message).toContain("@better-auth/passkey");
      // the table made later is found without a restart
      await passkeyTable(s);
      await expect(factors(s).createPasskey(record(ada.userId))).resolves.toBe(true);
    });
  });
}
