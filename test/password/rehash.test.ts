import { hash as addonHash, verify as addonVerify, type Options } from "@node-rs/argon2";
import { beforeAll, describe, expect, it } from "vitest";
import { memoryStorage, type StorageAdapter } from "../../src/index.js";
import { fixture, makeAuth, type ForeignHash, rejectsWith } from "./helpers.js";

const DEFAULT_PREFIX = "$argon2id$v=19$m=19456,t=2,p=1$";
const PASSWORD = "correct horse battery staple";

/** An argon2 hash made directly with the addon (algorithm 0 = d, 1 = i, 2 = id; version 0 = 0x10, 1 = 0x13). */
function argon2(options: { algorithm?: number; version?: number; memoryCost?: number; timeCost?: number; parallelism?: number }) {
  return addonHash(PASSWORD, { algorithm: 2, version: 1, memoryCost: 19456, timeCost: 2, parallelism: 1, ...options } as Options);
}

describe("needsRehash", () => {
  const auth = makeAuth();

  it("is false for a fresh default hash", async () => {
    expect(auth.needsRehash(await auth.hashPassword(PASSWORD))).toBe(false);
  });

  it("is false for argon2id v=19 with higher costs than configured", () => {
    expect(auth.needsRehash(fixture((e) => e.hash.startsWith("$argon2id$v=19$m=65536,t=4,p=1$")).hash)).toBe(false);
  });

  it.each([
    ["bcrypt $2y$", (e: ForeignHash) => e.hash.startsWith("$2y$")],
    ["bcrypt $2a$", (e: ForeignHash) => e.hash.startsWith("$2a$")],
    ["bcrypt $2b$ cost 12", (e: ForeignHash) => e.hash.startsWith("$2b$12$")],
    ["Better Auth scrypt", (e: ForeignHash) => e.algorithm === "scrypt-better-auth"],
    ["argon2i (even with higher costs)", (e: ForeignHash) => e.hash.startsWith("$argon2i$v=19$m=65536,t=4,p=1$")],
    ["argon2d", (e: ForeignHash) => e.algorithm === "argon2d"],
    ["argon2i v=16", (e: ForeignHash) => e.hash.startsWith("$argon2i$v=16$")],
  ])("is true for %s", (_, pick) => {
    expect(auth.needsRehash(fixture(pick).hash)).toBe(true);
  });

  it.each([
    ["argon2id v=16", { version: 0 }],
    ["argon2i v=19 with default costs", { algorithm: 1 }],
    ["argon2d v=19 with default costs", { algorithm: 0 }],
    ["argon2id with lower m", { memoryCost: 16384 }],
    ["argon2id with lower t", { timeCost: 1 }],
  ])("is true for %s", async (_, options) => {
    const phc = await argon2(options);
    expect(await auth.verifyPassword(PASSWORD, phc)).toBe(true);
    expect(auth.needsRehash(phc)).toBe(true);
  });

  it("is true for argon2id with lower p than configured", async () => {
    const p2 = makeAuth({ password: { argon2: { parallelism: 2 } } });
    expect(p2.needsRehash(await argon2({}))).toBe(true);
    expect(p2.needsRehash(await argon2({ parallelism: 2 }))).toBe(false);
  });

  it("with password.argon2.memoryCost 65536, a default-params hash needs rehash", async () => {
    const stronger = makeAuth({ password: { argon2: { memoryCost: 65536 } } });
    expect(stronger.needsRehash(await auth.hashPassword(PASSWORD))).toBe(true);
    expect(stronger.needsRehash(await stronger.hashPassword(PASSWORD))).toBe(false);
  });

  it("is true for garbage and non-strings", () => {
    for (const bad of ["", "plain", "$argon2id$", 42, null, undefined, {}]) expect(auth.needsRehash(bad as string)).toBe(true);
  });

  it("with a custom hasher without needsRehash: false for its own hashes (the default), true for a non-string", async () => {
    const hasher = { hash: async (p: string) => `plain:${p}`, verify: async (p: string, h: string) => h === `plain:${p}` };
    const custom = makeAuth({ password: { hasher } });
    const own = await custom.hashPassword(PASSWORD);
    expect(custom.needsRehash(own)).toBe(false);
    for (const bad of [42, null, undefined, {}]) expect(custom.needsRehash(bad as string)).toBe(true);
  });

  it("with hasher bcrypt: true for lower cost or another algorithm, false for the configured cost", async () => {
    const bcrypt = makeAuth({ password: { hasher: "bcrypt", bcryptCost: 11 } });
    expect(bcrypt.needsRehash(fixture((e) => e.hash.startsWith("$2b$10$")).hash)).toBe(true);
    expect(bcrypt.needsRehash(fixture((e) => e.hash.startsWith("$2a$11$")).hash)).toBe(false);
    expect(bcrypt.needsRehash(fixture((e) => e.hash.startsWith("$2b$12$")).hash)).toBe(false);
    expect(bcrypt.needsRehash(await auth.hashPassword(PASSWORD))).toBe(true);
  });
});

