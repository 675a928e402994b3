/**
 * The signer's own guards (src/tokens/access-token.ts, `signAccessToken`), called directly: `AuthSkill`
 * validates ttl and settings before they get here, so these checks are the second line, and only a direct
 * call reaches them. Also the length cap both sides share, and the `cause` our TOKEN_* errors carry.
 */
import { SignJWT, errors } from "jose";
import { describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/index.js";
import { signAccessToken, verifyAccessTokenJws, type AccessTokenSettings } from "../../src/tokens/access-token-jwt.js";
import { createKeyRing, type KeyRing } from "../../src/tokens/key-ring.js";
import { SECRET, T0, decodeSegment, flipSignatureByte, frozenClock, hmacToken, joseSign, rejectsWith, validClaims } from "./helpers.js";
import { hkdf, kidOf } from "./legacy.js";

const HOUR_MS = 3_600_000;
const settingsAt = (clock = frozenClock()): AccessTokenSettings => ({
  issuer: "auth-skill",
  audience: "auth-skill",
  ttlMs: 15 * 60_000,
  clockToleranceMs: 5000,
  now: clock.now,
});
const hs256 = () => createKeyRing("HS256", SECRET);
const sign = async (input: Parameters<typeof signAccessToken>[2], ring?: KeyRing, settings = settingsAt()) =>
  signAccessToken(ring ?? (await hs256()), settings, input);

describe("signAccessToken: ttl is a finite duration of 0 to 24 hours", () => {
  it.each<[string, unknown]>([
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["-1 ms", -1],
    ["24 h + 1 ms", 24 * HOUR_MS + 1],
    ["a numeric string", "600000"],
  ])("refuses %s with the documented TypeError", async (_name, ttlMs) => {
    await expect(sign({ userId: "u", ttlMs: ttlMs as number })).rejects.toThrow(
      new TypeError("createAccessToken: ttl must be a finite duration of at most 24 hours"),
    );
  });

  it("refuses a bad ttl from the settings too", async () => {
    await expect(signAccessToken(await hs256(), { ...settingsAt(), ttlMs: Number.NaN }, { userId: "u" })).rejects.toThrow(/ttl must be a finite duration/);
  });

  it("accepts 0 (the token lives one second) and exactly 24 hours", async () => {
    expect(decodeSegment((await sign({ userId: "u", ttlMs: 0 })).token, 1).exp).toBe(T0 + 1);
    expect(decodeSegment((await sign({ userId: "u", ttlMs: 24 * HOUR_MS })).token, 1).exp).toBe(T0 + 86_400);
  });

  it("expiresAt is exp in milliseconds", async () => {
    const { token, expiresAt } = await sign({ userId: "u", ttlMs: 60_000 });
    expect(expiresAt.getTime()).toBe((decodeSegment(token, 1).exp as number) * 1000);
    expect(expiresAt.getTime()).toBe((T0 + 60) * 1000);
  });
});

describe("signAccessToken: sessionId and claims", () => {
  it("refuses an empty sessionId and claims that are not a plain object, with their messages", async () => {
    await expect(sign({ userId: "u", sessionId: "" })).rejects.toThrow(new TypeError("createAccessToken: sessionId must be a non-empty string"));
    for (const claims of [null, [], "x"]) {
      await expect(sign({ userId: "u", claims: claims as unknown as Record<string, unknown> })).rejects.toThrow(
        new TypeError("createAccessToken: claims must be a plain object"),
      );
    }
  });

  it.each(["HS256", "EdDSA"] as const)("%s: an own __proto__ member (as JSON.parse makes) is dropped, the other claims are signed", async (alg) => {
    const ring = alg === "HS256" ? await hs256() : await createKeyRing("EdDSA", SECRET, [await generateSigningKey("EdDSA", { kid: "k" })]);
    const claims = JSON.parse('{"__proto__": {"role": "admin"}, "team": "blue"}') as Record<string, unknown>;
    const settings = settingsAt();
    const { token } = await sign({ userId: "u", claims }, ring, settings);
    const payload = decodeSegment(token, 1);
    expect(payload.team).toBe("blue");
    expect(Object.hasOwn(payload, "__proto__")).toBe(false);
    expect(payload).not.toHaveProperty("role");
    await expect(verifyAccessTokenJws(ring, settings, token)).resolves.toMatchObject({ sub: "u", team: "blue" });
  });
});

it("HS256: the synchronous signer writes, byte for byte, the token jose's SignJWT writes", async () => {
  const { token } = await sign({ userId: "u", sessionId: "s", claims: { role: "reader" } });
  const p = decodeSegment(token, 1) as { iat: number; exp: number; jti: string };
  const jose = await new SignJWT({ role: "reader", sid: "s" })
    .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: kidOf(SECRET) })
    .setIssuer("auth-skill")
    .setSubject("u")
    .setAudience("auth-skill")
    .setIssuedAt(p.iat)
    .setExpirationTime(p.exp)
    .setJti(p.jti)
    .sign(new Uint8Array(hkdf(SECRET, "auth-skill/access-token/hs256/v1")));
  expect(token).toBe(jose);
});

