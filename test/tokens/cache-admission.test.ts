/**
 * What the verified-token cache (src/tokens/cache.ts) holds: admission on the second sighting, a fresh
 * doorkeeper with each key ring, and entries dropped once found expired. Through `AuthSkill` a hit answers
 * exactly as a fresh verification (cache.test.ts checks that), so holding is seen with a probe: the same
 * cache and key ring with settings of another issuer. A fresh verification under them refuses every token
 * here (and a refusal changes nothing in the cache); only a hit, which checks the clock and not the claims
 * (one instance's settings never change), answers "ok".
 */
import { describe, expect, it } from "vitest";
import type { AccessTokenSettings } from "../../src/tokens/access-token-jwt.js";
import { VerifiedTokenCache } from "../../src/tokens/verified-token-cache.js";
import { createKeyRing, type KeyRing } from "../../src/tokens/key-ring.js";
import { SECRET, T0, frozenClock, hmacToken, outcome, validClaims } from "./helpers.js";

async function setup() {
  const clock = frozenClock();
  const settings: AccessTokenSettings = { issuer: "auth-skill", audience: "auth-skill", ttlMs: 600_000, clockToleranceMs: 5000, now: clock.now };
  const probe: AccessTokenSettings = { ...settings, issuer: "probe" };
  const cache = new VerifiedTokenCache(100);
  const ring = await createKeyRing("HS256", SECRET);
  const verify = (token: string, r: KeyRing = ring) => outcome(cache.verify(token, settings, r));
  /** True when `token` is answered from the cache (see the file comment). */
  const held = async (token: string, r: KeyRing = ring) => (await outcome(cache.verify(token, probe, r))) === "ok";
  return { clock, cache, ring, verify, held };
}

const token = (n: number) => hmacToken({ alg: "HS256", typ: "at+jwt" }, validClaims(T0, { jti: `jti-${n}` }), SECRET);

describe("admission", () => {
  it("a token is held from its second verification, not its first", async () => {
    const { verify, held } = await setup();
    expect(await verify(token(1))).toBe("ok");
    expect(await held(token(1))).toBe(false);
    expect(await verify(token(1))).toBe("ok");
    expect(await held(token(1))).toBe(true);
  });

  it("distinct tokens seen once each are none of them held (the doorkeeper tells them apart)", async () => {
    const { verify, held } = await setup();
    for (let n = 0; n < 20; n++) expect(await verify(token(n))).toBe("ok");
    for (let n = 0; n < 20; n++) expect(await held(token(n))).toBe(false);
  });

  it("a new key ring starts afresh: a token seen once under the old ring is not held on its first sighting under the new", async () => {
    const { verify, held } = await setup();
    const next = await createKeyRing("HS256", SECRET); // same secret, so the token verifies under both
    expect(await verify(token(1))).toBe("ok");
    expect(await verify(token(1), next)).toBe("ok");
    expect(await held(token(1), next)).toBe(false);
    expect(await verify(token(1), next)).toBe("ok");
    expect(await held(token(1), next)).toBe(true);
  });
});

describe("expiry", () => {
  it("an entry found expired is dropped: a clock set back later does not bring it back from the cache", async () => {
    const { clock, verify, held } = await setup();
    await verify(token(1));
    await verify(token(1));
    expect(await held(token(1))).toBe(true);
    clock.setMs((T0 + 600 + 5) * 1000);
    expect(await verify(token(1))).toBe("TOKEN_EXPIRED");
    clock.setMs(T0 * 1000);
    expect(await held(token(1))).toBe(false);
    expect(await verify(token(1))).toBe("ok"); // a fresh verification at that time accepts it
  });

  it("a broken clock on a hit is CONFIG_ERROR, never a cached answer", async () => {
    const { clock, verify } = await setup();
    await verify(token(1));
    await verify(token(1));
    clock.setMs(Number.NaN);
    expect(await verify(token(1))).toBe("CONFIG_ERROR");
  });
});
