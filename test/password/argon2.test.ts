import { hash as addonHash, hashSync, parseOptions, verify as addonVerify, type Options } from "@node-rs/argon2";
import { describe, expect, it } from "vitest";
import { ARGON2_DEFAULTS, argon2idHasher } from "../../src/index.js";
import { isArgon2Hash, parseArgon2 } from "../../src/password/argon2.js";
import { b64, fixture, makeAuth, rejectsWith, throwsWith } from "./helpers.js";

const DEFAULT_PHC = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
const PASSWORD = "correct horse battery staple";

describe("default hash (argon2id, OWASP minimum)", () => {
  const auth = makeAuth();

  it("is an argon2id v=19 PHC string with m=19456,t=2,p=1, a 16-byte salt and a 32-byte tag", async () => {
    const phc = await auth.hashPassword(PASSWORD);
    const m = DEFAULT_PHC.exec(phc);
    expect(m, phc).not.toBeNull();
    expect(b64(m![1]!)).toHaveLength(16);
    expect(b64(m![2]!)).toHaveLength(32);
    // The addon's own parser agrees (algorithm 2 = argon2id, version 1 = 0x13).
    expect(parseOptions(phc)).toMatchObject({ algorithm: 2, version: 1, memoryCost: 19456, timeCost: 2, parallelism: 1, saltLen: 16 });
    expect(await auth.verifyPassword(PASSWORD, phc)).toBe(true);
    expect(await auth.verifyPassword(`${PASSWORD}!`, phc)).toBe(false);
  });

  it("uses a fresh salt each time: two hashes of one password differ and both verify", async () => {
    const [a, b] = await Promise.all([auth.hashPassword(PASSWORD), auth.hashPassword(PASSWORD)]);
    expect(a).not.toBe(b);
    expect(a.split("$")[4]).not.toBe(b.split("$")[4]); // the salts differ, not only the tags
    expect(await auth.verifyPassword(PASSWORD, a)).toBe(true);
    expect(await auth.verifyPassword(PASSWORD, b)).toBe(true);
  });

  it("hashes the NFKC form of the password", async () => {
    const typed = "ｑｕｉｅｔ　ｈａｒｂｏｒ ４２"; // full-width letters, digits and space
    const nfkc = typed.normalize("NFKC");
    expect(nfkc).toBe("quiet harbor 42");
    const phc = await auth.hashPassword(typed);
    expect(await addonVerify(phc, nfkc)).toBe(true);
    expect(await addonVerify(phc, typed)).toBe(false);
  });

  it("refuses an empty or non-string password, or one with a lone surrogate, with INVALID_INPUT", async () => {
    for (const bad of ["", undefined, null, 12345678, {}, "a long enough password \uD800", "\uDC00 a long enough password"]) {
      const err = await rejectsWith(auth.hashPassword(bad as unknown as string), "INVALID_INPUT");
      expect(err.field).toBe("password");
      expect(err.message).toBe("A password is required, as valid Unicode text.");
    }
  });
});

describe("password.argon2 options", () => {
  it("can raise the costs, and new hashes carry them", async () => {
    const auth = makeAuth({ password: { argon2: { memoryCost: 32768, timeCost: 3, parallelism: 2 } } });
    const phc = await auth.hashPassword(PASSWORD);
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=32768,t=3,p=2\$/);
    expect(await auth.verifyPassword(PASSWORD, phc)).toBe(true);
  });

  it("keeps the other defaults when raising one cost", async () => {
    const phc = await makeAuth({ password: { argon2: { timeCost: 3 } } }).hashPassword(PASSWORD);
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=3,p=1\$/);
  });

  it.each([{ memoryCost: 19455 }, { memoryCost: 4096 }, { timeCost: 1 }, { parallelism: 0 }, { memoryCost: 19456.5 }])(
    "refuses to lower or break a cost at construction: %o -> CONFIG_ERROR",
    (argon2) => {
      const err = throwsWith(() => makeAuth({ password: { argon2 } }), "CONFIG_ERROR");
      expect(err.message).toContain("password.argon2");
    },
  );

  it("accepts exactly the defaults", () => {
    expect(() => makeAuth({ password: { argon2: { ...ARGON2_DEFAULTS } } })).not.toThrow();
  });
});

