import { describe, expect, it } from "vitest";
import type { PasswordHasher } from "../../src/index.js";
import { normalizedCandidates, verifyAnyFormat } from "../../src/password/formats.js";
import { countingHasher } from "../helpers.js";
import { fixture, makeAuth, normalizedLengths, rejectsWith } from "./helpers.js";

const PASSWORD = "correct horse battery staple";
const auth = makeAuth();
const argon = await auth.hashPassword(PASSWORD);
const bcrypt = fixture((e) => e.hash.startsWith("$2b$10$") && e.password === "password123");
const scrypt = fixture((e) => e.algorithm === "scrypt-better-auth" && e.password === "password123");

/** Resolves what verifyPassword resolved to, or "threw" if it threw or rejected. */
async function outcome(password: unknown, hash: unknown): Promise<boolean | "threw"> {
  try {
    return await auth.verifyPassword(password as string, hash as string);
  } catch {
    return "threw";
  }
}

describe("verifyPassword resolves false and never throws", () => {
  it("for a wrong password, in every format", async () => {
    expect(await outcome(PASSWORD, argon)).toBe(true); // control
    expect(await outcome("correct horse battery stapler", argon)).toBe(false);
    expect(await outcome(bcrypt.password, bcrypt.hash)).toBe(true);
    expect(await outcome("password124", bcrypt.hash)).toBe(false);
    expect(await outcome(scrypt.password, scrypt.hash)).toBe(true);
    expect(await outcome("password124", scrypt.hash)).toBe(false);
    expect(await outcome("", argon)).toBe(false);
  });

  it("for truncated hashes of every format", async () => {
    for (const hash of [argon, bcrypt.hash, scrypt.hash]) {
      for (const cut of [1, 7, 20, 30, hash.length - 20, hash.length - 2, hash.length - 1]) {
        expect(await outcome(PASSWORD, hash.slice(0, cut)), hash.slice(0, cut)).toBe(false);
        expect(await outcome(bcrypt.password, hash.slice(0, cut))).toBe(false);
      }
    }
  });

  it("for malformed and unknown hashes", async () => {
    const [, , params, salt, tag] = argon.split("$") as [string, string, string, string, string, string];
    const malformed = [
      "plaintext-password",
      PASSWORD, // a "hash" equal to the password
      "$argon2id$",
      `$argon2id$v=19$${params}$${salt}$`,
      `$argon2id$v=19$${params}$$${tag}`,
      `$argon2id$v=19$m=0,t=0,p=0$${salt}$${tag}`,
      `$argon2id$v=19$m=19456,t=2,p=1$${salt}$${tag}!`,
      `$argon2x$v=19$m=19456,t=2,p=1$${salt}$${tag}`,
      `$argon2id$v=99$${params.split("$")[1] ?? "m=19456,t=2,p=1"}$${salt}$${tag}`,
      `$argon2id$v=19$m=19456,t=2,p=1$${salt}$${"A".repeat(3)}`,
      ` ${argon}`,
      `${argon}\n`,
      "$2b$99$" + bcrypt.hash.slice(7),
      "$2b$03$" + bcrypt.hash.slice(7),
      bcrypt.hash.replace("$2b$", "$2x$"),
      "$1$saltsalt$hashhashhashhashhash", // md5-crypt
      "$6$rounds=5000$salt$hash", // sha512-crypt
      "pbkdf2_sha256$600000$salt$hash=", // Django
      "{SSHA}aGFzaA==",
      scrypt.hash.toUpperCase().replace(":", "::"),
      "0".repeat(32) + ":" + "0".repeat(128), // well-formed scrypt, just wrong
      "\u0000".repeat(64),
    ];
    for (const hash of malformed) expect(await outcome("password123", hash), JSON.stringify(hash)).toBe(false);
  });

  it("for an empty hash", async () => {
    expect(await outcome(PASSWORD, "")).toBe(false);
    expect(await outcome("", "")).toBe(false);
  });

  it("for non-string passwords and hashes", async () => {
    const values: unknown[] = [
      undefined,
      null,
      0,
      42,
      Number.NaN,
      1n,
      true,
      {},
      [],
      [PASSWORD],
      { toString: () => PASSWORD },
      Buffer.from(PASSWORD),
      Symbol("x"),
      () => PASSWORD,
      new String(PASSWORD),
    ];
    for (const v of values) {
      expect(await outcome(v, argon), String(typeof v)).toBe(false);
      expect(await outcome(PASSWORD, v), String(typeof v)).toBe(false);
      expect(await outcome(v, v), String(typeof v)).toBe(false);
    }
  });

  it("for a huge hash string, without normalising the password or calling a hasher", async () => {
    const calls: string[] = [];
    const custom: PasswordHasher = { hash: async () => "x", verify: async (_p, h) => (calls.push(h), false) };
    const withCustom = makeAuth({ password: { hasher: custom } });
    const results: boolean[] = [];
    const lengths = await normalizedLengths(async () => {
      for (const hash of [
        `${argon}${"A".repeat(1_000_000)}`,
        `$argon2id$v=19$m=19456,t=2,p=1$${"A".repeat(2_000_000)}$${"B".repeat(43)}`,
        "$".repeat(5_000_000),
        `${bcrypt.hash}${" ".repeat(2000)}`,
      ]) {
        results.push(await withCustom.verifyPassword(PASSWORD, hash));
      }
    });
    expect(results).toEqual([false, false, false, false]);
    expect(lengths).toEqual([]); // refused on its length, before any work on the password
    expect(calls).toEqual([]);
  });

  it("a custom hasher sees stored hashes of 1 to 1,024 characters, never an empty or a longer one", async () => {
    const seen: number[] = [];
    const custom: PasswordHasher = { hash: async (p) => `c:${p}`, verify: async (p, h) => (seen.push(h.length), h.startsWith(`c:${p}`)) };
    const withCustom = makeAuth({ password: { hasher: custom } });
    const stored = (length: number) => `c:${PASSWORD}`.padEnd(length, "~");
    expect(await withCustom.verifyPassword(PASSWORD, stored(1024))).toBe(true);
    expect(await withCustom.verifyPassword(PASSWORD, stored(1025))).toBe(false);
    expect(await verifyAnyFormat({ hash: async () => "", verify: async () => true }, PASSWORD, "")).toBe(false); // a hasher that says yes to anything
    expect(seen).toEqual([1024]);
  });

  it("when a custom hasher's verify throws, and the built-in formats still verify", async () => {
    const custom: PasswordHasher = {
      hash: async () => {
        throw new Error("boom");
      },
      verify: async () => {
        throw new Error("boom");
      },
    };
    const withCustom = makeAuth({ password: { hasher: custom } });
    expect(await withCustom.verifyPassword(PASSWORD, argon)).toBe(true);
    expect(await withCustom.verifyPassword("wrong password", argon)).toBe(false);
    expect(await withCustom.verifyPassword(PASSWORD, "custom:format")).toBe(false);
  });

  it("a custom hasher's own format verifies, and a non-boolean truthy answer does not count", async () => {
    const custom: PasswordHasher = {
      hash: async (p) => `custom:${p}`,
      verify: async (p, h) => (h === "custom:yes" ? ("yes" as unknown as boolean) : h === `custom:${p}`),
    };
    const withCustom = makeAuth({ password: { hasher: custom } });
    expect(await withCustom.verifyPassword("a custom password", "custom:a custom password")).toBe(true);
    expect(await withCustom.verifyPassword("a custom password", "custom:another")).toBe(false);
    expect(await withCustom.verifyPassword("a custom password", "custom:yes")).toBe(false);
  });
});

