/**
 * Exact rules, each with a test of its own: the verified-token
 * cache's key-ring reset, admission and eviction; the refresh-token tag and hash checks (refused before
 * storage is touched); and the exact edges of exp, nbf, iat and the clock tolerance on every path.
 */
import { describe, expect, it } from "vitest";
import { generateSigningKey, memoryStorage, type AuthSkill, type PasswordHasher, type StorageAdapter } from "../../src/index.js";
import { signAccessToken, type AccessTokenSettings } from "../../src/tokens/access-token-jwt.js";
import { VerifiedTokenCache } from "../../src/tokens/verified-token-cache.js";
import { createKeyRing, type KeyRing } from "../../src/tokens/key-ring.js";
import { RefreshTokenCodec } from "../../src/tokens/refresh-token.js";
import { SECRET, T0, frozenClock, hmacToken, makeAuth, rejectsWith, validClaims, outcome } from "./helpers.js";

const cheapHasher: PasswordHasher = { hash: async () => "cheap$x", verify: async (p) => p === "correct horse battery" };

/** The same ring, with every synchronous signature check counted: a cache hit checks nothing. */
function counted(ring: KeyRing): { ring: KeyRing; checks: () => number } {
  let n = 0;
  const syncChecks = new Map([...ring.syncChecks].map(([header, check]) => [header, (input: string, sig: Buffer) => (n++, check(input, sig))] as const));
  return { ring: { ...ring, syncChecks }, checks: () => n };
}

const settings = (clock = frozenClock()): AccessTokenSettings => ({
  issuer: "auth-skill",
  audience: "auth-skill",
  ttlMs: 900_000,
  clockToleranceMs: 5000,
  now: clock.now,
});

describe("verified-token cache", () => {
  it("a key-ring change empties it: a cached token of a rotated-out key is refused", async () => {
    const oldKey = await generateSigningKey("EdDSA", { kid: "old" });
    const newKey = await generateSigningKey("EdDSA", { kid: "new" });
    const s = settings();
    const { token } = await signAccessToken(await createKeyRing("EdDSA", "", [oldKey]), s, { userId: "u" });
    const both = await createKeyRing("EdDSA", "", [newKey, oldKey]);
    const onlyNew = await createKeyRing("EdDSA", "", [newKey]);
    const cache = new VerifiedTokenCache(10);
    await cache.verify(token, s, both);
    await cache.verify(token, s, both); // second sighting: cached
    await expect(cache.verify(token, s, both)).resolves.toMatchObject({ sub: "u" }); // a hit
    await rejectsWith(cache.verify(token, s, onlyNew), "TOKEN_INVALID");
    await expect(cache.verify(token, s, both)).resolves.toMatchObject({ sub: "u" }); // back to a ring holding the key: verified afresh
  });

  it("admission: the first sighting is verified and not kept, the second is verified and kept, later ones are hits", async () => {
    const s = settings();
    const { ring, checks } = counted(await createKeyRing("HS256", SECRET));
    const cache = new VerifiedTokenCache(10);
    const { token } = await signAccessToken(ring, s, { userId: "u" });
    const other = (await signAccessToken(ring, s, { userId: "v" })).token;
    await cache.verify(token, s, ring);
    expect(checks()).toBe(1);
    await cache.verify(token, s, ring);
    expect(checks()).toBe(2); // not yet cached after one sighting
    await cache.verify(token, s, ring);
    await cache.verify(token, s, ring);
    expect(checks()).toBe(2); // cached after the second
    await cache.verify(other, s, ring);
    expect(checks()).toBe(3); // another token is its own first sighting
  });

  it("a token that failed verification is never admitted", async () => {
    const s = settings();
    const { ring, checks } = counted(await createKeyRing("HS256", SECRET));
    const cache = new VerifiedTokenCache(10);
    const bad = hmacToken({ alg: "HS256", typ: "at+jwt" }, validClaims(T0), `${SECRET}-other`);
    for (let i = 0; i < 3; i++) await rejectsWith(cache.verify(bad, s, ring), "TOKEN_INVALID");
    expect(checks()).toBe(3);
  });

  it("capacity: least recently used goes first, and a hit counts as a use", async () => {
    const s = settings();
    const { ring, checks } = counted(await createKeyRing("HS256", SECRET));
    const cache = new VerifiedTokenCache(2);
    const [a, b, c] = await Promise.all(["a", "b", "c"].map(async (u) => (await signAccessToken(ring, s, { userId: u })).token));
    const admit = async (t: string) => {
      await cache.verify(t, s, ring);
      await cache.verify(t, s, ring);
    };
    await admit(a!);
    await admit(b!);
    let before = checks();
    await cache.verify(a!, s, ring); // hit: a becomes the most recently used
    expect(checks()).toBe(before);
    await admit(c!); // evicts b, the least recently used
    before = checks();
    await cache.verify(a!, s, ring);
    await cache.verify(c!, s, ring);
    expect(checks()).toBe(before); // a and c are hits
    await cache.verify(b!, s, ring);
    expect(checks()).toBe(before + 1); // b was evicted
  });
});

