import { describe, expect, it } from "vitest";
import { hasherForFormat } from "../../src/password/formats.js";
import { UNIT_RUN } from "../support/test-run.js";
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
/**
 * Vectors that cost several times a default verification each: bcrypt cost 12 and up (4x cost 10), argon2 with
 * 64 MiB or more (PHP's and argon2-cffi's defaults). The quick unit run (npm run test:unit) checks only their
 * format and leaves verifying them to `npm test` (and the mutation run); every source, algorithm, variant and
 * non-NFKC case keeps cheaper vectors that the unit run verifies.
 */
const costly = (e: ForeignHash) =>
  Number(/^\$2[aby]\$(\d+)\$/.exec(e.hash)?.[1] ?? 0) >= 12 || Number(/^\$argon2\w+\$(?:v=\d+\$)?m=(\d+),/.exec(e.hash)?.[1] ?? 0) >= 65536;
const verifiesHere = (e: ForeignHash) => !(UNIT_RUN && costly(e));
const sourceOf = (e: ForeignHash) => e.source.split(" ").slice(0, -1).join(" ");

describe("the fixture file", () => {
  it("has 60 vectors from the five documented sources, covering every algorithm", () => {
    expect(FOREIGN_HASHES).toHaveLength(60);
    const sources = new Set(FOREIGN_HASHES.map(sourceOf));
    expect([...sources].sort()).toEqual(["better-auth", "php password_hash", "python argon2-cffi", "python bcrypt", "python passlib"].sort());
    expect(new Set(FOREIGN_HASHES.map((e) => e.algorithm))).toEqual(new Set(Object.keys(HASHER_ID)));
    expect(FOREIGN_HASHES.filter((e) => e.note?.includes(NON_NFKC)).length).toBeGreaterThanOrEqual(10);
  });

  it("leaves the unit run vectors to verify of every source and algorithm, non-NFKC ones of each source, and the 72-byte one", () => {
    const cheap = FOREIGN_HASHES.filter((e) => !costly(e));
    expect(FOREIGN_HASHES.length - cheap.length).toBe(16); // six bcrypt hashes of cost 12, ten argon2 ones of 64 or 100 MiB
    const pairs = (list: readonly ForeignHash[]) => new Set(list.map((e) => `${sourceOf(e)} ${e.algorithm}`));
    expect(pairs(cheap)).toEqual(pairs(FOREIGN_HASHES));
    const nonNfkc = (list: readonly ForeignHash[]) => new Set(list.filter((e) => e.note?.includes(NON_NFKC)).map(sourceOf));
    expect(nonNfkc(cheap)).toEqual(nonNfkc(FOREIGN_HASHES));
    expect(cheap.filter((e) => e.note?.startsWith("exactly 72-byte"))).toHaveLength(1);
  });
});

describe.each(FOREIGN_HASHES.map((e) => [label(e), e] as const))("%s", (_, e) => {
  it("is recognised by its format", () => {
    expect(hasherForFormat(e.hash)?.id).toBe(HASHER_ID[e.algorithm]);
  });

  it.runIf(verifiesHere(e))("verifies with its password and rejects a wrong one", async () => {
    const [right, bad] = await Promise.all([auth.verifyPassword(e.password, e.hash), auth.verifyPassword(wrong(e.password), e.hash)]);
    expect(right).toBe(true);
    expect(bad).toBe(false);
  });

  if (e.note?.includes(NON_NFKC)) {
    const nfkc = e.password.normalize("NFKC");
    const bothSpellings = e.algorithm === "scrypt-better-auth"; // better-auth normalised before hashing

    it.runIf(verifiesHere(e))(`is a non-NFKC password; its NFKC form ${bothSpellings ? "also verifies" : "does not verify (hashed as-is)"}`, async () => {
      expect(nfkc).not.toBe(e.password);
      expect(await auth.verifyPassword(nfkc, e.hash)).toBe(bothSpellings);
    });
  }

  if (e.note?.startsWith("exactly 72-byte")) {
    it.runIf(verifiesHere(e))("is exactly 72 bytes; a longer password never matches, though bcrypt alone would ignore the rest", async () => {
      expect(Buffer.byteLength(e.password)).toBe(72);
      expect(await auth.verifyPassword(e.password, e.hash)).toBe(true);
      expect(await auth.verifyPassword(`${e.password}extra`, e.hash)).toBe(false);
      expect(await auth.verifyPassword(`${e.password}!`, e.hash)).toBe(false);
      expect(await auth.verifyPassword(e.password.slice(0, -1), e.hash)).toBe(false);
    });
  }
});
