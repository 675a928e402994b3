/**
 * Verification rules of RFC 8725 §2/§3 and RFC 9068 §4, one test per rule. Every hostile token here is
 * built outside the library: by hand (base64url + node:crypto) or with jose's CompactSign / SignJWT.
 */
import { createPublicKey, sign as nodeSign } from "node:crypto";
import { createServer, type Server } from "node:http";
import { inspect } from "node:util";
import { SignJWT, generateKeyPair, type CryptoKey, type JWK } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { generateSigningKey, type AuthError, type AuthSkill } from "../../src/index.js";
import { SECRET, T0, b64u, flipSignatureByte, frozenClock, hmacToken, joseSign, makeAuth, rejectsWith, validClaims } from "./helpers.js";

const HS_HEADER = { alg: "HS256", typ: "at+jwt" } as const;
const claims = (overrides: Record<string, unknown> = {}) => validClaims(T0, overrides);

let hs: AuthSkill;
const ed = { jwk: {} as JWK, pub: {} as JWK, auth: undefined as unknown as AuthSkill };
const rs = { jwk: {} as JWK, pub: {} as JWK, auth: undefined as unknown as AuthSkill };
const es = { jwk: {} as JWK, pub: {} as JWK, auth: undefined as unknown as AuthSkill };
let attackerEd: JWK;

beforeAll(async () => {
  hs = makeAuth();
  for (const [alg, slot] of [
    ["EdDSA", ed],
    ["RS256", rs],
    ["ES256", es],
  ] as const) {
    slot.jwk = await generateSigningKey(alg, { kid: `our-${alg}` });
    slot.auth = makeAuth({ accessToken: { algorithm: alg, keys: [slot.jwk] } });
    slot.pub = (await slot.auth.jwks()).keys[0]!;
  }
  attackerEd = await generateSigningKey("EdDSA", { kid: "our-EdDSA" }); // same kid as ours, different key
});

describe("sanity: the crafting helpers make tokens the library accepts", () => {
  it("a hand-made HS256 token with every rule met verifies", async () => {
    expect((await hs.verifyAccessToken(hmacToken(HS_HEADER, claims(), SECRET))).sub).toBe("user-1");
  });

  it("a jose-signed EdDSA token with our key and kid verifies", async () => {
    const token = await joseSign({ alg: "EdDSA", typ: "at+jwt", kid: "our-EdDSA" }, claims(), ed.jwk);
    expect((await ed.auth.verifyAccessToken(token)).sub).toBe("user-1");
  });
});

describe('alg "none" (RFC 8725 §3.1)', () => {
  const none = (alg: string) => `${b64u({ alg, typ: "at+jwt" })}.${b64u(claims())}`;

  it.each(["none", "None", "NONE", "nOnE"])('rejects alg "%s" without a signature part', async (alg) => {
    await rejectsWith(hs.verifyAccessToken(`${none(alg)}.`), "TOKEN_INVALID");
    await rejectsWith(ed.auth.verifyAccessToken(`${none(alg)}.`), "TOKEN_INVALID");
  });

  it('rejects alg "none" with a signature part', async () => {
    const forged = `${none("none")}.${b64u("signature")}`;
    await rejectsWith(hs.verifyAccessToken(forged), "TOKEN_INVALID");
    await rejectsWith(ed.auth.verifyAccessToken(forged), "TOKEN_INVALID");
  });

  it('rejects alg "none" with the HMAC a naive verifier would compute', async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken({ alg: "none", typ: "at+jwt" }, claims(), SECRET)), "TOKEN_INVALID");
  });

  it("rejects a token without alg", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken({ typ: "at+jwt" }, claims(), SECRET)), "TOKEN_INVALID");
  });
});