/** memoryStorage with every call recorded. */
function countingStorage(): { storage: StorageAdapter; calls: string[] } {
  const inner = memoryStorage();
  const calls: string[] = [];
  const storage = new Proxy(inner, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { storage, calls };
}

describe("refresh tokens: the tag is checked before storage is touched", () => {
  async function signedUp(): Promise<{ auth: AuthSkill; calls: string[]; refreshToken: string; sessionId: string }> {
    const { storage, calls } = countingStorage();
    const auth = makeAuth({ storage, rateLimit: false, password: { hasher: cheapHasher } });
    const { refreshToken, sessionId } = await auth.signup({ email: "ada@example.com", password: "correct horse battery" });
    calls.length = 0;
    return { auth, calls, refreshToken, sessionId };
  }

  const withTag = (token: string, tag: string) => `${token.slice(0, token.lastIndexOf(".") + 1)}${tag}`;

  it.each<[string, (token: string) => string]>([
    ["one tag character changed", (t) => withTag(t, `${t.slice(-22, -1)}${t.endsWith("A") ? "B" : "A"}`)],
    ["an all-zero tag", (t) => withTag(t, "A".repeat(22))],
    ["the tag of another secret", (t) => withTag(t, new RefreshTokenCodec(`${SECRET}-other`).mint("x".repeat(16), 0).slice(-22))],
    ["a forged older generation (a fake replay)", (t) => withTag(t.replace(/\.0\./, ".1."), t.slice(-22))],
  ])("%s: TOKEN_INVALID with zero storage calls, and the session lives on", async (_name, forge) => {
    const { auth, calls, refreshToken } = await signedUp();
    const forged = forge(refreshToken);
    expect(forged).not.toBe(refreshToken);
    expect(forged).toMatch(/^[A-Za-z0-9_-]{8}\.[A-Za-z0-9]{16,64}\.\d{1,10}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{22}$/); // well-formed: only the tag is wrong
    await rejectsWith(auth.refresh(forged), "TOKEN_INVALID");
    expect(calls).toEqual([]);
    await expect(auth.refresh(refreshToken)).resolves.toMatchObject({ tokenType: "Bearer" });
  });

  it("a forged tag on a rotated-away generation cannot revoke the session (no reuse, no storage call)", async () => {
    const { auth, calls, refreshToken } = await signedUp();
    const next = await auth.refresh(refreshToken);
    calls.length = 0;
    await rejectsWith(auth.refresh(withTag(refreshToken, "A".repeat(22))), "TOKEN_INVALID");
    expect(calls).toEqual([]);
    await expect(auth.refresh(next.refreshToken)).resolves.toMatchObject({ sessionId: next.sessionId });
  });

  it("a correctly tagged token that is not the stored one (a minted twin) is refused and rotates nothing", async () => {
    const { auth, refreshToken, sessionId } = await signedUp();
    const twin = new RefreshTokenCodec(SECRET).mint(sessionId, 0); // right tag, other random part
    await rejectsWith(auth.refresh(twin), "TOKEN_INVALID");
    await expect(auth.refresh(refreshToken)).resolves.toMatchObject({ sessionId });
  });

  it("codec: parse refuses forged tags; matches compares the whole hash", () => {
    const codec = new RefreshTokenCodec(SECRET);
    const token = codec.mint("s".repeat(16), 3);
    const parsed = codec.parse(token)!;
    expect(parsed).toMatchObject({ sessionId: "s".repeat(16), generation: 3 });
    expect(codec.parse(withTag(token, "A".repeat(22)))).toBeNull();
    const hash = codec.hash(token);
    expect(codec.matches(token, parsed, hash)).toBe(true);
    expect(codec.matches(token, parsed, codec.hash(codec.mint("s".repeat(16), 3)))).toBe(false);
    expect(codec.matches(token, parsed, `${hash.slice(0, -1)}${hash.endsWith("A") ? "B" : "A"}`)).toBe(false);
    expect(codec.matches(token, parsed, hash.slice(0, -1))).toBe(false);
    expect(codec.matches(token, parsed, "")).toBe(false);
  });
});

describe("exp, nbf, iat and the clock tolerance: exactly at the edge, one second either side", () => {
  // jose's rule, ours on every path: expired when exp <= now - tolerance; early when nbf (or iat) > now + tolerance.
  type Path = "sync" | "jose" | "cache";
  const OUR_HEADER = { alg: "HS256", typ: "at+jwt" };
  const OTHER_HEADER = { typ: "at+jwt", alg: "HS256" }; // not byte-equal to ours: verified by jose

  async function verdict(path: Path, claims: Record<string, unknown>, tolerance: number, nowSeconds: number, primeAt: number): Promise<string> {
    const clock = frozenClock(primeAt);
    const auth = makeAuth({ accessToken: { clockTolerance: tolerance }, password: { hasher: cheapHasher } }, clock);
    const token = hmacToken(path === "jose" ? OTHER_HEADER : OUR_HEADER, claims, SECRET);
    if (path === "cache") {
      expect(await outcome(auth.verifyAccessToken(token))).toBe("ok");
      expect(await outcome(auth.verifyAccessToken(token))).toBe("ok"); // cached now
    }
    clock.setMs(nowSeconds * 1000);
    return outcome(auth.verifyAccessToken(token));
  }

  const cases: Array<[string, Record<string, unknown>, (tol: number) => Array<[number, string]>, number]> = [
    [
      "exp",
      validClaims(T0, { exp: T0 + 100 }),
      (tol) => [
        [T0 + 100 + tol - 1, "ok"],
        [T0 + 100 + tol, "TOKEN_EXPIRED"],
        [T0 + 100 + tol + 1, "TOKEN_EXPIRED"],
      ],
      T0,
    ],
    [
      "nbf",
      validClaims(T0 - 50, { nbf: T0, exp: T0 + 600 }),
      (tol) => [
        [T0 - tol - 1, "TOKEN_INVALID"],
        [T0 - tol, "ok"],
        [T0 - tol + 1, "ok"],
      ],
      T0,
    ],
    [
      "iat",
      validClaims(T0, { exp: T0 + 600 }),
      (tol) => [
        [T0 - tol - 1, "TOKEN_INVALID"],
        [T0 - tol, "ok"],
        [T0 - tol + 1, "ok"],
      ],
      T0,
    ],
  ];

  for (const path of ["sync", "jose", "cache"] as const) {
    for (const tolerance of [0, 5, 60]) {
      for (const [claim, claims, edges, primeAt] of cases) {
        it(`${path} path, ${claim}, tolerance ${tolerance} s`, async () => {
          for (const [at, expected] of edges(tolerance)) {
            expect([at - T0, await verdict(path, claims, tolerance, at, primeAt)]).toEqual([at - T0, expected]);
          }
        });
      }
    }
  }
});