describe("rehash on signin", () => {
  /** Signs a user up, then swaps their stored hash for `hash`, as a migrated database would hold. */
  async function userWithHash(hash: string, options: Parameters<typeof makeAuth>[0] = {}) {
    const storage = memoryStorage();
    const auth = makeAuth({ ...options, storage });
    const email = "migrated@example.com";
    const { user } = await auth.signup({ email, password: "placeholder passphrase for signup" });
    expect(await storage.updateUser(user.id, { passwordHash: hash })).toMatchObject({ ok: true });
    const stored = async () => (await storage.findUserById(user.id))!.passwordHash!;
    expect(await stored()).toBe(hash);
    return { auth, storage, email, id: user.id, stored };
  }

  it.each([
    ["PHP bcrypt $2y$10$", (e: ForeignHash) => e.hash.startsWith("$2y$10$") && e.password === "password123"],
    ["python bcrypt $2a$", (e: ForeignHash) => e.hash.startsWith("$2a$10$")],
    ["Better Auth scrypt", (e: ForeignHash) => e.algorithm === "scrypt-better-auth" && e.password === "password123"],
    ["argon2i", (e: ForeignHash) => e.algorithm === "argon2i" && e.hash.includes("m=7168")],
    ["argon2id with lower costs", (e: ForeignHash) => e.hash.startsWith("$argon2id$v=19$m=7168,t=5,p=1$")],
    ["PHP bcrypt of a non-NFKC password", (e: ForeignHash) => e.hash.startsWith("$2y$") && e.note?.includes("full-width") === true],
  ])("upgrades a %s hash to default argon2id after a correct signin", async (_, pick) => {
    const e = fixture(pick);
    const { auth, email, id, stored } = await userWithHash(e.hash);

    // A wrong password neither signs in nor rewrites the hash.
    await rejectsWith(auth.signin({ email, password: `${e.password}-wrong` }), "INVALID_CREDENTIALS");
    expect(await stored()).toBe(e.hash);

    const result = await auth.signin({ email, password: e.password });
    expect(result.user.id).toBe(id);
    const upgraded = await stored();
    expect(upgraded.startsWith(DEFAULT_PREFIX), upgraded).toBe(true);
    expect(auth.needsRehash(upgraded)).toBe(false);
    expect(await addonVerify(upgraded, e.password.normalize("NFKC"))).toBe(true); // a hash of the NFKC form

    // Signing in again works against the new hash and does not rehash again.
    expect((await auth.signin({ email, password: e.password })).user.id).toBe(id);
    expect(await stored()).toBe(upgraded);
    await rejectsWith(auth.signin({ email, password: `${e.password}-wrong` }), "INVALID_CREDENTIALS");
  });

  it("does not rehash a hash that is current", async () => {
    const { auth, email, stored } = await userWithHash(await makeAuth().hashPassword(PASSWORD));
    const before = await stored();
    await auth.signin({ email, password: PASSWORD });
    expect(await stored()).toBe(before);
  });

  it("upgrades default-cost argon2id when the configured memoryCost is higher", async () => {
    const { auth, email, stored } = await userWithHash(await makeAuth().hashPassword(PASSWORD), {
      password: { argon2: { memoryCost: 32768 } },
    });
    await auth.signin({ email, password: PASSWORD });
    expect(await stored()).toMatch(/^\$argon2id\$v=19\$m=32768,t=2,p=1\$/);
  });

  it("with hasher bcrypt, upgrades an argon2id hash to bcrypt", async () => {
    const { auth, email, stored } = await userWithHash(await makeAuth().hashPassword(PASSWORD), {
      password: { hasher: "bcrypt", bcryptCost: 10 },
    });
    await auth.signin({ email, password: PASSWORD });
    expect(await stored()).toMatch(/^\$2b\$10\$/);
    await auth.signin({ email, password: PASSWORD });
  });

  it("writes the upgrade once, through updateUser", async () => {
    const inner = memoryStorage();
    let updates = 0;
    const storage: StorageAdapter = {
      ...inner,
      updateUser: (id, patch) => {
        updates++;
        return inner.updateUser(id, patch);
      },
    };
    const auth = makeAuth({ storage });
    const { user } = await auth.signup({ email: "count@example.com", password: "placeholder passphrase for signup" });
    await inner.updateUser(user.id, { passwordHash: fixture((e) => e.hash.startsWith("$2b$10$") && e.password === "password123").hash });
    await auth.signin({ email: "count@example.com", password: "password123" });
    expect(updates).toBe(1);
    await auth.signin({ email: "count@example.com", password: "password123" });
    expect(updates).toBe(1);
  });
});

describe("rehash into bcrypt is skipped for a >72-byte password that a foreign hash verified", () => {
  // An argon2 hash (from another system, or from before the switch to bcrypt) of an 80-byte password: with
  // `hasher: "bcrypt"`, signin cannot rehash it without truncating, so it keeps the old hash instead of failing.
  const longPassword = `${"é".repeat(36)}long`; // 76 bytes after NFKC
  const storage = memoryStorage();
  const auth = makeAuth({ storage, password: { hasher: "bcrypt", bcryptCost: 10 } });
  let userId = "";
  let foreign = "";
  beforeAll(async () => {
    foreign = await makeAuth().hashPassword(longPassword);
    const { user } = await auth.signup({ email: "long@example.com", password: "placeholder passphrase for signup" });
    userId = user.id;
    await storage.updateUser(user.id, { passwordHash: foreign });
  });

  it("a correct signin succeeds even when the rehash is impossible, and the old hash stays", async () => {
    expect(Buffer.byteLength(longPassword)).toBeGreaterThan(72);
    await expect(auth.signin({ email: "long@example.com", password: longPassword })).resolves.toMatchObject({ user: { id: userId } });
    expect((await storage.findUserById(userId))!.passwordHash).toBe(foreign);
  });
});
