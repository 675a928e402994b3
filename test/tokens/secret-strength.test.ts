/**
 * Plainly weak secrets are refused wherever a secret keys an HMAC — the `secret` option
 * (src/options.ts), the HS256 key ring (src/tokens/key-ring.ts) and the refresh-token codec
 * (src/tokens/refresh-token.ts) — while real random secrets always pass.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createKeyRing } from "../../src/tokens/key-ring.js";
import { RefreshTokenCodec } from "../../src/tokens/refresh-token.js";
import { MIN_SECRET_BITS, estimateSecretBits, secretProblem } from "../../src/tokens/secret-strength.js";
import { SECRET, makeAuth, rejectsWith, throwsWith } from "./helpers.js";
import { scaled } from "../support/test-run.js";

/** Secrets that plainly hold less than 128 bits though they are 32+ characters with 8+ different characters. */
const WEAK: Array<[string, string]> = [
  ['"abcdefgh".repeat(4)', "abcdefgh".repeat(4)],
  ["a repeated hex string", "0123456789abcdef".repeat(4)],
  ["a repeated random hex piece", randomBytes(8).toString("hex").repeat(4)],
  ["a repeated random base64 piece", randomBytes(9).toString("base64").repeat(3)],
  ['"deadbeef" x 8', "deadbeef".repeat(8)],
  ["a repeated passphrase", "correct-horse-".repeat(3)],
  ["random binary digits, then 8 letters (mostly a tiny alphabet)", `${[...randomBytes(36)].map((b) => "01"[b & 1]).join("")}abcdefgh`],
  ["random text over 4 letters", [...randomBytes(36)].map((b) => "abcd"[b % 4]).join("")],
];

const generators: Array<[string, () => string]> = [
  ["openssl rand -base64 32", () => randomBytes(32).toString("base64")],
  ["openssl rand -hex 32", () => randomBytes(32).toString("hex")],
  ['randomBytes(32).toString("base64url")', () => randomBytes(32).toString("base64url")],
];

describe("weak secrets are refused, with how to make a good one, and never echoed", () => {
  it.each(WEAK)("%s: the secret option is CONFIG_ERROR", (_name, secret) => {
    expect([...secret].length).toBeGreaterThanOrEqual(32);
    expect(new Set(secret).size).toBeGreaterThanOrEqual(2);
    const err = throwsWith(() => makeAuth({ secret }), "CONFIG_ERROR");
    expect(err.message).toContain("openssl rand -base64 32");
    expect(err.message).not.toContain(secret);
    expect(err.message).not.toContain(secret.slice(0, 8));
  });

  it.each(WEAK)("%s: the HS256 key ring refuses it too", async (_name, secret) => {
    const err = await rejectsWith(createKeyRing("HS256", secret), "CONFIG_ERROR");
    expect(err.message).toContain("openssl rand -base64 32");
  });

  it.each(WEAK)("%s: the refresh-token codec refuses it too", (_name, secret) => {
    const err = throwsWith(() => new RefreshTokenCodec(secret), "CONFIG_ERROR");
    expect(err.message).not.toContain(secret);
  });

  it("too short is still refused (32 code points), naming the command", () => {
    expect(throwsWith(() => makeAuth({ secret: randomBytes(16).toString("base64").slice(0, 31) }), "CONFIG_ERROR").message).toContain(
      "openssl rand -base64 32",
    );
    throwsWith(() => new RefreshTokenCodec("x".repeat(31)), "CONFIG_ERROR");
  });
});

describe("random secrets always pass", () => {
  it.each(generators)(`${scaled(10_000)} outputs of %s all pass, far above the bar`, (_name, make) => {
    let lowest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < scaled(10_000); i++) {
      const secret = make();
      expect(secretProblem(secret)).toBeNull();
      lowest = Math.min(lowest, estimateSecretBits(secret));
    }
    expect(lowest).toBeGreaterThan(MIN_SECRET_BITS + 64); // margin: about 230-260 bits measured
  });

  it.each(generators)("%s works end to end: option, HS256 ring and codec", async (_name, make) => {
    const secret = make();
    const auth = makeAuth({ secret });
    await expect(auth.verifyAccessToken(await auth.createAccessToken({ userId: "u" }))).resolves.toMatchObject({ sub: "u" });
    expect(() => new RefreshTokenCodec(secret)).not.toThrow();
  });

  it("the tests' hand-made secrets pass", () => {
    for (const secret of [
      SECRET,
      "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
      "Zq3vX9pL2mN8bR4tY7wK1cF6hJ0dS5gA",
      "attacker-secret-0123456789abcdefghijkl",
    ]) {
      expect(secretProblem(secret)).toBeNull();
    }
  });
});

/**
 * The estimate by its documented rule, on strings small enough to count by hand: symbols (a repeat of 6+
 * earlier characters counts as one) times log2 of the alphabet, the alphabet being the smallest class
 * holding every character but at most twice the effective number of characters, n(n-1) / sum c(c-1).
 */
describe("estimateSecretBits, counted by hand", () => {
  it.each<[string, string, number]>([
    ["empty", "", 0],
    ["one letter: no pair, the class alone (26)", "x", Math.log2(26)],
    ['"aabb": 4 symbols; effective 4*3/(2+2) = 3, so an alphabet of 6', "aabb", 4 * Math.log2(6)],
    ["36 distinct digits and letters: 36 symbols of 36", "abcdefghijklmnopqrstuvwxyz0123456789", 36 * Math.log2(36)],
    ["a repeat of 6 counts as one symbol: 10 + 1 + 6", "abcdefghij" + "abcdef" + "klmnop", 17 * Math.log2(26)],
    ["a repeat of 5 does not: 21 symbols", "abcdefghij" + "abcde" + "klmnop", 21 * Math.log2(26)],
    ["a character in no class (1024 assumed)", "é", 10],
  ])("%s", (_name, secret, bits) => {
    expect(estimateSecretBits(secret)).toBeCloseTo(bits, 9);
  });

  it("only the first 256 code points are scored", () => {
    expect(estimateSecretBits(`${"a".repeat(256)}${randomBytes(32).toString("base64url")}`)).toBe(estimateSecretBits("a".repeat(256)));
  });

  it("36 random-looking digits hold under 128 bits (36 x log2 10) and are refused", () => {
    expect(secretProblem("830174956218374650192837465019283746")).toMatch(/^is too weak/);
  });

  it("a strong secret outside ASCII passes", () => {
    expect(secretProblem("ключ-Σ-密钥-" + randomBytes(24).toString("base64url"))).toBeNull();
  });

  it("exactly 128 bits is enough: 32 hex digits, each used twice, no repeat of two", () => {
    const secret = "0123456789abcdef" + "fedcba9876543210";
    expect(estimateSecretBits(secret)).toBe(128);
    expect(secretProblem(secret)).toBeNull();
  });

  it("a secret that is not a string: its own message", () => {
    expect(secretProblem(42)).toBe("must be a string (generate one with `openssl rand -base64 32`)");
  });
});
