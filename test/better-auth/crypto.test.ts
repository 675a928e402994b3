// The bridge's own crypto against references: XChaCha20-Poly1305 against the draft's HChaCha20 vector and
// @noble/ciphers (what Better Auth encrypts jwks keys with); the cookie HMAC against better-call's signer.
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { managedNonce } from "@noble/ciphers/utils.js";
import { symmetricDecrypt, symmetricEncrypt } from "better-auth/crypto";
import { describe, expect, it } from "vitest";
import { sessionTokenFrom, signSessionToken, verifySignedToken } from "../../src/better-auth/cookie.js";
import { decryptPrivateKey, encryptPrivateKey } from "../../src/better-auth/jwt-plugin-keys.js";
import { hchacha20, xchachaOpen, xchachaSeal } from "../../src/better-auth/xchacha.js";
import { BetterAuthBridgeError, sanitize } from "../../src/better-auth/errors.js";
import { AuthError, isAuthError } from "../../src/errors.js";

const newSecret = () => randomBytes(32).toString("base64url");

describe("XChaCha20-Poly1305", () => {
  it("matches the HChaCha20 test vector of draft-irtf-cfrg-xchacha-03 §2.2.1", () => {
    const key = Buffer.from([...Array(32).keys()]);
    const nonce = Buffer.from("000000090000004a0000000031415927", "hex");
    expect(hchacha20(key, nonce).toString("hex")).toBe("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");
  });

  it("interoperates with @noble/ciphers' managedNonce(xchacha20poly1305) both ways, and rejects tampering", () => {
    for (let i = 0; i < 50; i++) {
      const key = randomBytes(32);
      const plaintext = randomBytes(i * 13);
      const noble = managedNonce(xchacha20poly1305)(new Uint8Array(key));
      expect(Buffer.from(noble.decrypt(new Uint8Array(xchachaSeal(key, plaintext))))).toEqual(plaintext);
      expect(xchachaOpen(key, noble.encrypt(new Uint8Array(plaintext)))).toEqual(plaintext);
    }
    const key = randomBytes(32);
    const sealed = xchachaSeal(key, Buffer.from("secret jwk"));
    sealed[30]! ^= 1;
    expect(() => xchachaOpen(key, sealed)).toThrow();
    expect(() => xchachaOpen(randomBytes(32), xchachaSeal(key, Buffer.from("x")))).toThrow();
  });

  it("reads and writes jwks private keys exactly as Better Auth's symmetricEncrypt/Decrypt do", async () => {
    const secret = newSecret();
    const jwk = { kty: "OKP", crv: "Ed25519", x: "x", d: "d" };
    const plain = { plain: secret, legacy: null, versions: new Map<number, string>(), current: null };
    const theirs = JSON.stringify(await symmetricEncrypt({ key: secret, data: JSON.stringify(jwk) }));
    expect(decryptPrivateKey(theirs, plain)).toEqual(jwk);
    const ours = encryptPrivateKey(jwk, plain);
    expect(JSON.parse(await symmetricDecrypt({ key: secret, data: JSON.parse(ours) as string }))).toEqual(jwk);

    const [v1, v2] = [newSecret(), newSecret()];
    const config = {
      keys: new Map([
        [2, v2],
        [1, v1],
      ]),
      currentVersion: 2,
      legacySecret: secret,
    };
    const rotation = { plain: null, legacy: secret, versions: config.keys, current: 2 };
    const enveloped = JSON.stringify(await symmetricEncrypt({ key: config, data: JSON.stringify(jwk) }));
    expect(JSON.parse(enveloped)).toMatch(/^\$ba\$2\$/);
    expect(decryptPrivateKey(enveloped, rotation)).toEqual(jwk);
    expect(decryptPrivateKey(theirs, rotation)).toEqual(jwk); // bare hex: the legacy secret
    expect(JSON.parse(await symmetricDecrypt({ key: config, data: JSON.parse(encryptPrivateKey(jwk, rotation)) as string }))).toEqual(jwk);
    expect(() => decryptPrivateKey(enveloped, { ...rotation, versions: new Map([[1, v1]]) })).toThrow(/could not be decrypted/);
    expect(() => decryptPrivateKey(theirs, { ...plain, plain: newSecret() })).toThrow(/could not be decrypted/);
  });
});

