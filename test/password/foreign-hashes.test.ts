import { describe, expect, it } from "vitest";
import { hasherForFormat } from "../../src/password/formats.js";
import { FOREIGN_HASHES, makeAuth, type ForeignAlgorithm, type ForeignHash } from "./helpers.js";

const auth = makeAuth();
const NON_NFKC = "non-NFKC input";
const HASHER_ID: Record<ForeignAlgorithm, string> = {
  argon2id: "argon2id",
  argon2i: "argon2id", // the argon2 verifier reads the variant from the PHC string
  argon2d: "argon2id",
  bcrypt: "bcrypt",
  "scrypt-better-auth": "scrypt",
};
const label = (e: ForeignHash) => `${e.source} ${e.algorithm}: ${e.note ?? JSON.stringify(e.password)}`;
/** Wrong in its first bytes, so bcrypt's 72-byte limit cannot hide the difference. */
const wrong = (password: string) => `X${password}`;

describe("the fixture file", () => {
  it("has 60 vectors from the five documented sources, covering every algorithm", () => {
    expect(FOREIGN_HASHES).toHaveLength(60);
    const sources = new Set(FOREIGN_HASHES.map((e) => e.source.split(" ").slice(0, -1).join(" ")));
    expect([...sources].sort()).toEqual(["better-auth", "php password_hash", "python argon2-cffi", "python bcrypt", "python passlib"].sort());
    expect(new Set(FOREIGN_HASHES.map((e) => e.algorithm))).toEqual(new Set(Object.keys(HASHER_ID)));
    expect(FOREIGN_HASHES.filter((e) => e.note?.includes(NON_NFKC)).length).toBeGreaterThanOrEqual(10);
  });
});

describe.each(FOREIGN_HASHES.map((e) => [label(e), e] as const))("%s", (_, e) => {
  it("is recognised by its format", () => {
    expect(hasherForFormat(e.hash)?.id).toBe(HASHER_ID[e.algorithm]);
  });

  it("verifies with its password and rejects a wrong one", async () => {
    const [right, bad] = await Promise.all([auth.verifyPassword(e.password, e.hash), auth.verifyPassword(wrong(e.password), e.hash)]);
    expect(right).toBe(true);
    expect(bad).toBe(false);
  });

  if (e.note?.includes(NON_NFKC)) {
    const nfkc = e.password.normalize("NFKC");
    const bothSpellings = e.algorithm === "scrypt-better-auth"; // better-auth normalised before hashing

    it(`is a non-NFKC password; its NFKC form ${bothSpellings ? "also verifies" : "does not verify (hashed as-is)"}`, async () => {
      expect(nfkc).not.toBe(e.password);
      expect(await auth.verifyPassword(nfkc, e.hash)).toBe(bothSpellings);
    });
  }

  if (e.note?.startsWith("exactly 72-byte")) {
    it("is exactly 72 bytes; a longer password never matches, though bcrypt alone would ignore the rest", async () => {
      expect(Buffer.byteLength(e.password)).toBe(72);
      expect(await auth.verifyPassword(e.password, e.hash)).toBe(true);
      expect(await auth.verifyPassword(`${e.password}extra`, e.hash)).toBe(false);
      expect(await auth.verifyPassword(`${e.password}!`, e.hash)).toBe(false);
      expect(await auth.verifyPassword(e.password.slice(0, -1), e.hash)).toBe(false);
    });
  }
});