describe("argon2idHasher()", () => {
  it("defaults to the OWASP parameters and verifies its own hashes", async () => {
    const hasher = argon2idHasher();
    expect(hasher.id).toBe("argon2id");
    const phc = await hasher.hash(PASSWORD);
    expect(phc).toMatch(DEFAULT_PHC);
    expect(await hasher.verify(PASSWORD, phc)).toBe(true);
    expect(await hasher.verify("not the password", phc)).toBe(false);
  });

  it("uses the given parameters", async () => {
    const phc = await argon2idHasher({ memoryCost: 24576, timeCost: 4, parallelism: 1 }).hash(PASSWORD);
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=24576,t=4,p=1\$/);
  });

  it("resolves false for formats that are not argon2", async () => {
    const hasher = argon2idHasher();
    const bcrypt = fixture((e) => e.algorithm === "bcrypt");
    const scrypt = fixture((e) => e.algorithm === "scrypt-better-auth");
    expect(await hasher.verify(bcrypt.password, bcrypt.hash)).toBe(false);
    expect(await hasher.verify(scrypt.password, scrypt.hash)).toBe(false);
  });
});

describe("parseArgon2 / isArgon2Hash", () => {
  it("reads variant, version and costs", () => {
    expect(parseArgon2(fixture((e) => e.note?.startsWith("legacy Argon2 v1.0") === true).hash)).toEqual({
      variant: "i",
      version: 16,
      params: { memoryCost: 4096, timeCost: 3, parallelism: 1 },
    });
    expect(parseArgon2(fixture((e) => e.algorithm === "argon2d").hash)?.variant).toBe("d");
    expect(parseArgon2("$argon2id$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g")?.version).toBe(16); // no v= means 1.0
  });

  it("rejects what is not an argon2 PHC string", () => {
    for (const s of ["", "$argon2$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=8,t=1$c2FsdA$aGFzaA", "$2b$10$abc", "argon2id"]) {
      expect(isArgon2Hash(s), s).toBe(false);
      expect(parseArgon2(s), s).toBeNull();
    }
  });
});

describe("verification limits", () => {
  // Absurd costs are refused before the addon runs: test/password/argon2-limits.test.ts.
  it("still verifies real hashes with large costs (m=102400, p=8)", async () => {
    const e = fixture((x) => x.hash.includes("m=102400,t=2,p=8"));
    expect(await makeAuth().verifyPassword(e.password, e.hash)).toBe(true);
  });
});

describe("hashing runs off the event loop", () => {
  /**
   * Starts a 1 ms timer and a 1 ms interval, then the work; reports when the timer fired relative to
   * the end of the work. A blocked loop cannot run the timer before the work is done.
   */
  async function probe(start: () => Promise<unknown>[]) {
    const t0 = performance.now();
    let timerAt = Number.POSITIVE_INFINITY;
    let ticks = 0;
    const timer = setTimeout(() => (timerAt = performance.now()), 1);
    const interval = setInterval(() => ticks++, 1);
    try {
      await Promise.all(start());
      return { timerAt: timerAt - t0, doneAt: performance.now() - t0, ticks };
    } finally {
      clearTimeout(timer);
      clearInterval(interval);
    }
  }

  it("the probe detects a blocked loop (control: the addon's synchronous hash)", async () => {
    const options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as Options;
    const r = await probe(() => Array.from({ length: 8 }, () => Promise.resolve(hashSync(PASSWORD, options))));
    expect(r.timerAt).toBe(Number.POSITIVE_INFINITY);
    expect(r.ticks).toBe(0);
  });

  it("a 1 ms timer fires while 8 hashPassword calls are still running", { retry: 2 }, async () => {
    const auth = makeAuth();
    const r = await probe(() => Array.from({ length: 8 }, (_, i) => auth.hashPassword(`${PASSWORD} ${i}`)));
    expect(r.timerAt).toBeLessThan(r.doneAt);
    expect(r.ticks).toBeGreaterThanOrEqual(2);
  });

  it("verification is off the loop too", { retry: 2 }, async () => {
    const auth = makeAuth();
    const phc = await addonHash(PASSWORD, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as Options);
    const r = await probe(() => Array.from({ length: 8 }, () => auth.verifyPassword(PASSWORD, phc)));
    expect(r.timerAt).toBeLessThan(r.doneAt);
  });
});