describe("session cookie signatures", () => {
  const secret = newSecret();
  const token = "aaaabbbbccccddddeeeeffffgggghhhh";

  it("signs like better-call (standard base64, padded, URL-encoded) and verifies both base64 alphabets", async () => {
    const { serializeSignedCookie } = await import("better-call");
    const theirs = await serializeSignedCookie("n", token, secret);
    expect(`n=${signSessionToken(token, secret)}`).toBe(theirs);
    const value = signSessionToken(token, secret);
    expect(verifySignedToken(value, secret)).toBe(token);
    expect(verifySignedToken(decodeURIComponent(value), secret)).toBe(token);
    const urlSafe = decodeURIComponent(value).replace(/\+/g, "-").replace(/\//g, "_").replace(/=$/, "");
    expect(verifySignedToken(urlSafe, secret)).toBe(token);
    for (const bad of ["", ".", token, `${token}.`, `.${value}`, `${token}.${"A".repeat(43)}=`, "%E0%A4%A", "x".repeat(5000)]) {
      expect(verifySignedToken(bad, secret)).toBeNull();
    }
  });

  it("accepts one spelling of a signature per alphabet: the stray bits of the last character must be zero", () => {
    const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const signed = decodeURIComponent(signSessionToken(token, secret)); // token.<43 chars>=
    const dot = signed.lastIndexOf(".");
    const sig = signed.slice(dot + 1, dot + 44);
    const last = B64.indexOf(sig[42]!);
    expect(last & 0b11).toBe(0);
    const urlSafe = (s: string) => s.replace(/\+/g, "-").replace(/\//g, "_");
    for (const stray of [1, 2, 3]) {
      const variant = sig.slice(0, 42) + B64[last | stray]!; // the same 32 bytes once decoded
      expect(Buffer.from(variant, "base64").equals(Buffer.from(sig, "base64"))).toBe(true);
      expect(verifySignedToken(`${token}.${variant}=`, secret)).toBeNull();
      expect(verifySignedToken(encodeURIComponent(`${token}.${variant}=`), secret)).toBeNull();
      expect(verifySignedToken(`${token}.${urlSafe(variant)}`, secret)).toBeNull();
    }
    expect(verifySignedToken(`${token}.${sig}=`, secret)).toBe(token);
    expect(verifySignedToken(`${token}.${urlSafe(sig)}`, secret)).toBe(token);
  });

  it("prefers a valid bearer credential, falls back to the cookie, and reads the plain name only without secure cookies", () => {
    const signed = signSessionToken(token, secret);
    const other = signSessionToken("zzzzbbbbccccddddeeeeffffgggghhhh", secret);
    const settings = { prefix: "better-auth", secure: false, maxAgeSec: 60 };
    const h = (init: Record<string, string>) => new Headers(init);
    expect(sessionTokenFrom(h({ authorization: `Bearer ${other}`, cookie: `better-auth.session_token=${signed}` }), settings, secret)).toBe(
      "zzzzbbbbccccddddeeeeffffgggghhhh",
    );
    expect(sessionTokenFrom(h({ authorization: "Bearer junk.sig", cookie: `better-auth.session_token=${signed}` }), settings, secret)).toBe(token);
    expect(sessionTokenFrom(h({ cookie: `__Secure-better-auth.session_token=${signed}` }), settings, secret)).toBe(token);
    expect(sessionTokenFrom(h({ cookie: `better-auth.session_token=${signed}` }), { ...settings, secure: true }, secret)).toBeNull();
    expect(sessionTokenFrom(h({ cookie: `better-auth.session_token="${signed}"` }), settings, secret)).toBe(token);
  });
});

describe("error sanitising", () => {
  it("keeps schema names and codes, drops quoted values, and keeps only a scrubbed copy of the driver error", () => {
    const driver = Object.assign(new Error('duplicate key value violates unique constraint "user_email_key" for "ada@example.com"'), {
      code: "23505",
      detail: "Key (email)=(ada@example.com) already exists.",
    });
    const clean = sanitize("createUser", driver);
    expect(clean).toBeInstanceOf(BetterAuthBridgeError);
    expect(isAuthError(clean, "STORAGE_ERROR")).toBe(true);
    expect(clean).toMatchObject({ name: "BetterAuthBridgeError", operation: "createUser", driverCode: "23505", status: 500 });
    expect(clean.message).toBe("The authentication store is unavailable. Please try again.");
    const cause = clean.cause as Error & { code?: string };
    expect(cause).not.toBe(driver);
    expect(cause.message).toBe('auth-skill/better-auth: createUser failed: duplicate key value violates unique constraint "user_email_key" for "…"');
    expect(cause.code).toBe("23505");
    expect("detail" in cause).toBe(false);
    const shown = JSON.stringify(clean) + inspect(clean, { depth: 10, showHidden: true });
    expect(shown).not.toContain("ada@example.com");
    const cast = sanitize("x", new Error("invalid input syntax for type timestamp: 'secret-token-value'"));
    expect(inspect(cast, { depth: 10, showHidden: true })).not.toContain("secret-token-value");
    const auth = new AuthError("CONFIG_ERROR", "x");
    expect(sanitize("x", auth)).toBe(auth); // the family passes through
  });
});