describe("NFKC candidates", () => {
  it("tries the NFKC form, then the exact input only when it differs", () => {
    expect(normalizedCandidates("plain ascii")).toEqual(["plain ascii"]);
    expect(normalizedCandidates("ﬁne")).toEqual(["fine", "ﬁne"]);
    expect(normalizedCandidates("cafe\u0301")).toEqual(["café", "cafe\u0301"]);
  });

  it("verifyAnyFormat needs the exact-input fallback for hashes of non-NFKC bytes", async () => {
    const e = fixture((x) => x.algorithm === "argon2id" && x.note?.includes("U+FB01") === true && x.source.startsWith("python"));
    expect(await verifyAnyFormat(null, e.password, e.hash)).toBe(true);
    expect(await verifyAnyFormat(null, e.password.normalize("NFKC"), e.hash)).toBe(false);
  });
});

describe("the dummy hash that unknown users are verified against", () => {
  it("is made once, for every unknown-user signin after the first", async () => {
    const { hasher, calls } = countingHasher();
    const withCounter = makeAuth({ password: { hasher }, rateLimit: false });
    for (const who of ["nobody@example.com", "noone@example.com", "nobody@example.com"]) {
      await rejectsWith(withCounter.signin({ email: who, password: "a wrong passphrase" }), "INVALID_CREDENTIALS");
    }
    expect(calls).toEqual({ hash: 1, verify: 3 });
  });

  it("is made again after a failed attempt, so one hasher failure does not break unknown-user signins for good", async () => {
    let failures = 1;
    const flaky: PasswordHasher = {
      hash: async (p) => {
        if (failures-- > 0) throw new Error("hasher unavailable");
        return `plain:${p}`;
      },
      verify: async (p, h) => h === `plain:${p}`,
    };
    const withFlaky = makeAuth({ password: { hasher: flaky }, rateLimit: false });
    await expect(withFlaky.signin({ email: "nobody@example.com", password: "a wrong passphrase" })).rejects.toThrow();
    await rejectsWith(withFlaky.signin({ email: "nobody@example.com", password: "a wrong passphrase" }), "INVALID_CREDENTIALS");
  });
});