describe("algorithm confusion: HS256 keyed with our public key (RFC 8725 §2.1)", () => {
  const forms = (jwk: JWK): Array<[string, string | Uint8Array]> => {
    const key = createPublicKey({ key: jwk as import("node:crypto").JsonWebKey, format: "jwk" });
    const list: Array<[string, string | Uint8Array]> = [
      ["SPKI PEM", key.export({ type: "spki", format: "pem" }) as string],
      ["SPKI DER", new Uint8Array(key.export({ type: "spki", format: "der" }))],
      ["JWK JSON", JSON.stringify(jwk)],
    ];
    if (jwk.kty === "OKP") list.push(["raw public key bytes", new Uint8Array(Buffer.from(jwk.x!, "base64url"))]);
    if (jwk.kty === "RSA") {
      list.push(["PKCS#1 PEM", key.export({ type: "pkcs1", format: "pem" }) as string]);
      list.push(["modulus bytes", new Uint8Array(Buffer.from(jwk.n!, "base64url"))]);
    }
    return list;
  };

  it("EdDSA instance rejects HS256 tokens keyed with any form of its public key", async () => {
    for (const [form, key] of forms(ed.pub)) {
      const forged = hmacToken({ ...HS_HEADER, kid: "our-EdDSA" }, claims(), key);
      await rejectsWith(ed.auth.verifyAccessToken(forged), "TOKEN_INVALID").catch((e: unknown) => {
        throw new Error(`accepted with ${form}`, { cause: e });
      });
    }
  });

  it("RS256 instance rejects HS256 tokens keyed with any form of its public key", async () => {
    for (const [form, key] of forms(rs.pub)) {
      const forged = hmacToken({ ...HS_HEADER, kid: "our-RS256" }, claims(), key);
      await rejectsWith(rs.auth.verifyAccessToken(forged), "TOKEN_INVALID").catch((e: unknown) => {
        throw new Error(`accepted with ${form}`, { cause: e });
      });
    }
  });

  it("ES256 instance rejects HS256 tokens keyed with its public key (PEM and JWK JSON)", async () => {
    for (const [, key] of forms(es.pub)) {
      await rejectsWith(es.auth.verifyAccessToken(hmacToken({ ...HS_HEADER, kid: "our-ES256" }, claims(), key)), "TOKEN_INVALID");
    }
  });
});

describe("algorithm allowlist: exactly the configured algorithm", () => {
  it.each([
    ["HS384", "sha384"],
    ["HS512", "sha512"],
  ] as const)("HS256 instance rejects %s signed with the same secret", async (alg, hash) => {
    await rejectsWith(hs.verifyAccessToken(hmacToken({ alg, typ: "at+jwt" }, claims(), SECRET, hash)), "TOKEN_INVALID");
  });

  it.each(["hs256", "Hs256", "HS256 "])('HS256 instance rejects the misspelt alg "%s"', async (alg) => {
    await rejectsWith(hs.verifyAccessToken(hmacToken({ alg, typ: "at+jwt" }, claims(), SECRET)), "TOKEN_INVALID");
  });

  it("ES256 instance rejects an RS256 token (signed with an RSA key under the ES256 kid)", async () => {
    const rsa = await generateSigningKey("RS256");
    await rejectsWith(es.auth.verifyAccessToken(await joseSign({ alg: "RS256", typ: "at+jwt", kid: "our-ES256" }, claims(), rsa)), "TOKEN_INVALID");
  });

  it("RS256 instance rejects PS256 made with our own RSA key (one key, one algorithm)", async () => {
    const token = await joseSign({ alg: "PS256", typ: "at+jwt", kid: "our-RS256" }, claims(), { ...rs.jwk, alg: "PS256" });
    await rejectsWith(rs.auth.verifyAccessToken(token), "TOKEN_INVALID");
  });

  it('EdDSA instance rejects alg "Ed25519" made with our own key', async () => {
    const token = await joseSign({ alg: "Ed25519", typ: "at+jwt", kid: "our-EdDSA" }, claims(), { ...ed.jwk, alg: "Ed25519" });
    await rejectsWith(ed.auth.verifyAccessToken(token), "TOKEN_INVALID");
  });

  it("HS256 instance rejects an EdDSA token", async () => {
    await rejectsWith(hs.verifyAccessToken(await joseSign({ alg: "EdDSA", typ: "at+jwt" }, claims(), attackerEd)), "TOKEN_INVALID");
  });

  it("ES256 instance rejects the all-zero signature (CVE-2022-21449, psychic signatures)", async () => {
    const forged = `${b64u({ alg: "ES256", typ: "at+jwt", kid: "our-ES256" })}.${b64u(claims())}.${b64u(new Uint8Array(64))}`;
    await rejectsWith(es.auth.verifyAccessToken(forged), "TOKEN_INVALID");
  });

  it("ES256 instance rejects a DER-encoded signature made with our key (JWS needs raw r||s)", async () => {
    const input = `${b64u({ alg: "ES256", typ: "at+jwt", kid: "our-ES256" })}.${b64u(claims())}`;
    const der = nodeSign("sha256", Buffer.from(input), { key: es.jwk as import("node:crypto").JsonWebKey, format: "jwk", dsaEncoding: "der" });
    await rejectsWith(es.auth.verifyAccessToken(`${input}.${der.toString("base64url")}`), "TOKEN_INVALID");
  });
});

