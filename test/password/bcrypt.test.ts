import bcryptjs from "bcryptjs";
import { describe, expect, it } from "vitest";
import { bcryptHasher } from "../../src/index.js";
import { BCRYPT_MAX_BYTES, bcryptCost, isBcryptHash } from "../../src/password/bcrypt.js";
import { fixture, makeAuth, rejectsWith, throwsWith } from "./helpers.js";

const PASSWORD = "correct horse battery staple";
const E_ACUTE_40 = "é".repeat(40); // 40 code points, 80 UTF-8 bytes, already NFKC

describe('password.hasher "bcrypt"', () => {
  it("makes $2b$ hashes with cost 12 by default, which verify", async () => {
    const auth = makeAuth({ password: { hasher: "bcrypt" } });
    const hash = await auth.hashPassword(PASSWORD);
    expect(hash).toMatch(/^\$2b\$12\$[./A-Za-z0-9]{53}$/);
    expect(await auth.verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await auth.verifyPassword(`${PASSWORD}.`, hash)).toBe(false);
    // bcryptjs itself agrees it is a hash of this password
    expect(await bcryptjs.compare(PASSWORD, hash)).toBe(true);
  });

  it("uses password.bcryptCost", async () => {
    const hash = await makeAuth({ password: { hasher: "bcrypt", bcryptCost: 10 } }).hashPassword(PASSWORD);
    expect(bcryptCost(hash)).toBe(10);
    expect(hash.startsWith("$2b$10$")).toBe(true);
  });

  it.each([9, 4, 32, 10.5])("refuses bcryptCost %s with CONFIG_ERROR", (bcryptCost) => {
    const err = throwsWith(() => makeAuth({ password: { hasher: "bcrypt", bcryptCost } }), "CONFIG_ERROR");
    expect(err.message).toContain("bcryptCost");
  });

  it("still verifies argon2id and the other formats", async () => {
    const auth = makeAuth({ password: { hasher: "bcrypt", bcryptCost: 10 } });
    const argon = await makeAuth().hashPassword(PASSWORD);
    expect(await auth.verifyPassword(PASSWORD, argon)).toBe(true);
    const scrypt = fixture((e) => e.algorithm === "scrypt-better-auth");
    expect(await auth.verifyPassword(scrypt.password, scrypt.hash)).toBe(true);
  });
});

describe("the 72-byte rule", () => {
  it("a password over 72 UTF-8 bytes (but only 40 code points) is refused by hashPassword with WEAK_PASSWORD", async () => {
    expect([...E_ACUTE_40]).toHaveLength(40);
    expect(Buffer.byteLength(E_ACUTE_40)).toBe(80);
    const err = await rejectsWith(makeAuth({ password: { hasher: "bcrypt", bcryptCost: 10 } }).hashPassword(E_ACUTE_40), "WEAK_PASSWORD");
    expect(err.field).toBe("password");
    expect(err.message).toBe("Password must be at most 72 bytes long with the configured hasher.");
  });

  it("and by signup with WEAK_PASSWORD on the password field, creating no user", async () => {
    const auth = makeAuth({ password: { hasher: "bcrypt", bcryptCost: 10 } });
    const err = await rejectsWith(auth.signup({ email: "bytes@example.com", password: E_ACUTE_40 }), "WEAK_PASSWORD");
    expect(err.field).toBe("password");
    // no user was created: the email is still free
    await expect(auth.signup({ email: "bytes@example.com", password: "a passphrase of modest size" })).resolves.toMatchObject({
      user: { email: "bytes@example.com" },
    });
  });

  it("counts bytes after NFKC: exactly 72 bytes is accepted and verifies; 73 is refused", async () => {
    const auth = makeAuth({ password: { hasher: "bcrypt", bcryptCost: 10 } });
    const p72 = "é".repeat(36);
    expect(Buffer.byteLength(p72)).toBe(BCRYPT_MAX_BYTES);
    const hash = await auth.hashPassword(p72);
    expect(await auth.verifyPassword(p72, hash)).toBe(true);
    await rejectsWith(auth.hashPassword(`${p72}x`), "WEAK_PASSWORD");
    // "e" + U+0301 is 3 bytes but NFKC composes it to "é" (2 bytes): 36 of them fit.
    const decomposed = "e\u0301".repeat(36);
    expect(Buffer.byteLength(decomposed)).toBe(108);
    expect(await auth.verifyPassword(decomposed, await auth.hashPassword(decomposed))).toBe(true);
  });

  it("the argon2id default has no byte limit", async () => {
    const auth = makeAuth();
    const hash = await auth.hashPassword(E_ACUTE_40);
    expect(await auth.verifyPassword(E_ACUTE_40, hash)).toBe(true);
    // and nothing past byte 72 is ignored
    expect(await auth.verifyPassword(`${"é".repeat(36)}${"e".repeat(4)}`, hash)).toBe(false);
    await expect(auth.signup({ email: "long@example.com", password: E_ACUTE_40 })).resolves.toBeDefined();
  });
});

