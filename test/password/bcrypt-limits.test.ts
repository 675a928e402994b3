import * as nativeBcrypt from "@node-rs/bcrypt";
import bcryptjs from "bcryptjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bcryptHasher, memoryStorage, type PasswordHasher } from "../../src/index.js";
import { betterAuthPasswordHasher } from "../../src/better-auth/hasher.js";
import { BCRYPT_MAX_BYTES, BCRYPT_MAX_COST } from "../../src/password/bcrypt.js";
import { verifyAnyFormat } from "../../src/password/formats.js";
import { fixture, makeAuth, rejectsWith, throwsWith } from "./helpers.js";

const COST_10 = fixture((e) => e.hash.startsWith("$2b$10$") && e.password === "password123");
const COST_11 = fixture((e) => e.hash.startsWith("$2a$11$"));
const COST_12 = fixture((e) => e.hash.startsWith("$2y$12$"));
const P72 = fixture((e) => e.note?.startsWith("exactly 72-byte") === true); // python bcrypt, $2b$10$
/** A well-formed hash asking for 2^31 rounds (days of work) or 2^15: it must be refused before any bcrypt runs. */
const withCost = (cost: number, hash = COST_10.hash) => `${hash.slice(0, 4)}${String(cost).padStart(2, "0")}${hash.slice(6)}`;

// The real addon runs; the wrapper only counts its verify calls.
vi.mock("@node-rs/bcrypt", async (importOriginal) => {
  const real = await importOriginal<typeof import("@node-rs/bcrypt")>();
  return { ...real, verify: vi.fn(real.verify) };
});

/** Counts the bcrypt computations from here on. */
function countBcrypt() {
  const verify = vi.mocked(nativeBcrypt.verify);
  verify.mockClear();
  return verify;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the bcrypt cost cap on verify (password.maxBcryptCost, default 14)", () => {
  it("refuses $2b$31$ and $2y$15$ hashes without computing bcrypt, on verifyPassword and for a custom hasher", async () => {
    const compare = countBcrypt();
    const customCalls: string[] = [];
    const custom: PasswordHasher = { hash: async () => "x", verify: async (_p, h) => (customCalls.push(h), false) };
    for (const auth of [makeAuth(), makeAuth({ password: { hasher: custom } })]) {
      for (const hash of [withCost(31), withCost(15, COST_12.hash), withCost(99)]) {
        expect(await auth.verifyPassword(COST_10.password, hash), hash.slice(0, 7)).toBe(false);
      }
    }
    expect(compare).not.toHaveBeenCalled();
    expect(customCalls).toEqual([]); // the cap applies before any hasher, custom ones too
    expect(BCRYPT_MAX_COST).toBe(14);
  });

  it("the smallest cost is 4: a cost-4 hash verifies, a cost below 4 is refused without computing bcrypt", async () => {
    const cost4 = await nativeBcrypt.hash(COST_10.password, 4);
    expect(cost4.startsWith("$2b$04$")).toBe(true);
    const compare = countBcrypt();
    expect(await bcryptHasher(10).verify(COST_10.password, cost4)).toBe(true);
    expect(await makeAuth().verifyPassword(COST_10.password, cost4)).toBe(true);
    expect(compare).toHaveBeenCalledTimes(2); // control: the counter sees real verifications
    compare.mockClear();
    for (const cost of [3, 1, 0]) {
      const hash = withCost(cost, cost4);
      expect(await bcryptHasher(10).verify(COST_10.password, hash), String(cost)).toBe(false);
      expect(await makeAuth().verifyPassword(COST_10.password, hash), String(cost)).toBe(false);
    }
    expect(compare).not.toHaveBeenCalled();
  });

  it("bcryptHasher().verify resolves false for a password that is not a string, computing nothing", async () => {
    const compare = countBcrypt();
    for (const password of [undefined, null, 42, {}, Buffer.from(COST_10.password)]) {
      expect(await bcryptHasher(10).verify(password as never, COST_10.hash)).toBe(false);
    }
    expect(compare).not.toHaveBeenCalled();
  });

  it("refuses real, correct hashes above a configured cap, and verifies them under it", async () => {
    const capped = makeAuth({ password: { maxBcryptCost: 11 } });
    expect(await capped.verifyPassword(COST_10.password, COST_10.hash)).toBe(true);
    expect(await capped.verifyPassword(COST_11.password, COST_11.hash)).toBe(true);
    expect(await capped.verifyPassword(COST_12.password, COST_12.hash)).toBe(false);
    expect(await makeAuth().verifyPassword(COST_12.password, COST_12.hash)).toBe(true);
    const raised = makeAuth({ password: { maxBcryptCost: 16 } });
    expect(await raised.verifyPassword(COST_12.password, COST_12.hash)).toBe(true);
  });

  it("applies to signin (one answer, INVALID_CREDENTIALS) and to hashes under a pepper", async () => {
    const storage = memoryStorage();
    const auth = makeAuth({ storage, password: { maxBcryptCost: 11 } });
    const { user } = await auth.signup({ email: "legacy@example.com", password: "placeholder passphrase for signup" });
    await storage.updateUser(user.id, { passwordHash: COST_12.hash });
    await rejectsWith(auth.signin({ email: "legacy@example.com", password: COST_12.password }), "INVALID_CREDENTIALS");
    await storage.updateUser(user.id, { passwordHash: COST_11.hash });
    await expect(auth.signin({ email: "legacy@example.com", password: COST_11.password })).resolves.toBeDefined();

    const pepper = [{ id: "k1", secret: "pepper-secret-0123456789-abcdefghijkl" }];
    const peppered = makeAuth({ password: { hasher: "bcrypt", bcryptCost: 10, pepper } });
    const hash = await peppered.hashPassword("a peppered passphrase");
    expect(await peppered.verifyPassword("a peppered passphrase", hash)).toBe(true);
    const compare = countBcrypt();
    expect(await peppered.verifyPassword("a peppered passphrase", hash.replace("$2b$10$", "$2b$31$"))).toBe(false);
    expect(compare).not.toHaveBeenCalled();
  });

  it("applies to the Better Auth bridge's hasher and to bcryptHasher(), which refuses costs above its maxCost", async () => {
    expect(await bcryptHasher(10, { maxCost: 11 }).verify(COST_12.password, COST_12.hash)).toBe(false);
    expect(await bcryptHasher(10, { maxCost: 12 }).verify(COST_12.password, COST_12.hash)).toBe(true);
    const compare = countBcrypt();
    expect(await betterAuthPasswordHasher().verify({ password: COST_10.password, hash: withCost(31) })).toBe(false);
    expect(await verifyAnyFormat(null, COST_10.password, withCost(31))).toBe(false);
    expect(await bcryptHasher(10).verify(COST_10.password, withCost(31))).toBe(false);
    expect(compare).not.toHaveBeenCalled();
    expect(() => bcryptHasher(15)).toThrow(RangeError); // a new hash may not exceed the verify cap
    expect(() => bcryptHasher(15, { maxCost: 15 })).not.toThrow();
    for (const maxCost of [9, 32, 12.5]) expect(() => bcryptHasher(10, { maxCost }), String(maxCost)).toThrow(RangeError);
  });

  it("the unknown-user dummy hash stays under the cap, so it still costs a real bcrypt verification", async () => {
    const auth = makeAuth({ password: { hasher: "bcrypt", maxBcryptCost: 10 } }); // bcryptCost defaults to min(12, cap)
    const hash = await auth.hashPassword("a fresh passphrase");
    expect(hash.startsWith("$2b$10$")).toBe(true);
    const compare = countBcrypt();
    await rejectsWith(auth.signin({ email: "nobody@example.com", password: "a fresh passphrase" }), "INVALID_CREDENTIALS");
    expect(compare).toHaveBeenCalledTimes(1);
  });

  it("configuration: maxBcryptCost 10..31, and bcryptCost may not exceed it", () => {
    for (const maxBcryptCost of [9, 32, 12.5]) {
      const err = throwsWith(() => makeAuth({ password: { maxBcryptCost } }), "CONFIG_ERROR");
      expect(err.message).toContain("maxBcryptCost");
    }
    const err = throwsWith(() => makeAuth({ password: { hasher: "bcrypt", bcryptCost: 15 } }), "CONFIG_ERROR");
    expect(err.message).toContain("password.bcryptCost must not exceed password.maxBcryptCost");
    throwsWith(() => makeAuth({ password: { bcryptCost: 13, maxBcryptCost: 12 } }), "CONFIG_ERROR");
    expect(() => makeAuth({ password: { hasher: "bcrypt", bcryptCost: 15, maxBcryptCost: 15 } })).not.toThrow();
  });
});