describe("signature", () => {
  it("rejects an HS256 token signed with another secret", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims(), `${SECRET}-other`)), "TOKEN_INVALID");
  });

  it("rejects our own token with one flipped bit in the signature", async () => {
    const token = await hs.createAccessToken({ userId: "user-1" });
    await rejectsWith(hs.verifyAccessToken(flipSignatureByte(token, 7)), "TOKEN_INVALID");
  });

  it.each(["EdDSA", "RS256", "ES256"] as const)("rejects a %s token with one flipped bit in the signature", async (alg) => {
    const auth = { EdDSA: ed, RS256: rs, ES256: es }[alg].auth;
    const token = await auth.createAccessToken({ userId: "user-1" });
    await rejectsWith(auth.verifyAccessToken(flipSignatureByte(token, 3)), "TOKEN_INVALID");
  });

  it("rejects our own token whose payload was edited (sub changed, signature kept)", async () => {
    const [h, , s] = (await hs.createAccessToken({ userId: "user-1" })).split(".");
    await rejectsWith(hs.verifyAccessToken(`${h}.${b64u(claims({ sub: "admin" }))}.${s}`), "TOKEN_INVALID");
  });

  it("rejects the last signature character changed to an encoding of the same bytes (non-canonical base64url)", async () => {
    const token = await hs.createAccessToken({ userId: "user-1" });
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(token.at(-1)!);
    const sibling = alphabet[last ^ 0b11]!; // a 43-char signature leaves the last 2 bits unused
    await rejectsWith(hs.verifyAccessToken(token.slice(0, -1) + sibling), "TOKEN_INVALID");
  });

  it("rejects an empty signature", async () => {
    const [h, p] = (await hs.createAccessToken({ userId: "user-1" })).split(".");
    await rejectsWith(hs.verifyAccessToken(`${h}.${p}.`), "TOKEN_INVALID");
  });

  it("rejects a token with padding or whitespace added", async () => {
    const token = await hs.createAccessToken({ userId: "user-1" });
    await rejectsWith(hs.verifyAccessToken(`${token}=`), "TOKEN_INVALID");
    await rejectsWith(hs.verifyAccessToken(` ${token}`), "TOKEN_INVALID");
    await rejectsWith(hs.verifyAccessToken(`${token}\n`), "TOKEN_INVALID");
  });

  it("rejects a five-part (JWE-shaped) token", async () => {
    await rejectsWith(hs.verifyAccessToken(`${hmacToken(HS_HEADER, claims(), SECRET)}.AAAA.BBBB`), "TOKEN_INVALID");
  });
});

