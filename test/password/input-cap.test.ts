import { describe, expect, it } from "vitest";
import { type AuthError, betterAuthScryptHasher, isCommonPassword, memoryStorage } from "../../src/index.js";
import { betterAuthPasswordHasher } from "../../src/better-auth/hasher.js";
import { verifyAnyFormat } from "../../src/password/formats.js";
import { MAX_PASSWORD_INPUT } from "../../src/password/limits.js";
import { checkPassword } from "../../src/password/policy.js";
import { fixture, makeAuth, normalizedLengths, rejectsWith } from "./helpers.js";
import { countingHasher } from "../helpers.js";

// Alternating combining classes (230, 220): NFKC reorders them with a quadratic sort. 131,073 units took
// 11 s of event loop in the attack suite; the tests below prove, by what is normalised and hashed, that it
// never reaches NFKC (no timing).
const MARKS_128K = `a${"\u0301\u0316".repeat(65_536)}`;
const OVER_CAP = `b${"\u0301\u0316".repeat(2_500)}`; // 5,001 units
const PASSWORD = "correct horse battery staple";
const POLICY = { minLength: 8, maxLength: 128, blockCommon: true };

const overCap = (lengths: number[]) => lengths.filter((n) => n > MAX_PASSWORD_INPUT);

describe("the password input cap (4,096 UTF-16 units, before NFKC or hashing)", () => {
  it("is the largest password.maxLength the options accept", () => {
    expect(MAX_PASSWORD_INPUT).toBe(4096);
    expect(() => makeAuth({ password: { maxLength: MAX_PASSWORD_INPUT } })).not.toThrow();
    expect(() => makeAuth({ password: { maxLength: MAX_PASSWORD_INPUT + 1 } })).toThrow(/maxLength/);
  });

  it("verifyPassword resolves false for 128k combining marks, in every format, normalising and hashing nothing", async () => {
    const { hasher, calls } = countingHasher();
    const auth = makeAuth({ password: { hasher } });
    const peppered = makeAuth({ password: { pepper: [{ id: "k1", secret: "pepper-secret-0123456789-abcdefghijkl" }] } });
    const hashes = [
      await auth.hashPassword(PASSWORD),
      fixture((e) => e.hash.startsWith("$2b$10$")).hash,
      fixture((e) => e.algorithm === "scrypt-better-auth").hash,
    ];
    const pepperedHash = await peppered.hashPassword(PASSWORD);
    calls.hash = 0;
    const results: boolean[] = [];
    const lengths = await normalizedLengths(async () => {
      for (const hash of hashes) results.push(await auth.verifyPassword(MARKS_128K, hash));
      results.push(await peppered.verifyPassword(MARKS_128K, pepperedHash));
    });
    expect(results).toEqual([false, false, false, false]);
    expect(overCap(lengths)).toEqual([]);
    expect(calls).toEqual({ hash: 0, verify: 0 });
  });

  it("exactly 4,096 units still hash and verify; 4,097 are refused unnormalised", async () => {
    const auth = makeAuth();
    const atCap = "ab".repeat(MAX_PASSWORD_INPUT / 2);
    const hash = await auth.hashPassword(atCap);
    let atCapResult: boolean | undefined;
    const atCapLengths = await normalizedLengths(async () => (atCapResult = await auth.verifyPassword(atCap, hash)));
    expect(atCapResult).toBe(true);
    expect(atCapLengths).toContain(MAX_PASSWORD_INPUT); // the spy sees what is normalised (control)
    const scrypt = await betterAuthScryptHasher().hash(atCap);
    expect(await auth.verifyPassword(atCap, scrypt)).toBe(true);
    let result: boolean | undefined;
    const lengths = await normalizedLengths(async () => (result = await auth.verifyPassword(`${atCap}a`, hash)));
    expect(result).toBe(false);
    expect(lengths).toEqual([]);
  });

  it("hashPassword rejects with INVALID_INPUT on the password field, before normalising or hashing", async () => {
    const { hasher, calls } = countingHasher();
    const auth = makeAuth({ password: { hasher } });
    let error: unknown;
    const lengths = await normalizedLengths(async () => (error = await rejectsWith(auth.hashPassword(OVER_CAP), "INVALID_INPUT")));
    expect(error).toMatchObject({ code: "INVALID_INPUT", field: "password", status: 400, message: "Password must be at most 4096 characters long." });
    expect(overCap(lengths)).toEqual([]);
    expect(calls.hash).toBe(0);
  });

  it("signin answers INVALID_INPUT for known and unknown users alike, with nothing normalised and no hash computed", async () => {
    const { hasher, calls } = countingHasher();
    const auth = makeAuth({ password: { hasher } });
    await auth.signup({ email: "ada@example.com", password: PASSWORD, username: "ada" });
    calls.hash = 0;
    calls.verify = 0;
    const errors: AuthError[] = [];
    const lengths = await normalizedLengths(async () => {
      for (const input of [{ email: "ada@example.com" }, { email: "nobody@example.com" }, { username: "ada" }, { username: "nobody" }]) {
        errors.push(await rejectsWith(auth.signin({ ...input, password: OVER_CAP }), "INVALID_INPUT"));
        errors.push(await rejectsWith(auth.signin({ ...input, password: MARKS_128K }), "INVALID_INPUT"));
      }
    });
    const shapes = new Set(errors.map((e) => JSON.stringify({ json: e.toJSON(), status: e.status, field: e.field, message: e.message })));
    expect(shapes.size).toBe(1);
    expect(errors[0]).toMatchObject({ code: "INVALID_INPUT", field: "password", status: 400 });
    expect(lengths.length).toBeGreaterThan(0); // the identifiers were normalised (control)
    expect(overCap(lengths)).toEqual([]);
    expect(calls).toEqual({ hash: 0, verify: 0 }); // not even the dummy hash of the one-answer rule
    await expect(auth.signin({ email: "ada@example.com", password: PASSWORD })).resolves.toBeDefined(); // no lock, no damage
  });

  it("signup answers INVALID_INPUT, normalising nothing over the cap and creating no user", async () => {
    const storage = memoryStorage();
    const auth = makeAuth({ storage });
    let error: unknown;
    const lengths = await normalizedLengths(
      async () => (error = await rejectsWith(auth.signup({ email: "ada@example.com", password: MARKS_128K }), "INVALID_INPUT")),
    );
    expect(error).toMatchObject({ code: "INVALID_INPUT", field: "password" });
    expect(overCap(lengths)).toEqual([]);
    expect(await storage.findUserByEmail("ada@example.com")).toBeNull();
  });

  it("the policy counts the cap in raw units: 4,096 pass with maxLength 4,096; 4,097 that NFKC would shrink are too_long", async () => {
    const policy = { ...POLICY, maxLength: MAX_PASSWORD_INPUT };
    const atCap = "ab".repeat(MAX_PASSWORD_INPUT / 2);
    const decomposed = `${"e\u0301".repeat(MAX_PASSWORD_INPUT / 2)}x`; // 4,097 units, 2,049 code points after NFKC
    expect(decomposed.normalize("NFKC").length).toBe(MAX_PASSWORD_INPUT / 2 + 1);
    const verdicts: unknown[] = [];
    const atCapLengths = await normalizedLengths(async () => verdicts.push(checkPassword(atCap, {}, policy)));
    const overLengths = await normalizedLengths(async () => verdicts.push(checkPassword(decomposed, {}, policy)?.reason));
    expect(verdicts).toEqual([null, "too_long"]);
    expect(atCapLengths).toContain(MAX_PASSWORD_INPUT); // normalised and checked (control)
    expect(overLengths).toEqual([]);
  });

  it("isCommonPassword looks an input of exactly 4,096 units up, and one of 4,097 not at all", async () => {
    const atCap = "ab".repeat(MAX_PASSWORD_INPUT / 2);
    const results: boolean[] = [];
    const lengths = await normalizedLengths(async () => {
      results.push(isCommonPassword(atCap), isCommonPassword(`${atCap}a`));
    });
    expect(results).toEqual([false, false]);
    expect(lengths).toEqual([MAX_PASSWORD_INPUT]);
  });

  it("the Better Auth bridge's verify and the building blocks refuse it unnormalised too", async () => {
    const argon = await makeAuth().hashPassword(PASSWORD);
    const scrypt = fixture((e) => e.algorithm === "scrypt-better-auth");
    const results: unknown[] = [];
    const lengths = await normalizedLengths(async () => {
      results.push(await betterAuthPasswordHasher().verify({ password: MARKS_128K, hash: argon }));
      results.push(await betterAuthPasswordHasher().verify({ password: OVER_CAP, hash: scrypt.hash }));
      results.push(await verifyAnyFormat(null, OVER_CAP, argon));
      results.push(await betterAuthScryptHasher().verify(OVER_CAP, scrypt.hash));
      results.push(isCommonPassword(`password${"\u0301\u0316".repeat(3000)}`));
      results.push(checkPassword(OVER_CAP, { email: "ada@example.com" }, POLICY)?.reason);
    });
    expect(results).toEqual([false, false, false, false, false, "too_long"]);
    expect(overCap(lengths)).toEqual([]);
    await expect(betterAuthScryptHasher().hash(OVER_CAP)).rejects.toThrow(RangeError);
  });
});
