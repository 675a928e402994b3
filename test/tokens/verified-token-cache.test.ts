/**
 * The verified-token cache (src/tokens/verified-token-cache.ts) sits inside `verifyAccessToken`. These tests check that
 * it never changes an answer: expiry, nbf, keys, tampering and revocation all behave as without it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateSigningKey, type AuthSkillOptions, type PasswordHasher } from "../../src/index.js";
import { SECRET, T0, b64u, flipSignatureByte, frozenClock, hmacToken, makeAuth, rejectsWith, validClaims, type TestClock, outcome } from "./helpers.js";

/** A no-cost hasher for instances that never touch passwords (the default warms an argon2 hash per instance). */
const cheapHasher: PasswordHasher = { hash: async () => "cheap$x", verify: async () => false };
const tokenOnly = (options: AuthSkillOptions & { requireEmailVerification?: false | undefined; totp?: undefined } = {}, clock?: TestClock) =>
  makeAuth({ password: { hasher: cheapHasher }, ...options }, clock);
const PASSWORD = "violet-harbor-quantum-41";

describe("a cached token is still checked against the clock", () => {
  it("expires: verified once at t, then TOKEN_EXPIRED once the clock passes exp + tolerance", async () => {
    const clock = frozenClock();
    const auth = tokenOnly({}, clock);
    const token = await auth.createAccessToken({ userId: "user-1" });
    await expect(auth.verifyAccessToken(token)).resolves.toMatchObject({ sub: "user-1" });
    clock.setMs((T0 + 900 + 5) * 1000 - 1);
    await expect(auth.verifyAccessToken(token)).resolves.toMatchObject({ sub: "user-1" });
    clock.setMs((T0 + 900 + 5) * 1000);
    await rejectsWith(auth.verifyAccessToken(token), "TOKEN_EXPIRED");
  });

  it("stays expired on every later attempt", async () => {
    const clock = frozenClock();
    const auth = tokenOnly({}, clock);
    const token = await auth.createAccessToken({ userId: "user-1" });
    await auth.verifyAccessToken(token);
    clock.advance(3600);
    await rejectsWith(auth.verifyAccessToken(token), "TOKEN_EXPIRED");
    await rejectsWith(auth.verifyAccessToken(token), "TOKEN_EXPIRED");
  });

  it("honours nbf on a hit: a clock moved back before nbf - tolerance rejects", async () => {
    const clock = frozenClock();
    const auth = tokenOnly({}, clock);
    const token = hmacToken({ alg: "HS256", typ: "at+jwt" }, validClaims(T0, { nbf: T0 }), SECRET);
    await expect(auth.verifyAccessToken(token)).resolves.toMatchObject({ nbf: T0 });
    clock.advance(-10);
    await rejectsWith(auth.verifyAccessToken(token), "TOKEN_INVALID");
  });

  it("a fractional clock tolerance gives the same answer with and without the cache", async () => {
    const clock = frozenClock();
    const options = { accessToken: { clockTolerance: 1.4 } };
    const cached = tokenOnly(options, clock);
    const token = await cached.createAccessToken({ userId: "user-1", ttl: 60 });
    await cached.verifyAccessToken(token);
    clock.setMs((T0 + 60) * 1000 + 1200);
    expect(await outcome(cached.verifyAccessToken(token))).toBe(await outcome(tokenOnly(options, clock).verifyAccessToken(token)));
  });

  it("property: at any instant and tolerance, a cached verification answers like a fresh instance", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 100 }).map((tenths) => tenths / 10),
        fc.integer({ min: -20_000, max: 20_000 }),
        fc.boolean(),
        async (tolerance, offsetMs, withNbf) => {
          const clock = frozenClock();
          const options = { accessToken: { clockTolerance: tolerance } };
          const claims = validClaims(T0, { exp: T0 + 30, ...(withNbf ? { nbf: T0 } : {}) });
          const token = hmacToken({ alg: "HS256", typ: "at+jwt" }, claims, SECRET);
          const cached = tokenOnly(options, clock);
          await cached.verifyAccessToken(token); // primes the cache at T0
          // around exp (T0 + 30) when offset > 0, around nbf (T0) when moving back
          clock.setMs(offsetMs >= 0 ? (T0 + 30) * 1000 + offsetMs - 10_000 : T0 * 1000 + offsetMs / 2);
          const fresh = tokenOnly(options, clock);
          expect(await outcome(cached.verifyAccessToken(token))).toBe(await outcome(fresh.verifyAccessToken(token)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("the cache trusts nothing across instances or edits", () => {
  it("HS256: a token verified by one instance is rejected by an instance with another secret", async () => {
    const a = tokenOnly();
    const token = await a.createAccessToken({ userId: "user-1" });
    await a.verifyAccessToken(token);
    await rejectsWith(tokenOnly({ secret: `${SECRET}-rotated` }).verifyAccessToken(token), "TOKEN_INVALID");
  });

  it("EdDSA: a token verified by one instance is rejected by an instance with other keys (same kid)", async () => {
    const a = tokenOnly({ accessToken: { algorithm: "EdDSA", keys: [await generateSigningKey("EdDSA", { kid: "k" })] } });
    const b = tokenOnly({ accessToken: { algorithm: "EdDSA", keys: [await generateSigningKey("EdDSA", { kid: "k" })] } });
    const token = await a.createAccessToken({ userId: "user-1" });
    await a.verifyAccessToken(token);
    await rejectsWith(b.verifyAccessToken(token), "TOKEN_INVALID");
  });

  it("a token verified by one instance is rejected by an instance with another audience", async () => {
    const a = tokenOnly();
    const token = await a.createAccessToken({ userId: "user-1" });
    await a.verifyAccessToken(token);
    await rejectsWith(tokenOnly({ accessToken: { audience: "other-api" } }).verifyAccessToken(token), "TOKEN_INVALID");
  });

  it("a tampered copy of a cached token is rejected", async () => {
    const auth = tokenOnly();
    const token = await auth.createAccessToken({ userId: "user-1" });
    await auth.verifyAccessToken(token);
    await rejectsWith(auth.verifyAccessToken(flipSignatureByte(token, 0)), "TOKEN_INVALID");
    const [h, , s] = token.split(".");
    await rejectsWith(auth.verifyAccessToken(`${h}.${b64u(validClaims(T0, { sub: "admin" }))}.${s}`), "TOKEN_INVALID");
  });

  it("callers cannot poison the cache by mutating the claims they get back", async () => {
    const auth = tokenOnly();
    const token = await auth.createAccessToken({ userId: "user-1", claims: { roles: ["reader"] } });
    const first = await auth.verifyAccessToken(token); // miss
    first.sub = "admin"; // the top level is the caller's own copy
    expect(() => (first.roles as string[]).push("admin")).toThrow(TypeError); // nested values are frozen
    const second = await auth.verifyAccessToken(token); // hit
    expect(second).toMatchObject({ sub: "user-1", roles: ["reader"] });
    second.sub = "admin";
    expect(() => (second.roles as string[]).push("admin")).toThrow(TypeError);
    expect(await auth.verifyAccessToken(token)).toMatchObject({ sub: "user-1", roles: ["reader"] });
  });

  it("keeps answering correctly after more distinct tokens than its capacity", async () => {
    const auth = tokenOnly();
    const tokens = await Promise.all(Array.from({ length: 1100 }, (_, i) => auth.createAccessToken({ userId: `u${i}` })));
    for (const t of tokens) await auth.verifyAccessToken(t);
    for (const i of [0, 1, 550, 1099]) expect((await auth.verifyAccessToken(tokens[i]!)).sub).toBe(`u${i}`);
  });
});

describe("the cache never skips a revocation check", () => {
  it("signup token: ok, then revoke(refreshToken) -> TOKEN_REVOKED with checkRevocation, still ok without", async () => {
    const auth = makeAuth();
    const result = await auth.signup({ email: "ada@example.com", password: PASSWORD });
    await expect(auth.verifyAccessToken(result.accessToken, { checkRevocation: true })).resolves.toMatchObject({ sub: result.user.id, sid: result.sessionId });
    await auth.revoke(result.refreshToken);
    await rejectsWith(auth.verifyAccessToken(result.accessToken, { checkRevocation: true }), "TOKEN_REVOKED");
    await expect(auth.verifyAccessToken(result.accessToken)).resolves.toMatchObject({ sub: result.user.id });
  });

  it("accessToken.checkRevocation: true applies without asking, and can be turned off per call", async () => {
    const auth = makeAuth({ accessToken: { checkRevocation: true } });
    const result = await auth.signup({ email: "grace@example.com", password: PASSWORD });
    await expect(auth.verifyAccessToken(result.accessToken)).resolves.toBeTruthy();
    await auth.revokeSession(result.sessionId);
    await rejectsWith(auth.verifyAccessToken(result.accessToken), "TOKEN_REVOKED");
    await expect(auth.verifyAccessToken(result.accessToken, { checkRevocation: false })).resolves.toBeTruthy();
  });

  it("revokeAll ends a cached token's session", async () => {
    const auth = makeAuth();
    const result = await auth.signup({ email: "alan@example.com", password: PASSWORD });
    await auth.verifyAccessToken(result.accessToken, { checkRevocation: true });
    await auth.revokeAll(result.user.id);
    await rejectsWith(auth.verifyAccessToken(result.accessToken, { checkRevocation: true }), "TOKEN_REVOKED");
  });

  it("a session that ended by idle timeout is seen even though the token is cached and unexpired", async () => {
    const clock = frozenClock();
    const auth = makeAuth({ refreshToken: { idleTtl: "5m" } }, clock);
    const result = await auth.signup({ email: "edsger@example.com", password: PASSWORD });
    await auth.verifyAccessToken(result.accessToken, { checkRevocation: true });
    clock.advance(6 * 60);
    await rejectsWith(auth.verifyAccessToken(result.accessToken, { checkRevocation: true }), "TOKEN_REVOKED");
    await expect(auth.verifyAccessToken(result.accessToken)).resolves.toBeTruthy();
  });

  it("a token naming another user's session is TOKEN_REVOKED under revocation checks", async () => {
    const auth = makeAuth();
    const victim = await auth.signup({ email: "barbara@example.com", password: PASSWORD });
    const token = await auth.createAccessToken({ userId: "someone-else", sessionId: victim.sessionId });
    await auth.verifyAccessToken(token);
    await rejectsWith(auth.verifyAccessToken(token, { checkRevocation: true }), "TOKEN_REVOKED");
  });
});

describe("properties", () => {
  const base64url = fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), maxLength: 200 });

  it("arbitrary strings never verify and reject only with AuthError TOKEN_INVALID", async () => {
    const auth = tokenOnly();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 300 }),
          fc.tuple(base64url, base64url, base64url).map((parts) => parts.join(".")),
          fc.tuple(fc.jsonValue(), fc.jsonValue(), base64url).map(([h, p, s]) => `${b64u(JSON.stringify(h) ?? "")}.${b64u(JSON.stringify(p) ?? "")}.${s}`),
          fc
            .record({ alg: fc.constantFrom("HS256", "none", "EdDSA", "HS512"), typ: fc.constantFrom("at+jwt", "JWT") })
            .chain((h) => base64url.map((s) => `${b64u(h)}.${b64u(validClaims(T0))}.${s}`)),
        ),
        async (input) => {
          const err = await rejectsWith(auth.verifyAccessToken(input), "TOKEN_INVALID");
          if (input.length >= 8) expect(err.message).not.toContain(input);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("changing any one character of a genuine token makes it invalid", async () => {
    const auth = tokenOnly();
    const token = await auth.createAccessToken({ userId: "user-1", sessionId: "s" });
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    // the last character of each segment is where lenient base64url decoders hide spare bits: weight it
    const segmentEnds = [token.indexOf(".") - 1, token.lastIndexOf(".") - 1, token.length - 1];
    const position = fc.oneof(fc.nat({ max: token.length - 1 }), fc.constantFrom(...segmentEnds));
    await fc.assert(
      fc.asyncProperty(position, fc.constantFrom(...alphabet), async (index, char) => {
        fc.pre(token[index] !== char);
        const edited = token.slice(0, index) + char + token.slice(index + 1);
        await rejectsWith(auth.verifyAccessToken(edited), "TOKEN_INVALID");
      }),
      { numRuns: 500 },
    );
  });
});