describe("issuer (RFC 9068 §4: exact match)", () => {
  const issuer = "https://auth.example.com";
  const auth = () => makeAuth({ accessToken: { issuer } });

  it("accepts the exact issuer", async () => {
    await expect(auth().verifyAccessToken(hmacToken(HS_HEADER, claims({ iss: issuer }), SECRET))).resolves.toMatchObject({ iss: issuer });
  });

  it("rejects a different issuer", async () => {
    await rejectsWith(auth().verifyAccessToken(hmacToken(HS_HEADER, claims({ iss: "https://evil.example.com" }), SECRET)), "TOKEN_INVALID");
  });

  it("rejects the issuer in different case", async () => {
    await rejectsWith(auth().verifyAccessToken(hmacToken(HS_HEADER, claims({ iss: "https://Auth.Example.com" }), SECRET)), "TOKEN_INVALID");
  });

  it("rejects the issuer with a trailing slash", async () => {
    await rejectsWith(auth().verifyAccessToken(hmacToken(HS_HEADER, claims({ iss: `${issuer}/` }), SECRET)), "TOKEN_INVALID");
  });

  it("rejects a missing issuer", async () => {
    await rejectsWith(auth().verifyAccessToken(hmacToken(HS_HEADER, claims({ iss: undefined }), SECRET)), "TOKEN_INVALID");
  });

  it("rejects an issuer array containing ours", async () => {
    await rejectsWith(auth().verifyAccessToken(hmacToken(HS_HEADER, claims({ iss: [issuer] }), SECRET)), "TOKEN_INVALID");
  });
});

describe("audience (RFC 9068 §4: must contain ours)", () => {
  it("rejects an audience that is not ours", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ aud: "another-api" }), SECRET)), "TOKEN_INVALID");
  });

  it("accepts an audience array that contains ours", async () => {
    await expect(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ aud: ["another-api", "auth-skill"] }), SECRET))).resolves.toBeTruthy();
  });

  it("rejects an audience array without ours", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ aud: ["a", "b"] }), SECRET)), "TOKEN_INVALID");
  });

  it("rejects a missing audience", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ aud: undefined }), SECRET)), "TOKEN_INVALID");
  });

  it("rejects an audience differing in case", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ aud: "Auth-Skill" }), SECRET)), "TOKEN_INVALID");
  });
});

describe("exp, nbf, iat, jti (RFC 9068 §2.2, §4)", () => {
  it("rejects a token without exp", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ exp: undefined }), SECRET)), "TOKEN_INVALID");
  });

  it("rejects an exp that is not a number", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ exp: String(T0 + 600) }), SECRET)), "TOKEN_INVALID");
  });

  it("rejects an exp in the past beyond the clock tolerance with TOKEN_EXPIRED", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ iat: T0 - 900, exp: T0 - 6 }), SECRET)), "TOKEN_EXPIRED");
  });

  it("accepts an exp in the past within the clock tolerance (default 5 s)", async () => {
    await expect(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ iat: T0 - 900, exp: T0 - 4 }), SECRET))).resolves.toBeTruthy();
  });

  it("honours a configured clock tolerance", async () => {
    const auth = makeAuth({ accessToken: { clockTolerance: "1m" } });
    await expect(auth.verifyAccessToken(hmacToken(HS_HEADER, claims({ exp: T0 - 59 }), SECRET))).resolves.toBeTruthy();
    await rejectsWith(auth.verifyAccessToken(hmacToken(HS_HEADER, claims({ exp: T0 - 61 }), SECRET)), "TOKEN_EXPIRED");
  });

  it("rejects an nbf in the future beyond the tolerance", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ nbf: T0 + 60 }), SECRET)), "TOKEN_INVALID");
  });

  it("accepts an nbf in the future within the tolerance", async () => {
    await expect(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ nbf: T0 + 3 }), SECRET))).resolves.toMatchObject({ nbf: T0 + 3 });
  });

  it("rejects an nbf that is not a number", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ nbf: "soon" }), SECRET)), "TOKEN_INVALID");
  });

  it("rejects a token without iat", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ iat: undefined }), SECRET)), "TOKEN_INVALID");
  });

  it("rejects a token without jti", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ jti: undefined }), SECRET)), "TOKEN_INVALID");
  });

  it("rejects a jti that is not a string", async () => {
    for (const jti of [7, null, ["j"], { id: "j" }]) {
      await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ jti }), SECRET)), "TOKEN_INVALID");
    }
  });

  it("rejects a payload that is not a JSON object", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, [claims()], SECRET)), "TOKEN_INVALID");
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, "not json", SECRET)), "TOKEN_INVALID");
  });
});

