/**
 * The key ring's checks (src/tokens/keys.ts): `checkJwks` (run by the options at construction) on the
 * members a JWK may or may not carry and on the RSA modulus size, counted to the bit; which halves of
 * the keys are imported; and lookup by `kid` for tokens whose header is not byte for byte ours.
 */
import type { CryptoKey, JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/index.js";
import { checkJwks, createKeyRing } from "../../src/tokens/key-ring.js";
import { SECRET, T0, joseSign, makeAuth, rejectsWith, throwsWith, validClaims } from "./helpers.js";

let ed: JWK;
let es: JWK;
beforeAll(async () => {
  ed = await generateSigningKey("EdDSA", { kid: "ed-1" });
  es = await generateSigningKey("ES256", { kid: "es-1" });
});

const without = (jwk: JWK, ...members: string[]): JWK => Object.fromEntries(Object.entries(jwk).filter(([k]) => !members.includes(k))) as JWK;

describe("checkJwks: optional members and key types", () => {
  it("alg, use and key_ops may be left out", () => {
    expect(checkJwks("EdDSA", [without(ed, "alg", "use")])).toBeNull();
    expect(checkJwks("EdDSA", [without(ed, "alg")])).toBeNull();
    expect(checkJwks("EdDSA", [without(ed, "use")])).toBeNull();
  });

  it('key_ops may allow "verify" beside "sign", nothing else', () => {
    expect(checkJwks("EdDSA", [{ ...ed, key_ops: ["sign", "verify"] }])).toBeNull();
    expect(checkJwks("EdDSA", [{ ...ed, key_ops: ["verify", "sign"] }])).toBeNull();
    expect(checkJwks("EdDSA", [{ ...ed, key_ops: ["sign", "encrypt"] }])).toMatch(/key_ops other than sign\/verify/);
    expect(checkJwks("EdDSA", [{ ...ed, key_ops: ["verify"] }])).toMatch(/without sign/);
  });

  it("the key type must match even when the curve does", () => {
    expect(checkJwks("EdDSA", [{ ...ed, kty: "EC" }])).toBe("accessToken.keys[0] is not a EdDSA key");
  });

  it("an EC key for RS256 is refused as the wrong type (not measured as an RSA modulus)", () => {
    expect(checkJwks("RS256", [es])).toBe("accessToken.keys[0] is not a RS256 key");
  });
});

describe("checkJwks: the RSA modulus is measured to the bit", () => {
  const rsa = (n: unknown): JWK => ({ kty: "RSA", kid: "r", e: "AQAB", d: "AQAB", n }) as JWK;
  const modulus = (top: number, rest = 255, zeros = 0) =>
    Buffer.concat([Buffer.alloc(zeros), Buffer.from([top]), Buffer.alloc(rest, 0xff)]).toString("base64url");
  const SHORT = "accessToken.keys[0] is shorter than 2048 bits";

  it("2048 bits pass, 2047 and 2041 do not", () => {
    expect(checkJwks("RS256", [rsa(modulus(0x80))])).toBeNull();
    expect(checkJwks("RS256", [rsa(modulus(0x7f))])).toBe(SHORT);
    expect(checkJwks("RS256", [rsa(modulus(0x01))])).toBe(SHORT);
  });

  it("leading zero bytes do not count: a 1024-bit modulus padded to 2624 bits is refused, a padded 2048-bit one passes", () => {
    expect(checkJwks("RS256", [rsa(modulus(0x80, 127, 200))])).toBe(SHORT);
    expect(checkJwks("RS256", [rsa(modulus(0x80, 255, 3))])).toBeNull();
  });

  it("no modulus, an empty, all-zero or non-base64url one, or one given as bytes: refused as short, with CONFIG_ERROR", () => {
    const n2048 = modulus(0x80);
    for (const n of [undefined, "", "AAAAAAAA", "not base64url!", 12345, new TextEncoder().encode(n2048)]) {
      expect(checkJwks("RS256", [rsa(n)])).toBe(SHORT);
    }
    expect(throwsWith(() => makeAuth({ accessToken: { algorithm: "RS256", keys: [rsa("not base64url!")] } }), "CONFIG_ERROR").message).toContain(SHORT);
  });
});

describe("importing the keys", () => {
  it("HS256: the imported secret cannot be exported from the ring", async () => {
    const ring = await createKeyRing("HS256", SECRET);
    expect((ring.signing.key as CryptoKey).extractable).toBe(false);
  });

  it("only the first key's private half is imported: a later key with a damaged one still verifies its tokens", async () => {
    const retiring = await generateSigningKey("EdDSA", { kid: "ed-0" });
    const auth = makeAuth({ accessToken: { algorithm: "EdDSA", keys: [ed, { ...retiring, d: "AAAA" }] } });
    const old = await makeAuth({ accessToken: { algorithm: "EdDSA", keys: [retiring] } }).createAccessToken({ userId: "user-1" });
    await expect(auth.verifyAccessToken(old)).resolves.toMatchObject({ sub: "user-1" });
    await expect(auth.verifyAccessToken(await auth.createAccessToken({ userId: "user-2" }))).resolves.toMatchObject({ sub: "user-2" });
  });

  it("a signing key whose private half cannot be imported: CONFIG_ERROR on first use, with the cause kept", async () => {
    const auth = makeAuth({ accessToken: { algorithm: "EdDSA", keys: [{ ...ed, d: "AAAA" }] } });
    const err = await rejectsWith(auth.createAccessToken({ userId: "user-1" }), "CONFIG_ERROR");
    expect(err.message).toBe("auth-skill configuration: accessToken.keys could not be imported");
    expect(err.cause).toBeDefined();
    await rejectsWith(auth.verifyAccessToken("a.b.c"), "CONFIG_ERROR");
  });

  it("a token in another header spelling is verified by the key its kid names, and refused once that key is rotated out", async () => {
    const retiring = await generateSigningKey("EdDSA", { kid: "ed-0" });
    const token = await joseSign({ kid: "ed-0", alg: "EdDSA", typ: "at+jwt" }, validClaims(T0), retiring); // not our header's bytes
    const both = makeAuth({ accessToken: { algorithm: "EdDSA", keys: [ed, retiring] } });
    await expect(both.verifyAccessToken(token)).resolves.toMatchObject({ sub: "user-1" });
    await expect(both.verifyAccessToken(token)).resolves.toMatchObject({ sub: "user-1" }); // now cached
    await rejectsWith(makeAuth({ accessToken: { algorithm: "EdDSA", keys: [ed] } }).verifyAccessToken(token), "TOKEN_INVALID");
  });
});

describe("generateSigningKey", () => {
  it("refuses an algorithm that is not a string, even one that converts to a supported name", async () => {
    const lookalike = { toString: () => "EdDSA" } as unknown as "EdDSA";
    await expect(generateSigningKey(lookalike)).rejects.toThrow(new TypeError("Unsupported algorithm: EdDSA"));
  });
});