describe("bcrypt's 72 bytes on verify: a longer password never matches a plain bcrypt hash", () => {
  it('with hasher "bcrypt", a 72-byte password plus any suffix does not sign in', async () => {
    const auth = makeAuth({ password: { hasher: "bcrypt", bcryptCost: 10 } });
    const password = `${"a quiet passphrase ".repeat(3)}and more words fill it`.slice(0, BCRYPT_MAX_BYTES);
    expect(Buffer.byteLength(password)).toBe(72);
    await auth.signup({ email: "ada@example.com", password });
    await expect(auth.signin({ email: "ada@example.com", password })).resolves.toBeDefined();
    for (const suffix of ["x", "!", " ", "é", "anything at all"]) {
      await rejectsWith(auth.signin({ email: "ada@example.com", password: password + suffix }), "INVALID_CREDENTIALS");
    }
  });

  it("for foreign $2a$, $2b$ and $2y$ hashes, through every verifier", async () => {
    const auth = makeAuth();
    const bcryptjsCustom: PasswordHasher = { hash: (p) => bcryptjs.hash(p, 10), verify: (p, h) => bcryptjs.compare(p, h) };
    const custom = makeAuth({ password: { hasher: bcryptjsCustom } });
    for (const prefix of ["$2a$", "$2b$", "$2y$"]) {
      const hash = prefix + P72.hash.slice(4);
      expect(await bcryptjs.compare(`${P72.password}x`, hash), prefix).toBe(true); // bcrypt alone truncates
      expect(await auth.verifyPassword(P72.password, hash), prefix).toBe(true);
      expect(await auth.verifyPassword(`${P72.password}x`, hash), prefix).toBe(false);
      expect(await custom.verifyPassword(`${P72.password}x`, hash), prefix).toBe(false); // even a truncating custom hasher
      expect(await betterAuthPasswordHasher().verify({ password: `${P72.password}x`, hash }), prefix).toBe(false);
      expect(await bcryptHasher(10).verify(`${P72.password}x`, hash), prefix).toBe(false);
    }
  });

  it("counts bytes of each candidate: a decomposed input whose NFKC form fits still verifies", async () => {
    const auth = makeAuth({ password: { hasher: "bcrypt", bcryptCost: 10 } });
    const composed = "é".repeat(36); // 72 bytes
    const decomposed = "e\u0301".repeat(36); // 108 bytes, NFKC -> composed
    const hash = await auth.hashPassword(composed);
    expect(await auth.verifyPassword(decomposed, hash)).toBe(true);
    expect(await auth.verifyPassword(`${decomposed}e`, hash)).toBe(false);
  });
});
