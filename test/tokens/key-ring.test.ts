import { generateKeyPairSync, type JsonWebKey as NodeJwk } from "node:crypto";
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey, type SigningAlgorithm } from "../../src/index.js";
import { SECRET, T0, frozenClock, makeAuth, throwsWith } from "./helpers.js";
import { hkdf, kidOf } from "./legacy.js";

type Asymmetric = Exclude<SigningAlgorithm, "HS256">;
const ASYMMETRIC: Asymmetric[] = ["EdDSA", "ES256", "RS256"];
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
const keys = {} as Record<Asymmetric, JWK>;

beforeAll(async () => {
  for (const alg of ASYMMETRIC) keys[alg] = await generateSigningKey(alg, { kid: `${alg}-1` });
});

const asymmetric = (alg: Asymmetric, list: unknown[]) => () => makeAuth({ accessToken: { algorithm: alg, keys: list as JWK[] } });
const without = (jwk: JWK, ...members: string[]): JWK => {
  const copy: Record<string, unknown> = { ...jwk };
  for (const m of members) delete copy[m];
  return copy as JWK;
};
/**
 * Private OKP keys of curves EdDSA here does not accept, written out once (by Node's
 * `generateKeyPairSync(type).privateKey.export({ format: "jwk" })`) rather than generated: Bun's BoringSSL cannot
 * generate Ed448 keys, and the test is about the key ring refusing them, on every runtime (npm run test:runtimes).
 */
const OTHER_CURVES = {
  ed448: {
    kty: "OKP",
    crv: "Ed448",
    d: "ehDaV0HLjTN-nBWDsP7SUMV5iIYIWSvgy8PKlkkAsw2dMxvDoLb1bZNsrt8ua10S1y_1f3sCXMkC",
    x: "jQCbeQ_0qsgLNQVOPjyLXSnxRMK8J018D7nOfH4aLxCjxWYyc-gwLQbiXLfoWZamrJwaFkwxmIwA",
  },
  x25519: { kty: "OKP", crv: "X25519", d: "kOsCKNVx7I0ohJ96D7FwOYTTFVROcEFw7qYNGC3qYlQ", x: "5ac2-9tbrojEwnFKNWjHEw_i-A29QnpN6RJePjhqiSw" },
} as const satisfies Record<string, JWK>;
const nodeJwk = (type: keyof typeof OTHER_CURVES, kid: string): JWK => ({ ...OTHER_CURVES[type], kid });

describe("generateSigningKey", () => {
  it.each([
    ["EdDSA", { kty: "OKP", crv: "Ed25519" }],
    ["ES256", { kty: "EC", crv: "P-256" }],
    ["RS256", { kty: "RSA" }],
  ] as const)("%s: a private JWK with kid, alg and use", async (alg, shape) => {
    const jwk = await generateSigningKey(alg);
    expect(jwk).toMatchObject({ ...shape, alg, use: "sig" });
    expect(typeof jwk.kid).toBe("string");
    expect(jwk.kid!.length).toBeGreaterThanOrEqual(16);
    expect(typeof jwk.d).toBe("string");
  });

  it("RS256 keys have a 2048-bit modulus or more", async () => {
    const n = Buffer.from(keys.RS256.n!, "base64url");
    expect(n.length * 8).toBeGreaterThanOrEqual(2048);
  });

  it("uses the kid given, and a fresh random one otherwise", async () => {
    expect((await generateSigningKey("EdDSA", { kid: "2030-03" })).kid).toBe("2030-03");
    const [a, b] = await Promise.all([generateSigningKey("EdDSA"), generateSigningKey("EdDSA")]);
    expect(a.kid).not.toBe(b.kid);
    expect(a.d).not.toBe(b.d);
  });

  it.each(["HS256", "none", "toString", "constructor", "PS256"])('throws a TypeError for alg "%s"', async (alg) => {
    await expect(generateSigningKey(alg as Asymmetric)).rejects.toBeInstanceOf(TypeError);
  });

  it.each(ASYMMETRIC)("a generated %s key is accepted by AuthSkill and signs", async (alg) => {
    const auth = makeAuth({ accessToken: { algorithm: alg, keys: [keys[alg]] } });
    expect((await auth.verifyAccessToken(await auth.createAccessToken({ userId: "u" }))).sub).toBe("u");
  });
});

