import { describe, expect, it } from "vitest";
import { randomId, randomToken } from "../src/ids.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Pearson's chi-square statistic of `counts` against a uniform expectation. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

describe("randomId", () => {
  it("has the asked length, from [A-Za-z0-9] only", () => {
    for (const length of [1, 16, 32, 43, 300, 5000]) {
      const id = randomId(length);
      expect(id).toHaveLength(length);
      expect(id).toMatch(/^[A-Za-z0-9]+$/);
    }
    expect(randomId()).toHaveLength(32);
  });

  it("favours no symbol (chi-square over 124,000 characters; modulo bias would score ~800)", () => {
    const counts = new Array<number>(62).fill(0);
    for (let i = 0; i < 3_875; i++) for (const ch of randomId(32)) counts[ALPHABET.indexOf(ch)]!++;
    // 61 degrees of freedom: mean 61, standard deviation 11; 150 is 8 deviations out
    expect(chiSquare(counts)).toBeLessThan(150);
  });
});

describe("randomToken", () => {
  it("encodes the asked number of bytes as unpadded base64url", () => {
    for (const bytes of [1, 16, 32, 256, 257, 5000]) {
      const token = randomToken(bytes);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(token, "base64url")).toHaveLength(bytes);
    }
  });

  it("never repeats across pool refills (10,000 tokens of 32 bytes = 78 refills)", () => {
    const seen = new Set(Array.from({ length: 10_000 }, () => randomToken(32)));
    expect(seen.size).toBe(10_000);
  });

  it("spreads evenly over the byte values (chi-square over 102,400 bytes; zeroed or reused pool bytes would score in the thousands)", () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 3_200; i++) for (const b of Buffer.from(randomToken(32), "base64url")) counts[b]!++;
    // 255 degrees of freedom: mean 255, standard deviation 22.6; 436 is 8 deviations out
    expect(chiSquare(counts)).toBeLessThan(436);
  });
});
