import type { JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/index.js";
import { SECRET, T0, decodeSegment, frozenClock, makeAuth, rejectsWith } from "./helpers.js";
import { kidOf } from "./legacy.js";

const OTHER_SECRET = "another-test-secret-9876543210-zyxwvutsrqp";

type Asymmetric = "EdDSA" | "ES256" | "RS256";
const ASYMMETRIC: Asymmetric[] = ["EdDSA", "ES256", "RS256"];
const keys = {} as Record<Asymmetric, JWK>;

beforeAll(async () => {
  for (const alg of ASYMMETRIC) keys[alg] = await generateSigningKey(alg, { kid: `${alg}-1` });
});

describe("access token shape (RFC 9068 §2)", () => {
  it('HS256 tokens have header { alg: "HS256", typ: "at+jwt", kid } with the key id of the current secret', async () => {
    const token = await makeAuth({ secret: undefined, secrets: [OTHER_SECRET, SECRET] }).createAccessToken({ userId: "user-1" });
    expect(decodeSegment(token, 0)).toEqual({ alg: "HS256", typ: "at+jwt", kid: kidOf(OTHER_SECRET) });
  });

  it.each(ASYMMETRIC)("%s tokens have typ at+jwt and the kid of keys[0]", async (alg) => {
    const other = await generateSigningKey(alg, { kid: `${alg}-old` });
    const auth = makeAuth({ accessToken: { algorithm: alg, keys: [keys[alg], other] } });
    const token = await auth.createAccessToken({ userId: "user-1" });
    expect(decodeSegment(token, 0)).toEqual({ alg, typ: "at+jwt", kid: `${alg}-1` });
  });

  it("carries iss, sub, aud, exp, iat, jti and sid", async () => {
    const token = await makeAuth().createAccessToken({ userId: "user-1", sessionId: "sess-1" });
    const claims = decodeSegment(token, 1);
    expect(Object.keys(claims).sort()).toEqual(["aud", "exp", "iat", "iss", "jti", "sid", "sub"]);
    expect(claims).toMatchObject({ iss: "auth-skill", sub: "user-1", aud: "auth-skill", iat: T0, sid: "sess-1" });
    expect(claims.jti).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it("uses the configured issuer and audience (string or array)", async () => {
    const auth = makeAuth({ accessToken: { issuer: "https://auth.example.com", audience: ["api", "admin"] } });
    const claims = decodeSegment(await auth.createAccessToken({ userId: "u" }), 1);
    expect(claims.iss).toBe("https://auth.example.com");
    expect(claims.aud).toEqual(["api", "admin"]);
  });

  it("omits sid for a token without a session", async () => {
    const claims = decodeSegment(await makeAuth().createAccessToken({ userId: "user-1" }), 1);
    expect(claims).not.toHaveProperty("sid");
  });

  it("gives every token a fresh jti", async () => {
    const auth = makeAuth();
    const a = decodeSegment(await auth.createAccessToken({ userId: "user-1" }), 1);
    const b = decodeSegment(await auth.createAccessToken({ userId: "user-1" }), 1);
    expect(a.jti).not.toBe(b.jti);
  });

  it("sets iat from the injected clock and exp = iat + 15 minutes by default", async () => {
    const clock = frozenClock(T0 + 123);
    const claims = decodeSegment(await makeAuth({}, clock).createAccessToken({ userId: "u" }), 1);
    expect(claims.iat).toBe(T0 + 123);
    expect(claims.exp).toBe(T0 + 123 + 15 * 60);
  });

  it("uses the iat of a clock that is mid-second (floored, not rounded)", async () => {
    const clock = frozenClock();
    clock.setMs(T0 * 1000 + 999);
    const claims = decodeSegment(await makeAuth({}, clock).createAccessToken({ userId: "u" }), 1);
    expect(claims.iat).toBe(T0);
  });

  it.each([
    [300, 300],
    ["1h", 3600],
    ["90s", 90],
  ])("honours accessToken.ttl = %s (exp = iat + %i s)", async (ttl, seconds) => {
    const claims = decodeSegment(await makeAuth({ accessToken: { ttl } }).createAccessToken({ userId: "u" }), 1);
    expect((claims.exp as number) - (claims.iat as number)).toBe(seconds);
  });

  it("honours a per-token ttl over the configured one", async () => {
    const auth = makeAuth({ accessToken: { ttl: "1h" } });
    const claims = decodeSegment(await auth.createAccessToken({ userId: "u", ttl: "5m" }), 1);
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
  });

  it("adds custom claims", async () => {
    const auth = makeAuth();
    const token = await auth.createAccessToken({ userId: "u", claims: { role: "admin", org: { id: 7, tags: ["a"] } } });
    expect(decodeSegment(token, 1)).toMatchObject({ role: "admin", org: { id: 7, tags: ["a"] } });
    expect(await auth.verifyAccessToken(token)).toMatchObject({ role: "admin", org: { id: 7, tags: ["a"] } });
  });

  it.each(["sub", "iss", "aud", "exp", "iat", "jti", "sid", "nbf"])("a custom claim never overrides the registered %s", async (name) => {
    const clock = frozenClock();
    const auth = makeAuth({}, clock);
    const hostile = { [name]: name === "exp" || name === "iat" || name === "nbf" ? T0 + 10 * 365 * 86400 : "attacker" };
    const token = await auth.createAccessToken({ userId: "user-1", sessionId: "sess-1", claims: hostile });
    const claims = decodeSegment(token, 1);
    const expected: Record<string, unknown> = { iss: "auth-skill", sub: "user-1", aud: "auth-skill", iat: T0, exp: T0 + 900, sid: "sess-1" };
    if (name === "nbf") expect(claims).not.toHaveProperty("nbf");
    else if (name === "jti") expect(claims.jti).not.toBe("attacker");
    else expect(claims[name]).toEqual(expected[name]);
    expect(await auth.verifyAccessToken(token)).toMatchObject({ sub: "user-1", iss: "auth-skill", sid: "sess-1" });
  });

  it("a custom __proto__ claim (as JSON.parse makes it) is dropped, and nothing is polluted", async () => {
    const auth = makeAuth();
    const claims = JSON.parse('{"__proto__": {"polluted": true}, "role": "reader"}') as Record<string, unknown>;
    const token = await auth.createAccessToken({ userId: "u", claims });
    const payload = decodeSegment(token, 1);
    expect(Object.keys(payload)).not.toContain("__proto__");
    expect(payload).not.toHaveProperty("polluted");
    expect(payload.role).toBe("reader");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await auth.verifyAccessToken(token)).toMatchObject({ sub: "u", role: "reader" });
  });

  it("a custom sid never appears on a token minted without a session", async () => {
    const claims = decodeSegment(await makeAuth().createAccessToken({ userId: "u", claims: { sid: "someone-elses" } }), 1);
    expect(claims).not.toHaveProperty("sid");
  });

  it("refuses a non-string or empty sessionId with a TypeError (it could never verify or be revoked)", async () => {
    const auth = makeAuth();
    await expect(auth.createAccessToken({ userId: "u", sessionId: 42 as unknown as string })).rejects.toBeInstanceOf(TypeError);
    await expect(auth.createAccessToken({ userId: "u", sessionId: "" })).rejects.toBeInstanceOf(TypeError);
  });

  it("refuses claims that are not a plain object with a TypeError", async () => {
    const auth = makeAuth();
    for (const claims of ["abc", ["a"], null, 7]) {
      await expect(auth.createAccessToken({ userId: "u", claims: claims as unknown as Record<string, unknown> })).rejects.toBeInstanceOf(TypeError);
    }
  });

  it("refuses to mint a token too large for its own verifier (TypeError, not a token that never verifies)", async () => {
    const auth = makeAuth();
    const err = await auth.createAccessToken({ userId: "u", claims: { blob: "x".repeat(9000) } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).not.toContain("xxxx");
    const near = await auth.createAccessToken({ userId: "u", claims: { blob: "x".repeat(5000) } });
    expect((await auth.verifyAccessToken(near)).blob).toHaveLength(5000);
  });

  it("refuses a missing or empty userId with a TypeError (caller misuse)", async () => {
    const auth = makeAuth();
    await expect(auth.createAccessToken({ userId: "" })).rejects.toBeInstanceOf(TypeError);
    await expect(auth.createAccessToken({} as { userId: string })).rejects.toBeInstanceOf(TypeError);
  });
});

describe("round trip", () => {
  it("HS256: a fresh token verifies and resolves its claims", async () => {
    const auth = makeAuth();
    const token = await auth.createAccessToken({ userId: "user-1", sessionId: "sess-1", claims: { role: "x" } });
    const claims = await auth.verifyAccessToken(token);
    expect(claims).toEqual({ ...decodeSegment(token, 1) });
    expect(claims).toMatchObject({ sub: "user-1", sid: "sess-1", role: "x", exp: T0 + 900 });
  });

  it.each(ASYMMETRIC)("%s: a fresh token verifies", async (alg) => {
    const auth = makeAuth({ accessToken: { algorithm: alg, keys: [keys[alg]] } });
    const token = await auth.createAccessToken({ userId: "user-1" });
    expect((await auth.verifyAccessToken(token)).sub).toBe("user-1");
  });

  it("another instance with the same secret verifies HS256 tokens (stateless)", async () => {
    const token = await makeAuth().createAccessToken({ userId: "user-1" });
    expect((await makeAuth({ secret: SECRET }).verifyAccessToken(token)).sub).toBe("user-1");
  });

  it("a token is valid until exp + clock tolerance, and expired after", async () => {
    const clock = frozenClock();
    const minted = makeAuth({ accessToken: { clockTolerance: 5 } }, clock);
    const token = await minted.createAccessToken({ userId: "u" });
    clock.advance(900 + 4);
    await expect(makeAuth({ accessToken: { clockTolerance: 5 } }, clock).verifyAccessToken(token)).resolves.toBeTruthy();
    clock.advance(1);
    await rejectsWith(makeAuth({ accessToken: { clockTolerance: 5 } }, clock).verifyAccessToken(token), "TOKEN_EXPIRED");
  });
});

describe("custom claims and tokens from the future", () => {
  it("custom scope and client_id claims are kept (they are not registered claims we rely on)", async () => {
    const { AuthSkill } = await import("../../src/index.js");
    const auth = new AuthSkill({ secret: "scope-secret-0123456789-abcdefghijklmnopqrs", rateLimit: false });
    const token = await auth.createAccessToken({ userId: "u1", claims: { scope: "read write", client_id: "mobile-app" } });
    await expect(auth.verifyAccessToken(token)).resolves.toMatchObject({ scope: "read write", client_id: "mobile-app", sub: "u1" });
  });

  it("a token issued in the future beyond the clock tolerance is refused", async () => {
    const { AuthSkill } = await import("../../src/index.js");
    const secret = "future-secret-0123456789-abcdefghijklmnopqrs";
    const now = new Date("2026-01-01T00:00:00Z");
    const minter = new AuthSkill({ secret, now: () => new Date(now.getTime() + 60_000), rateLimit: false });
    const verifier = new AuthSkill({ secret, now: () => now, rateLimit: false });
    const token = await minter.createAccessToken({ userId: "u1" });
    await rejectsWith(verifier.verifyAccessToken(token), "TOKEN_INVALID");
    const slightly = new AuthSkill({ secret, now: () => new Date(now.getTime() + 4_000), rateLimit: false });
    await expect(verifier.verifyAccessToken(await slightly.createAccessToken({ userId: "u1" }))).resolves.toMatchObject({ sub: "u1" });
  });
});