describe("bcryptHasher()", () => {
  it("refuses a cost below 10 or above 31", () => {
    for (const cost of [9, 0, 32, 10.5, Number.NaN]) expect(() => bcryptHasher(cost), String(cost)).toThrow(RangeError);
    expect(() => bcryptHasher(10)).not.toThrow();
    expect(() => bcryptHasher(31, { maxCost: 31 })).not.toThrow();
    expect(() => bcryptHasher(15)).toThrow("bcrypt cost must be an integer from 10 to 14");
    expect(() => bcryptHasher(12, { maxCost: 32 })).toThrow("bcrypt maxCost must be an integer from 10 to 31");
    expect(bcryptHasher().id).toBe("bcrypt");
  });

  it("throws RangeError rather than truncating a password over 72 bytes", async () => {
    const hasher = bcryptHasher(10);
    expect(hasher.maxBytes).toBe(72);
    await expect(hasher.hash(E_ACUTE_40)).rejects.toThrow(RangeError);
    await expect(hasher.hash("x".repeat(73))).rejects.toThrow(new RangeError("password longer than 72 bytes"));
  });

  it("hashes with the given cost and verifies $2a$, $2b$ and $2y$", async () => {
    const hasher = bcryptHasher(10);
    const hash = await hasher.hash(PASSWORD);
    expect(hash.startsWith("$2b$10$")).toBe(true);
    expect(await hasher.verify(PASSWORD, hash)).toBe(true);
    for (const prefix of ["$2a$", "$2b$", "$2y$"]) {
      const e = fixture((x) => x.hash.startsWith(`${prefix}10$`));
      expect(await hasher.verify(e.password, e.hash), prefix).toBe(true);
      expect(await hasher.verify(`${e.password}?`, e.hash), prefix).toBe(false);
    }
  });

  it("needsRehash compares the cost", () => {
    const hasher = bcryptHasher(11);
    expect(hasher.needsRehash!(fixture((e) => e.hash.startsWith("$2b$10$")).hash)).toBe(true);
    expect(hasher.needsRehash!(fixture((e) => e.hash.startsWith("$2a$11$")).hash)).toBe(false);
    expect(hasher.needsRehash!(fixture((e) => e.hash.startsWith("$2y$12$")).hash)).toBe(false);
    expect(hasher.needsRehash!("not a hash")).toBe(true);
  });

  it("isBcryptHash / bcryptCost read the format", () => {
    expect(isBcryptHash(fixture((e) => e.hash.startsWith("$2y$12$")).hash)).toBe(true);
    expect(bcryptCost(fixture((e) => e.hash.startsWith("$2y$12$")).hash)).toBe(12);
    const real = fixture((e) => e.hash.startsWith("$2y$12$")).hash;
    for (const bad of [
      "",
      "$2x$10$" + "a".repeat(53),
      "$2b$10$" + "a".repeat(52),
      "$2b$1$" + "a".repeat(53),
      "$2b$10$" + "a".repeat(52) + "!",
      `x${real}`,
      `${real}x`,
      `${real}\n`,
      "$2b$123$" + "a".repeat(53),
    ]) {
      expect(isBcryptHash(bad), bad).toBe(false);
      expect(bcryptCost(bad), bad).toBeNull();
    }
  });
});