describe("jwks()", () => {
  it("is empty for HS256 (the secret is never published)", async () => {
    expect(await makeAuth().jwks()).toEqual({ keys: [] });
    expect(JSON.stringify(await makeAuth().jwks())).not.toContain(Buffer.from(SECRET).toString("base64url"));
  });

  it.each(ASYMMETRIC)("%s: holds public keys only (no d, p, q, dp, dq, qi, oth, k)", async (alg) => {
    const { keys: published } = await makeAuth({ accessToken: { algorithm: alg, keys: [keys[alg]] } }).jwks();
    expect(published).toHaveLength(1);
    for (const member of PRIVATE_MEMBERS) expect(published[0]).not.toHaveProperty(member);
    expect(JSON.stringify(published)).not.toContain(keys[alg].d!);
    expect(published[0]).toMatchObject({ kid: `${alg}-1`, alg, use: "sig", kty: keys[alg].kty });
  });

  it("publishes every key of the ring, signing key first", async () => {
    const old = await generateSigningKey("EdDSA", { kid: "old" });
    const { keys: published } = await makeAuth({ accessToken: { algorithm: "EdDSA", keys: [keys.EdDSA, old] } }).jwks();
    expect(published.map((k) => k.kid)).toEqual(["EdDSA-1", "old"]);
  });

  it("drops key_ops and ext of the private JWK", async () => {
    const jwk = { ...keys.ES256, key_ops: ["sign"], ext: true };
    const { keys: published } = await makeAuth({ accessToken: { algorithm: "ES256", keys: [jwk] } }).jwks();
    expect(published[0]).not.toHaveProperty("key_ops");
    expect(published[0]).not.toHaveProperty("ext");
  });

  it("returns copies: mutating the result changes nothing", async () => {
    const auth = makeAuth({ accessToken: { algorithm: "EdDSA", keys: [keys.EdDSA] } });
    const first = await auth.jwks();
    first.keys[0]!.x = "tampered";
    first.keys.push({ kty: "OKP" });
    const second = await auth.jwks();
    expect(second.keys).toHaveLength(1);
    expect(second.keys[0]!.x).toBe(keys.EdDSA.x);
  });

  it("does not mutate the private JWKs passed in", async () => {
    const jwk = structuredClone(keys.RS256);
    const auth = makeAuth({ accessToken: { algorithm: "RS256", keys: [jwk] } });
    await auth.jwks();
    await auth.createAccessToken({ userId: "u" });
    expect(jwk).toEqual(keys.RS256);
  });
});