describe("typ (RFC 9068 §4)", () => {
  it("rejects a token without typ", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken({ alg: "HS256" }, claims(), SECRET)), "TOKEN_INVALID");
  });

  it('rejects typ "JWT"', async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken({ alg: "HS256", typ: "JWT" }, claims(), SECRET)), "TOKEN_INVALID");
  });

  it('rejects typ "application/jwt"', async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken({ alg: "HS256", typ: "application/jwt" }, claims(), SECRET)), "TOKEN_INVALID");
  });

  it('accepts typ "application/at+jwt"', async () => {
    await expect(hs.verifyAccessToken(hmacToken({ alg: "HS256", typ: "application/at+jwt" }, claims(), SECRET))).resolves.toBeTruthy();
  });
});

describe("sub (a non-empty string)", () => {
  it("rejects a token without sub", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ sub: undefined }), SECRET)), "TOKEN_INVALID");
  });

  it("rejects an empty sub", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ sub: "" }), SECRET)), "TOKEN_INVALID");
  });

  it.each([[42], [null], [["user-1"]], [{ id: "user-1" }], [true]])("rejects a non-string sub %j", async (sub) => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ sub }), SECRET)), "TOKEN_INVALID");
  });

  it("rejects a non-string sid", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken(HS_HEADER, claims({ sid: 7 }), SECRET)), "TOKEN_INVALID");
  });
});