describe("the 8192-character cap, on both sides", () => {
  /** An HS256 token of exactly `length` characters (a padding claim sized to fit; the jti is fixed-length). */
  async function tokenOfLength(ring: KeyRing, settings: AccessTokenSettings, length: number): Promise<string> {
    const probe = (await signAccessToken(ring, settings, { userId: "u", claims: { pad: "" } })).token;
    const [header, payload, signature] = probe.split(".") as [string, string, string];
    const bytesNow = Buffer.from(payload, "base64url").length;
    const bytesWanted = Math.floor(((length - header.length - signature.length - 2) * 3) / 4);
    const { token } = await signAccessToken(ring, settings, { userId: "u", claims: { pad: "x".repeat(bytesWanted - bytesNow) } });
    return token;
  }

  it("a token of exactly 8192 characters is signed and verifies; one character longer is refused when signed", async () => {
    const ring = await hs256();
    const settings = settingsAt();
    const token = await tokenOfLength(ring, settings, 8192);
    expect(token.length).toBe(8192);
    await expect(verifyAccessTokenJws(ring, settings, token)).resolves.toMatchObject({ sub: "u" });
    const pad = decodeSegment(token, 1).pad as string;
    await expect(signAccessToken(ring, settings, { userId: "u", claims: { pad: `${pad}x` } })).rejects.toThrow(
      // one more payload byte: the payload segment (a multiple of 4 characters here) grows by 2
      new TypeError("createAccessToken: the token would be 8194 characters; at most 8192 verify (keep custom claims small)"),
    );
  });
});

describe("TOKEN_* errors: jose's error is the cause on its path; our own refusals carry none", () => {
  const joseOrder = { typ: "at+jwt", alg: "HS256" }; // not our header's bytes: verified by jose

  it("a wrong HMAC on the jose path: TOKEN_INVALID caused by jose's signature failure", async () => {
    const token = hmacToken(joseOrder, validClaims(T0), `${SECRET}-other`);
    const err = await rejectsWith(verifyAccessTokenJws(await hs256(), settingsAt(), token), "TOKEN_INVALID");
    expect(err.message).toBe("The access token is invalid.");
    expect(err.cause).toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it("an expired token on the jose path: TOKEN_EXPIRED caused by jose's JWTExpired", async () => {
    const token = hmacToken(joseOrder, validClaims(T0 - 3600, { exp: T0 - 60 }), SECRET);
    const err = await rejectsWith(verifyAccessTokenJws(await hs256(), settingsAt(), token), "TOKEN_EXPIRED");
    expect(err.message).toBe("The access token has expired.");
    expect(err.cause).toBeInstanceOf(errors.JWTExpired);
  });

  it("an expired token under our own header: TOKEN_EXPIRED with its message, no cause", async () => {
    const token = hmacToken({ alg: "HS256", typ: "at+jwt" }, validClaims(T0 - 3600, { exp: T0 - 60 }), SECRET);
    const err = await rejectsWith(verifyAccessTokenJws(await hs256(), settingsAt(), token), "TOKEN_EXPIRED");
    expect(err.message).toBe("The access token has expired.");
    expect(Object.hasOwn(err, "cause")).toBe(false);
  });

  it("a malformed token, a wrong HMAC under our own header, and an unknown kid: no cause", async () => {
    const ring = await hs256();
    const own = hmacToken({ alg: "HS256", typ: "at+jwt" }, validClaims(T0), SECRET);
    for (const token of ["not-a-token", flipSignatureByte(own)]) {
      expect(Object.hasOwn(await rejectsWith(verifyAccessTokenJws(ring, settingsAt(), token), "TOKEN_INVALID"), "cause")).toBe(false);
    }
    const retired = await generateSigningKey("EdDSA", { kid: "retired" });
    const edRing = await createKeyRing("EdDSA", SECRET, [await generateSigningKey("EdDSA", { kid: "current" })]);
    const foreign = await joseSign({ alg: "EdDSA", typ: "at+jwt", kid: "retired" }, validClaims(T0), retired);
    expect(Object.hasOwn(await rejectsWith(verifyAccessTokenJws(edRing, settingsAt(), foreign), "TOKEN_INVALID"), "cause")).toBe(false);
  });

  it.each(["jti", "sub"])("an expired token without %s is TOKEN_INVALID on both paths (presence comes before the clock, as in jose)", async (claim) => {
    const claims = validClaims(T0 - 3600, { exp: T0 - 60, [claim]: undefined });
    for (const header of [{ alg: "HS256", typ: "at+jwt" }, joseOrder]) {
      await rejectsWith(verifyAccessTokenJws(await hs256(), settingsAt(), hmacToken(header, claims, SECRET)), "TOKEN_INVALID");
    }
  });

  it("a broken clock is CONFIG_ERROR on the jose path, even for a token that would fail its signature", async () => {
    const clock = frozenClock();
    clock.setMs(Number.NaN);
    const token = hmacToken(joseOrder, validClaims(T0), `${SECRET}-other`);
    await rejectsWith(verifyAccessTokenJws(await hs256(), settingsAt(clock), token), "CONFIG_ERROR");
  });
});
