/**
 * Tokens under our exact header, correctly signed with our secret, whose segments or payload are still
 * wrong: the signature alone must not carry them. They take the synchronous path (src/tokens/sync-jws.ts),
 * where Node's lenient base64url decoder would read them, so the canonical-encoding rule
 * (src/tokens/base64url.ts) and the payload check are what refuse them.
 */
import { createHmac, createSecretKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isCanonicalBase64url } from "../../src/tokens/base64url.js";
import { signatureCheck, verifySync } from "../../src/tokens/sync-jws.js";
import { SECRET, T0, b64u, frozenClock, makeAuth, rejectsWith, validClaims } from "./helpers.js";

const HEADER = b64u({ alg: "HS256", typ: "at+jwt" }); // the bytes our signer writes
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A token whose text is signed as given (HMAC over `header.payload`), whatever the encoding. */
const signText = (payload: string, header = HEADER) => {
  const input = `${header}.${payload}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
};
/** Valid claims whose JSON is `mod3` bytes past a multiple of 3 (0: no partial group; 1: two characters; 2: three). */
const payloadBytes = (mod3: number) => {
  for (let pad = ""; ; pad += "x") {
    const json = JSON.stringify(validClaims(T0, { pad }));
    if (Buffer.byteLength(json) % 3 === mod3) return Buffer.from(json).toString("base64url");
  }
};
const withLast = (segment: string, char: string) => segment.slice(0, -1) + char;

describe("non-canonical segments are refused even when signed", () => {
  it("the helpers' canonical token verifies (sanity)", async () => {
    await expect(makeAuth().verifyAccessToken(signText(payloadBytes(1)))).resolves.toMatchObject({ sub: "user-1" });
  });

  it("a payload segment of 4n + 1 characters (a lone character no decoder can use)", async () => {
    const payload = payloadBytes(0);
    expect(payload.length % 4).toBe(0);
    await rejectsWith(makeAuth().verifyAccessToken(signText(`${payload}A`)), "TOKEN_INVALID");
    expect(isCanonicalBase64url(`${payload}A`)).toBe(false);
  });

  it("a payload segment ending in two characters whose last carries stray bits (bit 2, which a 3-character ending may use)", async () => {
    const payload = payloadBytes(1);
    expect(payload.length % 4).toBe(2);
    const last = ALPHABET.indexOf(payload.at(-1)!);
    const stray = withLast(payload, ALPHABET[last | 0b0100]!);
    expect(Buffer.from(stray, "base64url").equals(Buffer.from(payload, "base64url"))).toBe(true); // same bytes to a lenient decoder
    await rejectsWith(makeAuth().verifyAccessToken(signText(stray)), "TOKEN_INVALID");
  });

  it("a payload segment ending in three characters whose last carries stray bits", async () => {
    const payload = payloadBytes(2);
    expect(payload.length % 4).toBe(3);
    const stray = withLast(payload, ALPHABET[ALPHABET.indexOf(payload.at(-1)!) | 0b01]!);
    await rejectsWith(makeAuth().verifyAccessToken(signText(stray)), "TOKEN_INVALID");
  });
});

describe("the payload must be a JSON object", () => {
  it.each([
    ["null", "null"],
    ["a number", "5"],
    ["a string", '"user-1"'],
    ["an array", JSON.stringify([validClaims(T0)])],
  ])("%s, correctly signed: TOKEN_INVALID (an AuthError, never a TypeError)", async (_name, json) => {
    await rejectsWith(makeAuth({}, frozenClock()).verifyAccessToken(signText(b64u(json))), "TOKEN_INVALID");
  });

  it.each(["null", "5", '"x"', "[1]", "{"])("verifySync: null for a signed payload of %s", (json) => {
    const check = signatureCheck("HS256", createSecretKey(Buffer.from(SECRET)));
    const token = signText(b64u(json));
    const first = token.indexOf(".");
    expect(verifySync(check, token, first, token.indexOf(".", first + 1))).toBeNull();
  });
});

describe("signatureCheck answers false, never throws", () => {
  it("HS256: a signature of the wrong length", () => {
    const check = signatureCheck("HS256", createSecretKey(Buffer.from(SECRET)));
    const input = `${HEADER}.${b64u(validClaims(T0))}`;
    const good = createHmac("sha256", SECRET).update(input).digest();
    expect(check(input, good)).toBe(true);
    for (const sig of [good.subarray(0, 31), Buffer.concat([good, Buffer.alloc(1)]), Buffer.alloc(0)]) expect(check(input, sig)).toBe(false);
  });
});