describe("key material in the header is never used (RFC 8725 §3.10 / RFC 7515 §4.1.3-5)", () => {
  it("rejects a token signed by an attacker key embedded as `jwk` (under our kid)", async () => {
    const attackerPub = { ...attackerEd };
    delete attackerPub.d;
    const token = await joseSign({ alg: "EdDSA", typ: "at+jwt", kid: "our-EdDSA", jwk: attackerPub }, claims(), attackerEd);
    await rejectsWith(ed.auth.verifyAccessToken(token), "TOKEN_INVALID");
  });

  it("rejects a token signed by an attacker key embedded as `jwk` (no kid)", async () => {
    const attackerPub = { ...attackerEd };
    delete attackerPub.d;
    delete attackerPub.kid;
    const token = await joseSign({ alg: "EdDSA", typ: "at+jwt", jwk: attackerPub }, claims(), attackerEd);
    await rejectsWith(ed.auth.verifyAccessToken(token), "TOKEN_INVALID");
  });

  it("HS256: rejects a token signed by an attacker secret embedded as an oct `jwk`", async () => {
    const attackerSecret = "attacker-secret-0123456789abcdefghijkl";
    const token = hmacToken({ ...HS_HEADER, jwk: { kty: "oct", k: b64u(attackerSecret) } }, claims(), attackerSecret);
    await rejectsWith(hs.verifyAccessToken(token), "TOKEN_INVALID");
  });

  describe("jku / x5u", () => {
    let server: Server;
    let requests = 0;
    let base = "";
    beforeAll(async () => {
      const attackerPub = { ...attackerEd };
      delete attackerPub.d;
      server = createServer((_req, res) => {
        requests++;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ keys: [attackerPub] }));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const address = server.address();
      base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("rejects an attacker-signed token whose jku serves the attacker's key, without fetching it", async () => {
      const token = await joseSign({ alg: "EdDSA", typ: "at+jwt", kid: "our-EdDSA", jku: `${base}/jwks.json` }, claims(), attackerEd);
      await rejectsWith(ed.auth.verifyAccessToken(token), "TOKEN_INVALID");
      expect(requests).toBe(0);
    });

    it("rejects an attacker-signed token with x5u, without fetching it", async () => {
      const token = await joseSign({ alg: "EdDSA", typ: "at+jwt", kid: "our-EdDSA", x5u: `${base}/cert.pem` }, claims(), attackerEd);
      await rejectsWith(ed.auth.verifyAccessToken(token), "TOKEN_INVALID");
      expect(requests).toBe(0);
    });

    it("HS256: an attacker token with jku to an unroutable port rejects at once, no network", async () => {
      const attackerSecret = "attacker-secret-0123456789abcdefghijkl";
      const token = hmacToken({ ...HS_HEADER, jku: "http://127.0.0.1:1/jwks.json", x5u: `${base}/x` }, claims(), attackerSecret);
      const fetches = vi.fn(() => Promise.reject(new Error("no network expected")));
      vi.stubGlobal("fetch", fetches);
      try {
        await rejectsWith(hs.verifyAccessToken(token), "TOKEN_INVALID");
      } finally {
        vi.unstubAllGlobals();
      }
      expect(fetches).not.toHaveBeenCalled(); // not even an attempt at the unroutable jku
      expect(requests).toBe(0);
    });

    it("a genuinely signed token carrying jku still verifies by our key, and nothing is fetched", async () => {
      const token = await joseSign({ alg: "EdDSA", typ: "at+jwt", kid: "our-EdDSA", jku: `${base}/jwks.json` }, claims(), ed.jwk);
      await expect(ed.auth.verifyAccessToken(token)).resolves.toMatchObject({ sub: "user-1" });
      expect(requests).toBe(0);
    });
  });
});

describe("crit (RFC 7515 §4.1.11)", () => {
  it("rejects an unknown critical header parameter", async () => {
    const token = hmacToken({ ...HS_HEADER, crit: ["x-must-understand"], "x-must-understand": true }, claims(), SECRET);
    await rejectsWith(hs.verifyAccessToken(token), "TOKEN_INVALID");
  });

  it("rejects crit naming a parameter that is absent", async () => {
    await rejectsWith(hs.verifyAccessToken(hmacToken({ ...HS_HEADER, crit: ["x-absent"] }, claims(), SECRET)), "TOKEN_INVALID");
  });

  it("rejects an unencoded payload (crit b64: false)", async () => {
    const header = { ...HS_HEADER, b64: false, crit: ["b64"] };
    await rejectsWith(hs.verifyAccessToken(hmacToken(header, claims(), SECRET)), "TOKEN_INVALID");
  });
});

describe("kid and key rotation", () => {
  it("rejects a kid that is not in the ring", async () => {
    const stranger = await generateSigningKey("EdDSA", { kid: "stranger" });
    await rejectsWith(ed.auth.verifyAccessToken(await joseSign({ alg: "EdDSA", typ: "at+jwt", kid: "stranger" }, claims(), stranger)), "TOKEN_INVALID");
  });

  it("rejects an asymmetric token without kid", async () => {
    await rejectsWith(ed.auth.verifyAccessToken(await joseSign({ alg: "EdDSA", typ: "at+jwt" }, claims(), ed.jwk)), "TOKEN_INVALID");
  });

  it("rejects a token signed by the attacker under our kid", async () => {
    await rejectsWith(ed.auth.verifyAccessToken(await joseSign({ alg: "EdDSA", typ: "at+jwt", kid: "our-EdDSA" }, claims(), attackerEd)), "TOKEN_INVALID");
  });

  it("rejects a token signed by our key A under the kid of our key B", async () => {
    const b = await generateSigningKey("EdDSA", { kid: "B" });
    const auth = makeAuth({ accessToken: { algorithm: "EdDSA", keys: [ed.jwk, b] } });
    await rejectsWith(auth.verifyAccessToken(await joseSign({ alg: "EdDSA", typ: "at+jwt", kid: "B" }, claims(), ed.jwk)), "TOKEN_INVALID");
  });

  it("rotation: a token of the old key verifies while the old key is still in the ring [new, old]", async () => {
    const clock = frozenClock();
    const oldKey = await generateSigningKey("ES256", { kid: "old" });
    const newKey = await generateSigningKey("ES256", { kid: "new" });
    const before = makeAuth({ accessToken: { algorithm: "ES256", keys: [oldKey] } }, clock);
    const token = await before.createAccessToken({ userId: "user-1" });
    const after = makeAuth({ accessToken: { algorithm: "ES256", keys: [newKey, oldKey] } }, clock);
    expect((await after.verifyAccessToken(token)).sub).toBe("user-1");
    const fresh = await after.createAccessToken({ userId: "user-1" });
    expect(JSON.parse(Buffer.from(fresh.split(".")[0]!, "base64url").toString())).toMatchObject({ kid: "new" });
  });

  it("rotation: a token of a removed key is rejected", async () => {
    const clock = frozenClock();
    const a = await generateSigningKey("ES256", { kid: "A" });
    const b = await generateSigningKey("ES256", { kid: "B" });
    const token = await makeAuth({ accessToken: { algorithm: "ES256", keys: [b, a] } }, clock).createAccessToken({ userId: "u" });
    await rejectsWith(makeAuth({ accessToken: { algorithm: "ES256", keys: [a] } }, clock).verifyAccessToken(token), "TOKEN_INVALID");
  });
});

describe("hostile sizes and types", () => {
  // No timers (they trip on a loaded machine): an oversized token is refused before anything decodes or
  // parses it, which is what keeps it cheap. JSON.parse (ours and jose's) and base64 decoding are watched.
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function watchDecoding(): { parse: ReturnType<typeof vi.spyOn>; decodeBase64: () => number } {
    const parse = vi.spyOn(JSON, "parse");
    const from = vi.spyOn(Buffer, "from");
    const atob = vi.spyOn(globalThis, "atob");
    return {
      parse,
      decodeBase64: () => from.mock.calls.filter((args: unknown[]) => args[1] === "base64url" || args[1] === "base64").length + atob.mock.calls.length,
    };
  }

  it("rejects a megabyte of garbage unread (no decoding, no JSON parsing)", async () => {
    const garbage = Buffer.alloc(1 << 20, 0x41)
      .toString("latin1")
      .replace(/A{3}/g, "A.\u0000");
    const watch = watchDecoding();
    await rejectsWith(hs.verifyAccessToken(garbage), "TOKEN_INVALID");
    expect(watch.parse).not.toHaveBeenCalled();
    expect(watch.decodeBase64()).toBe(0);
  });

  it("rejects a megabyte-sized, correctly signed, well-formed token unread", async () => {
    const token = hmacToken(HS_HEADER, claims({ padding: "x".repeat(1 << 20) }), SECRET);
    const watch = watchDecoding();
    await rejectsWith(hs.verifyAccessToken(token), "TOKEN_INVALID");
    expect(watch.parse).not.toHaveBeenCalled();
    expect(watch.decodeBase64()).toBe(0);
  });

  it("rejects a megabyte-sized header unread (EdDSA, jose path)", async () => {
    const token = `${b64u({ alg: "EdDSA", typ: "at+jwt", kid: "our-EdDSA", x: "y".repeat(1 << 20) })}.${b64u(claims())}.${b64u(new Uint8Array(64))}`;
    const watch = watchDecoding();
    await rejectsWith(ed.auth.verifyAccessToken(token), "TOKEN_INVALID");
    expect(watch.parse).not.toHaveBeenCalled();
    expect(watch.decodeBase64()).toBe(0);
  });

  it("the watch sees decoding when it happens (a token just under the cap is parsed)", async () => {
    const token = hmacToken(HS_HEADER, claims({ padding: "x".repeat(4000) }), SECRET);
    const watch = watchDecoding();
    await expect(hs.verifyAccessToken(token)).resolves.toMatchObject({ sub: "user-1" });
    expect(watch.parse).toHaveBeenCalled();
    expect(watch.decodeBase64()).toBeGreaterThan(0);
  });

  it("rejects deeply nested JSON quickly", async () => {
    const token = `${b64u(HS_HEADER)}.${b64u(`${"[".repeat(3000)}${"]".repeat(3000)}`)}.${b64u("sig")}`;
    await rejectsWith(hs.verifyAccessToken(token), "TOKEN_INVALID");
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["42", 42],
    ["{}", {}],
    ["[]", []],
    ["a Buffer of a valid token", Buffer.from(hmacToken(HS_HEADER, validClaims(T0), SECRET))],
    ["a String object of a valid token", new String(hmacToken(HS_HEADER, validClaims(T0), SECRET))],
    ["empty string", ""],
  ])("rejects %s with TOKEN_INVALID", async (_name, value) => {
    await rejectsWith(hs.verifyAccessToken(value as unknown as string), "TOKEN_INVALID");
  });
});

describe("errors never carry the token", () => {
  const cases: Array<[string, () => Promise<{ auth: AuthSkill; token: string }>]> = [
    ["bad signature", async () => ({ auth: hs, token: flipSignatureByte(await hs.createAccessToken({ userId: "user-1" }), 2) })],
    ["expired", async () => ({ auth: hs, token: hmacToken(HS_HEADER, claims({ iat: T0 - 900, exp: T0 - 60 }), SECRET) })],
    ["wrong audience", async () => ({ auth: hs, token: hmacToken(HS_HEADER, claims({ aud: "other" }), SECRET) })],
    ["unknown kid", async () => ({ auth: ed.auth, token: await joseSign({ alg: "EdDSA", typ: "at+jwt", kid: "nope" }, claims(), attackerEd) })],
    ["alg none", async () => ({ auth: hs, token: `${b64u({ alg: "none" })}.${b64u(claims())}.${b64u("x")}` })],
  ];

  it.each(cases)("%s: message, JSON and inspection are free of the token and its signature", async (_name, make) => {
    const { auth, token } = await make();
    const err = await auth.verifyAccessToken(token).then(
      () => {
        throw new Error("expected a rejection");
      },
      (e: unknown) => e as Error,
    );
    const signature = token.split(".")[2]!;
    for (const text of [err.message, String(err), JSON.stringify(err), JSON.stringify((err as AuthError).toJSON()), inspect(err, { depth: 10 })]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(signature);
    }
  });

  it("errors never carry the secret or private key either", async () => {
    const err = await ed.auth.verifyAccessToken(hmacToken({ ...HS_HEADER, kid: "our-EdDSA" }, claims(), JSON.stringify(ed.pub))).catch((e: unknown) => e);
    const text = inspect(err, { depth: 10 }) + JSON.stringify(err);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(ed.jwk.d!);
  });
});

describe("crafting outside the library with jose SignJWT", () => {
  it("a SignJWT token with the secret and every rule met verifies; with typ JWT it does not", async () => {
    const key = new TextEncoder().encode(SECRET);
    const build = (typ: string) =>
      new SignJWT({ sid: "s" })
        .setProtectedHeader({ alg: "HS256", typ })
        .setIssuer("auth-skill")
        .setAudience("auth-skill")
        .setSubject("user-1")
        .setIssuedAt(T0)
        .setExpirationTime(T0 + 60)
        .setJti("j")
        .sign(key);
    await expect(hs.verifyAccessToken(await build("at+jwt"))).resolves.toMatchObject({ sub: "user-1" });
    await rejectsWith(hs.verifyAccessToken(await build("JWT")), "TOKEN_INVALID");
  });

  it("an EdDSA instance rejects an ES256 token made with a jose-generated key under our kid", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    const token = await joseSign({ alg: "ES256", typ: "at+jwt", kid: "our-EdDSA" }, claims(), privateKey as CryptoKey);
    await rejectsWith(ed.auth.verifyAccessToken(token), "TOKEN_INVALID");
  });
});
