// Stored argon2 hashes with absurd costs are refused before the addon is asked to verify them: without the
// limits it would try to allocate m KiB (4 TiB here) or run t passes (4 billion here). The addon is the real
// one, wrapped only to count its verify calls — so the proof is "never started", not a wall-clock bound.
import { describe, expect, it, vi } from "vitest";

const calls = vi.hoisted(() => ({ verify: 0 }));
vi.mock("@node-rs/argon2", async (importOriginal) => {
  const real = await importOriginal<typeof import("@node-rs/argon2")>();
  return { ...real, verify: (...args: Parameters<typeof real.verify>) => (calls.verify++, real.verify(...args)) };
});

const { hash } = await import("@node-rs/argon2");
const { ARGON2_VERIFY_LIMITS, argon2idHasher, withinArgon2VerifyLimits } = await import("../../src/password/argon2.js");
const { makeAuth } = await import("./helpers.js");

const salt = Buffer.alloc(16, 7).toString("base64").replace(/=+$/, "");
const tag = Buffer.alloc(32, 9).toString("base64").replace(/=+$/, "");

describe("argon2 cost limits on verify", () => {
  it.each([
    ["m", `$argon2id$v=19$m=4294967295,t=1,p=1$${salt}$${tag}`],
    ["t", `$argon2id$v=19$m=8,t=4294967295,p=1$${salt}$${tag}`],
    ["m beyond 2 GiB", `$argon2id$v=19$m=${ARGON2_VERIFY_LIMITS.memoryCost + 1},t=1,p=1$${salt}$${tag}`],
    ["t beyond the limit", `$argon2id$v=19$m=19456,t=${ARGON2_VERIFY_LIMITS.timeCost + 1},p=1$${salt}$${tag}`],
    ["p", `$argon2id$v=19$m=19456,t=2,p=256$${salt}$${tag}`],
  ])("a hash with an absurd %s resolves false without reaching the addon", async (_, phc) => {
    const before = calls.verify;
    expect(await makeAuth().verifyPassword("password123", phc)).toBe(false);
    expect(calls.verify).toBe(before);
  });

  it("the limits are inclusive: m = 2 GiB, t = 64 and p = 255 are within them, one more is not", () => {
    const phc = (m: number, t: number, p: number) => `$argon2id$v=19$m=${m},t=${t},p=${p}$${salt}$${tag}`;
    const { memoryCost: m, timeCost: t, parallelism: p } = ARGON2_VERIFY_LIMITS;
    expect([m, t, p]).toEqual([2 ** 21, 64, 255]);
    expect(withinArgon2VerifyLimits(phc(m, t, p))).toBe(true);
    expect(withinArgon2VerifyLimits(phc(m + 1, 1, 1))).toBe(false);
    expect(withinArgon2VerifyLimits(phc(8, t + 1, 1))).toBe(false);
    expect(withinArgon2VerifyLimits(phc(2048, 1, p + 1))).toBe(false);
    expect(withinArgon2VerifyLimits("$2b$10$not-argon2")).toBe(false);
  });

  it("a real hash at t = 64 and one at p = 255 (small m) do reach the addon and verify", async () => {
    const atT = await hash("password123", { algorithm: 2, memoryCost: 8, timeCost: 64, parallelism: 1 });
    const atP = await hash("password123", { algorithm: 2, memoryCost: 8 * 255, timeCost: 1, parallelism: 255 });
    const before = calls.verify;
    expect(await makeAuth().verifyPassword("password123", atT)).toBe(true);
    expect(await makeAuth().verifyPassword("password123", atP)).toBe(true);
    expect(calls.verify).toBe(before + 2);
  });

  it("both guards hold on their own: argon2idHasher().verify, and a custom hasher never sees such a hash", async () => {
    const absurd = `$argon2id$v=19$m=8,t=${ARGON2_VERIFY_LIMITS.timeCost + 1},p=1$${salt}$${tag}`;
    const before = calls.verify;
    expect(await argon2idHasher().verify("password123", absurd)).toBe(false);
    expect(calls.verify).toBe(before);
    const seen: string[] = [];
    const custom = { hash: async (p: string) => p, verify: async (_p: string, h: string) => (seen.push(h), true) };
    expect(await makeAuth({ password: { hasher: custom } }).verifyPassword("password123", absurd)).toBe(false);
    expect(seen).toEqual([]);
  });

  it("control: a hash within the limits does reach the addon (the counter sees real verifications)", async () => {
    const phc = await hash("password123", { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const before = calls.verify;
    expect(await makeAuth().verifyPassword("password123", phc)).toBe(true);
    expect(calls.verify).toBe(before + 1);
  });
});