describe("configuration errors (CONFIG_ERROR at construction)", () => {
  it.each(ASYMMETRIC)("%s without keys", (alg) => {
    throwsWith(asymmetric(alg, []), "CONFIG_ERROR");
    throwsWith(() => makeAuth({ accessToken: { algorithm: alg } }), "CONFIG_ERROR");
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["a number", 7],
  ])("a key whose kid is %s", (_name, kid) => {
    throwsWith(asymmetric("EdDSA", [{ ...keys.EdDSA, kid }]), "CONFIG_ERROR");
  });

  it("two keys with the same kid", async () => {
    const twin = await generateSigningKey("EdDSA", { kid: "EdDSA-1" });
    throwsWith(asymmetric("EdDSA", [keys.EdDSA, twin]), "CONFIG_ERROR");
  });

  it("an ES256 key in an EdDSA ring (each key used with one algorithm)", () => {
    throwsWith(asymmetric("EdDSA", [keys.EdDSA, keys.ES256]), "CONFIG_ERROR");
  });

  it.each([
    ["an EdDSA key for ES256", "ES256", "EdDSA"],
    ["an RSA key for ES256", "ES256", "RS256"],
    ["an EC key for RS256", "RS256", "ES256"],
    ["an EdDSA key for RS256", "RS256", "EdDSA"],
    ["an RSA key for EdDSA", "EdDSA", "RS256"],
  ] as const)("a key of the wrong type: %s", (_name, alg, keyAlg) => {
    throwsWith(asymmetric(alg, [without(keys[keyAlg], "alg")]), "CONFIG_ERROR");
  });

  it("a P-384 key for ES256", async () => {
    const { privateKey } = await generateKeyPair("ES384", { extractable: true });
    throwsWith(asymmetric("ES256", [{ ...(await exportJWK(privateKey)), kid: "p384" }]), "CONFIG_ERROR");
  });

  it("an Ed448 or X25519 key for EdDSA", () => {
    throwsWith(asymmetric("EdDSA", [nodeJwk("ed448", "ed448")]), "CONFIG_ERROR");
    throwsWith(asymmetric("EdDSA", [nodeJwk("x25519", "x25519")]), "CONFIG_ERROR");
  });

  it("a symmetric (oct) key for an asymmetric algorithm", () => {
    throwsWith(asymmetric("EdDSA", [{ kty: "oct", k: Buffer.from(SECRET).toString("base64url"), kid: "oct" }]), "CONFIG_ERROR");
  });

  it.each(ASYMMETRIC)("a public-only %s key", async (alg) => {
    throwsWith(asymmetric(alg, [without(keys[alg], ...PRIVATE_MEMBERS)]), "CONFIG_ERROR");
  });

  it("a public-only key from our own jwks()", async () => {
    const { keys: published } = await makeAuth({ accessToken: { algorithm: "EdDSA", keys: [keys.EdDSA] } }).jwks();
    throwsWith(asymmetric("EdDSA", published), "CONFIG_ERROR");
  });

  it.each([
    ["EdDSA", "ES256"],
    ["ES256", "ES384"],
    ["RS256", "PS256"],
    ["RS256", "RS512"],
    ["EdDSA", "Ed448"],
  ] as const)("a %s key whose alg member says %s", (alg, marked) => {
    throwsWith(asymmetric(alg, [{ ...keys[alg], alg: marked }]), "CONFIG_ERROR");
  });

  it('a key marked for encryption (use "enc")', () => {
    throwsWith(asymmetric("ES256", [{ ...keys.ES256, use: "enc" }]), "CONFIG_ERROR");
  });

  it('a key whose key_ops do not allow "sign"', () => {
    throwsWith(asymmetric("ES256", [{ ...keys.ES256, key_ops: ["verify"] }]), "CONFIG_ERROR");
    throwsWith(asymmetric("ES256", [{ ...keys.ES256, key_ops: ["sign", "encrypt"] }]), "CONFIG_ERROR");
  });

  it("an RSA key shorter than 2048 bits", () => {
    const weak = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ format: "jwk" }) as NodeJwk;
    throwsWith(asymmetric("RS256", [{ ...weak, kid: "weak" }]), "CONFIG_ERROR");
  });

  it("keys given with HS256 (explicit or default)", () => {
    throwsWith(() => makeAuth({ accessToken: { algorithm: "HS256", keys: [keys.EdDSA] } }), "CONFIG_ERROR");
    throwsWith(() => makeAuth({ accessToken: { keys: [keys.EdDSA] } }), "CONFIG_ERROR");
  });

  it("a secret shorter than 32 characters", () => {
    throwsWith(() => makeAuth({ secret: SECRET.slice(0, 31) }), "CONFIG_ERROR");
  });

  it("a secret of 32 UTF-16 units but 16 code points", () => {
    throwsWith(() => makeAuth({ secret: "🔑🗝️🔐🔒🔓🛡️⚔️🏰".repeat(2).slice(0, 32) }), "CONFIG_ERROR");
  });

  it("a 32-character secret with too little variety", () => {
    throwsWith(() => makeAuth({ secret: "ab".repeat(16) }), "CONFIG_ERROR");
  });

  it("accepts a random 32-character secret", () => {
    expect(() => makeAuth({ secret: "Zq3vX9pL2mN8bR4tY7wK1cF6hJ0dS5gA" })).not.toThrow();
  });

  it("the error names the problem but never echoes key material", () => {
    const err = throwsWith(asymmetric("EdDSA", [{ ...keys.EdDSA, alg: "ES256" }]), "CONFIG_ERROR");
    expect(err.message).toMatch(/accessToken\.keys\[0\]/);
    expect(err.message + JSON.stringify(err)).not.toContain(keys.EdDSA.d!);
  });
});

