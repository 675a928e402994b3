import { scryptSync } from "node:crypto";
import { hashPassword as betterAuthHash, verifyPassword as betterAuthVerify } from "better-auth/crypto";
import { describe, expect, it } from "vitest";
import { betterAuthScryptHasher } from "../../src/index.js";
import { isBetterAuthScryptHash } from "../../src/password/scrypt.js";
import { fixture, makeAuth } from "./helpers.js";

const FORMAT = /^([0-9a-f]{32}):([0-9a-f]{128})$/;
const PASSWORD = "correct horse battery staple";
const hasher = betterAuthScryptHasher();

describe("Better Auth scrypt format", () => {
  it("hashes to hex(16-byte salt):hex(64-byte key), fresh salt each time", async () => {
    const [a, b] = await Promise.all([hasher.hash(PASSWORD), hasher.hash(PASSWORD)]);
    expect(a).toMatch(FORMAT);
    expect(b).toMatch(FORMAT);
    expect(a.slice(0, 32)).not.toBe(b.slice(0, 32));
    expect(isBetterAuthScryptHash(a)).toBe(true);
  });

  it("is scrypt N=16384 r=16 p=1 over the NFKC password, salted with the hex string's bytes", async () => {
    const typed = "ｐａｓｓ ﬁnance"; // full-width + ligature
    const [, salt, key] = FORMAT.exec(await hasher.hash(typed))!;
    const expected = scryptSync(typed.normalize("NFKC"), salt!, 64, { N: 16384, r: 16, p: 1, maxmem: 64 * 1024 * 1024 });
    expect(key).toBe(expected.toString("hex"));
  });

  it("our hashes verify with better-auth's verifyPassword", async () => {
    const ours = await hasher.hash(PASSWORD);
    expect(await betterAuthVerify({ hash: ours, password: PASSWORD })).toBe(true);
    expect(await betterAuthVerify({ hash: ours, password: `${PASSWORD}!` })).toBe(false);
  });

  it("better-auth's hashes verify with ours (module and AuthSkill.verifyPassword)", async () => {
    const theirs = await betterAuthHash(PASSWORD);
    expect(theirs).toMatch(FORMAT);
    expect(await hasher.verify(PASSWORD, theirs)).toBe(true);
    expect(await hasher.verify(`${PASSWORD}!`, theirs)).toBe(false);
    const auth = makeAuth();
    expect(await auth.verifyPassword(PASSWORD, theirs)).toBe(true);
    expect(await auth.verifyPassword("Correct horse battery staple", theirs)).toBe(false);
  });

  it("both sides normalise: a full-width password hashed by better-auth verifies as ASCII with ours, and back", async () => {
    const theirs = await betterAuthHash("ｐａｓｓｗｏｒｄ１２３ ｘ");
    expect(await hasher.verify("password123 x", theirs)).toBe(true);
    const ours = await hasher.hash("password123 x");
    expect(await betterAuthVerify({ hash: ours, password: "ｐａｓｓｗｏｒｄ１２３ ｘ" })).toBe(true);
  });

  it("uses the salt as text, not decoded hex: the same salt in upper case no longer verifies", async () => {
    const e = fixture((x) => x.algorithm === "scrypt-better-auth" && /[a-f]/.test(x.hash.slice(0, 32)));
    const [salt, key] = e.hash.split(":") as [string, string];
    expect(await hasher.verify(e.password, e.hash)).toBe(true);
    expect(await hasher.verify(e.password, `${salt.toUpperCase()}:${key}`)).toBe(false);
    expect(await betterAuthVerify({ hash: `${salt.toUpperCase()}:${key}`, password: e.password })).toBe(false);
  });

  it("resolves false for anything not in the format", async () => {
    const e = fixture((x) => x.algorithm === "scrypt-better-auth");
    const [salt, key] = e.hash.split(":") as [string, string];
    for (const bad of [`${salt.slice(1)}:${key}`, `${salt}:${key.slice(2)}`, `${salt}${key}`, `${salt}:${key}:`, `${salt}:${key.slice(0, -1)}g`, ""]) {
      expect(isBetterAuthScryptHash(bad), bad).toBe(false);
      expect(await hasher.verify(e.password, bad), bad).toBe(false);
    }
  });

  it("is named scrypt, and refuses to hash over 4,096 UTF-16 units, saying so", async () => {
    expect(betterAuthScryptHasher().id).toBe("scrypt"); // made inside the test: mutation testing credits only code a test runs
    await expect(hasher.hash("x".repeat(4097))).rejects.toThrow(new RangeError("password longer than 4096 characters"));
    expect(await hasher.hash("x".repeat(4096))).toMatch(FORMAT);
  });

  it("always asks for a rehash (it is a migration format)", async () => {
    expect(betterAuthScryptHasher().needsRehash!(await hasher.hash(PASSWORD))).toBe(true);
  });
});
