import { createHmac } from "node:crypto";
import { verify as addonVerify } from "@node-rs/argon2";
import { describe, expect, it } from "vitest";
import { memoryStorage, type PasswordHasher } from "../../src/index.js";
import { fixture, makeAuth, throwsWith } from "./helpers.js";

const PASSWORD = "correct horse battery staple";
const K1 = { id: "k1", secret: "pepper-one-0123456789-abcdefghijklmnop" };
const K2 = { id: "k2-2026", secret: "pepper-two-9876543210-ZYXWVUTSRQPONMLK" };
const peppered = (keys = [K1]) => makeAuth({ password: { pepper: keys } });

describe("password pepper", () => {
  it("stores $pepper$kid=<id>$ around the hasher's hash, of HMAC(pepper, NFKC(password))", async () => {
    const auth = peppered();
    const hash = await auth.hashPassword(PASSWORD);
    expect(hash).toMatch(/^\$pepper\$kid=k1\$\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const inner = hash.slice("$pepper$kid=k1$".length);
    const applied = createHmac("sha256", K1.secret).update(PASSWORD).digest("base64url");
    expect(await addonVerify(inner, applied)).toBe(true); // the construction, checked with the addon alone
    expect(await addonVerify(inner, PASSWORD)).toBe(false); // the bare password does not open it
    expect(await auth.verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await auth.verifyPassword(`${PASSWORD}!`, hash)).toBe(false);
    expect(await auth.verifyPassword("ｃｏｒｒｅｃｔ horse battery staple", hash)).toBe(true); // NFKC, as without pepper
  });

  it("a stolen hash cannot be checked without the pepper secret", async () => {
    const hash = await peppered().hashPassword(PASSWORD);
    const inner = hash.slice("$pepper$kid=k1$".length);
    expect(await makeAuth().verifyPassword(PASSWORD, hash)).toBe(false); // no pepper configured
    expect(await makeAuth().verifyPassword(PASSWORD, inner)).toBe(false); // the inner hash with the bare password
    expect(await peppered([{ id: "k1", secret: K2.secret }]).verifyPassword(PASSWORD, hash)).toBe(false); // same id, other secret
    expect(await peppered([K2]).verifyPassword(PASSWORD, hash)).toBe(false); // unknown key id
  });

  it("rotates: older keys still verify, needsRehash asks for the current key, a signin re-hashes", async () => {
    const storage = memoryStorage();
    const before = makeAuth({ storage, rateLimit: false, password: { pepper: [K1] } });
    const { user } = await before.signup({ email: "ada@example.com", password: PASSWORD });
    const old = (await storage.findUserById(user.id))!.passwordHash!;
    expect(old.startsWith("$pepper$kid=k1$")).toBe(true);

    const after = makeAuth({ storage, rateLimit: false, password: { pepper: [K2, K1] } });
    expect(await after.verifyPassword(PASSWORD, old)).toBe(true);
    expect(after.needsRehash(old)).toBe(true);
    await after.signin({ email: "ada@example.com", password: PASSWORD });
    const fresh = (await storage.findUserById(user.id))!.passwordHash!;
    expect(fresh.startsWith("$pepper$kid=k2-2026$$argon2id$")).toBe(true);
    expect(after.needsRehash(fresh)).toBe(false);

    const onlyNew = makeAuth({ storage, rateLimit: false, password: { pepper: [K2] } });
    await expect(onlyNew.signin({ email: "ada@example.com", password: PASSWORD })).resolves.toMatchObject({ user: { id: user.id } });
  });

  it("adopts a pepper on existing users: unpeppered hashes verify and are peppered at the next signin", async () => {
    const storage = memoryStorage();
    const { user } = await makeAuth({ storage, rateLimit: false }).signup({ email: "bob@example.com", password: PASSWORD });
    const auth = makeAuth({ storage, rateLimit: false, password: { pepper: [K1] } });
    expect(auth.needsRehash((await storage.findUserById(user.id))!.passwordHash!)).toBe(true);
    await auth.signin({ email: "bob@example.com", password: PASSWORD });
    expect((await storage.findUserById(user.id))!.passwordHash!.startsWith("$pepper$kid=k1$")).toBe(true);
    // foreign formats too: a bcrypt hash verifies and would be replaced
    const bcrypt = fixture((e) => e.algorithm === "bcrypt");
    expect(await auth.verifyPassword(bcrypt.password, bcrypt.hash)).toBe(true);
    expect(auth.needsRehash(bcrypt.hash)).toBe(true);
  });

  it("needsRehash is true for a peppered hash once no pepper is configured", async () => {
    expect(makeAuth().needsRehash(await peppered().hashPassword(PASSWORD))).toBe(true);
  });

  it("wraps a custom hasher's hashes the same way", async () => {
    const seen: string[] = [];
    const custom: PasswordHasher = {
      hash: async (p) => (seen.push(p), `custom:${Buffer.from(p).toString("hex")}`),
      verify: async (p, h) => h === `custom:${Buffer.from(p).toString("hex")}`,
    };
    const auth = makeAuth({ password: { hasher: custom, pepper: [K1] } });
    const hash = await auth.hashPassword(PASSWORD);
    expect(hash.startsWith("$pepper$kid=k1$custom:")).toBe(true);
    expect(seen).toEqual([createHmac("sha256", K1.secret).update(PASSWORD).digest("base64url")]); // never the password itself
    expect(await auth.verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await auth.verifyPassword("wrong password!", hash)).toBe(false);
  });

  it("malformed peppered hashes and odd input verify false, never throw", async () => {
    const auth = peppered();
    for (const hash of [
      "$pepper$kid=k1$",
      "$pepper$kid=$x",
      "$pepper$kid=k1",
      `$pepper$kid=${"k".repeat(33)}$x`,
      "$pepper$kid=k1$not-a-hash",
      `$pepper$kid=k1$${"A".repeat(2000)}`,
    ]) {
      expect(await auth.verifyPassword(PASSWORD, hash)).toBe(false);
    }
    const good = await auth.hashPassword(PASSWORD);
    expect(await auth.verifyPassword(42 as never, good)).toBe(false);
    expect(await auth.verifyPassword(PASSWORD, new String(good) as never)).toBe(false); // a String object is not a hash
    expect(await auth.verifyPassword("\uD800 lone surrogate", good)).toBe(false);
  });

  it("a lone surrogate never opens the hash of U+FFFD (UTF-8 would make them the same HMAC input)", async () => {
    const auth = peppered();
    const hash = await auth.hashPassword("\uFFFD lone surrogate");
    expect(await auth.verifyPassword("\uFFFD lone surrogate", hash)).toBe(true); // control
    expect(await auth.verifyPassword("\uD800 lone surrogate", hash)).toBe(false);
    expect(await auth.verifyPassword("\uDC00 lone surrogate", hash)).toBe(false);
  });

  it("a stored hash of 1,024 characters verifies under a pepper; one of 1,025 never does, whatever is inside", async () => {
    // A custom format with room for padding, so that the stored string can be made any length.
    const hex = (p: string) => Buffer.from(p).toString("hex");
    const custom: PasswordHasher = {
      hash: async (p) => `custom:${hex(p)}:`,
      verify: async (p, h) => h.split(":")[1] === hex(p),
    };
    const auth = makeAuth({ password: { hasher: custom, pepper: [K1] } });
    const hash = await auth.hashPassword(PASSWORD);
    const padded = (length: number) => hash + "0".repeat(length - hash.length);
    expect(await auth.verifyPassword(PASSWORD, padded(1024))).toBe(true);
    expect(await auth.verifyPassword(PASSWORD, padded(1025))).toBe(false);
    expect(await auth.verifyPassword(PASSWORD, padded(1025).slice("$pepper$kid=k1$".length))).toBe(false); // inner alone: no pepper applied
  });

  it("refuses bad pepper options with CONFIG_ERROR, never echoing a secret", () => {
    const bad: unknown[] = [
      [],
      [{ id: "", secret: K1.secret }],
      [{ id: "has space", secret: K1.secret }],
      [{ id: "k".repeat(33), secret: K1.secret }],
      [{ id: "short", secret: "too-short-secret" }],
      [{ id: "dull", secret: "a".repeat(40) }],
      [{ id: "repeated", secret: "abcdefgh".repeat(4) }],
      [{ id: "hex-repeat", secret: "0123456789abcdef".repeat(3) }],
      [K1, { id: "k1", secret: K2.secret }],
      [{ id: "k1", secret: K1.secret, extra: 1 }],
      K1,
    ];
    for (const pepper of bad) {
      const err = throwsWith(() => makeAuth({ password: { pepper: pepper as never } }), "CONFIG_ERROR");
      expect(err.message).toContain("password.pepper");
      expect(err.message).not.toContain(K1.secret);
      expect(err.message).not.toContain("too-short-secret");
      expect(err.message).not.toContain("abcdefghabcdefgh");
    }
  });
});