describe("cross-library: bare jose verifies what we mint", () => {
  it.each(ASYMMETRIC)("%s: jwtVerify with the JWKS from jwks()", async (alg) => {
    const clock = frozenClock();
    const auth = makeAuth({ accessToken: { algorithm: alg, keys: [keys[alg]], issuer: "https://issuer.test", audience: "api" } }, clock);
    const token = await auth.createAccessToken({ userId: "user-1", sessionId: "s-1", claims: { role: "admin" } });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(await auth.jwks()), {
      algorithms: [alg],
      issuer: "https://issuer.test",
      audience: "api",
      typ: "at+jwt",
      currentDate: clock.now(),
      requiredClaims: ["exp", "iat", "jti", "sub"],
    });
    expect(protectedHeader).toEqual({ alg, typ: "at+jwt", kid: `${alg}-1` });
    expect(payload).toMatchObject({ sub: "user-1", sid: "s-1", role: "admin", iat: T0, exp: T0 + 900 });
  });

  it.each(ASYMMETRIC)("%s: jwtVerify with the single public JWK imported", async (alg) => {
    const clock = frozenClock();
    const auth = makeAuth({ accessToken: { algorithm: alg, keys: [keys[alg]] } }, clock);
    const token = await auth.createAccessToken({ userId: "user-1" });
    const pub = (await auth.jwks()).keys[0]!;
    const { payload } = await jwtVerify(token, await importJWK(pub, alg), { currentDate: clock.now(), issuer: "auth-skill", audience: "auth-skill" });
    expect(payload.sub).toBe("user-1");
  });

  it('HS256: jwtVerify with the documented key, HKDF-SHA256(secret, info "auth-skill/access-token/hs256/v1")', async () => {
    const clock = frozenClock();
    const token = await makeAuth({}, clock).createAccessToken({ userId: "user-1" });
    const key = new Uint8Array(hkdf(SECRET, "auth-skill/access-token/hs256/v1"));
    const { payload, protectedHeader } = await jwtVerify(token, key, { algorithms: ["HS256"], typ: "at+jwt", currentDate: clock.now() });
    expect(payload.sub).toBe("user-1");
    expect(protectedHeader.kid).toBe(kidOf(SECRET));
  });

  it("a rotated ring [new, old]: jose verifies old and new tokens with one JWKS", async () => {
    const clock = frozenClock();
    const next = await generateSigningKey("ES256", { kid: "next" });
    const oldToken = await makeAuth({ accessToken: { algorithm: "ES256", keys: [keys.ES256] } }, clock).createAccessToken({ userId: "a" });
    const auth = makeAuth({ accessToken: { algorithm: "ES256", keys: [next, keys.ES256] } }, clock);
    const newToken = await auth.createAccessToken({ userId: "b" });
    const set = createLocalJWKSet(await auth.jwks());
    expect((await jwtVerify(oldToken, set, { currentDate: clock.now() })).payload.sub).toBe("a");
    expect((await jwtVerify(newToken, set, { currentDate: clock.now() })).payload.sub).toBe("b");
  });
});
