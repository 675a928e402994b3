/**
 * Rotating the secret without signing anyone out (issue 14): instances share one storage and clock and differ
 * only in their secrets, as the old and new deployments of one service do. A session started under A lives
 * on under [B, A] and is on B after one refresh; once A is dropped ([B]), whatever is still under A is
 * TOKEN_INVALID. Tokens made before key ids (legacy.ts) verify and refresh under the transition rule.
 */
import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { AuthSkill, memoryStorage, type AuthSkillOptions, type EmailMessage, type StorageAdapter } from "../../src/index.js";
import { SingleUseTokens } from "../../src/account/single-use-tokens.js";
import { createKeyRing } from "../../src/tokens/key-ring.js";
import { deriveSecretKeys } from "../../src/tokens/secret-keys.js";
import { T0, decodeSegment, frozenClock, hmacToken, rejectsWith, validClaims, type TestClock } from "./helpers.js";
import { hkdf, kidOf, legacyAccessToken, legacyRefreshHash, legacyRefreshToken } from "./legacy.js";

const A = randomBytes(32).toString("base64url");
const B = randomBytes(32).toString("base64url");
const PASSWORD = "quiet mountain lakes at dawn";

/** Instances over one storage, outbox and clock, each with its own secrets. */
function deployment(options: AuthSkillOptions & { requireEmailVerification?: false | undefined; totp?: undefined } = {}) {
  const storage: StorageAdapter = memoryStorage();
  const clock: TestClock = frozenClock();
  const outbox: EmailMessage[] = [];
  const make = (secrets: string[]): AuthSkill =>
    new AuthSkill({ secrets, storage, now: clock.now, rateLimit: false, email: { send: (m) => void outbox.push(m) }, ...options });
  return { storage, clock, outbox, make };
}

const kidOfToken = (token: string) => decodeSegment(token, 0).kid;

describe("a session started under A", () => {
  it("survives the switch to [B, A] and is on B after one refresh", async () => {
    const { make } = deployment();
    const first = await make([A]).signup({ email: "ada@example.com", password: PASSWORD });
    expect(first.refreshToken.startsWith(`${kidOf(A)}.`)).toBe(true);
    expect(kidOfToken(first.accessToken)).toBe(kidOf(A));

    const rotated = make([B, A]);
    await expect(rotated.verifyAccessToken(first.accessToken)).resolves.toMatchObject({ sub: first.user.id }); // A's token, verified
    const next = await rotated.refresh(first.refreshToken);
    expect(next.sessionId).toBe(first.sessionId);
    expect(next.refreshToken.startsWith(`${kidOf(B)}.`)).toBe(true);
    expect(kidOfToken(next.accessToken)).toBe(kidOf(B));

    // on B: once A is dropped, the session goes on
    const onlyB = make([B]);
    await expect(onlyB.verifyAccessToken(next.accessToken)).resolves.toMatchObject({ sub: first.user.id });
    await expect(onlyB.refresh(next.refreshToken)).resolves.toMatchObject({ sessionId: first.sessionId });
  });

  it("after A is dropped, its access and refresh tokens are TOKEN_INVALID, and the session is not touched", async () => {
    const { make } = deployment();
    const first = await make([A]).signup({ email: "ada@example.com", password: PASSWORD });
    const onlyB = make([B]);
    await rejectsWith(onlyB.verifyAccessToken(first.accessToken), "TOKEN_INVALID");
    await rejectsWith(onlyB.refresh(first.refreshToken), "TOKEN_INVALID");
    await onlyB.revoke(first.refreshToken); // not ours any more: revokes nothing
    await expect(make([B, A]).refresh(first.refreshToken)).resolves.toMatchObject({ sessionId: first.sessionId });
  });

  it("a concurrent duplicate within the reuse interval gets the successor sealed under A from an instance on [B, A]", async () => {
    const { make } = deployment({ refreshToken: { reuseInterval: "10s" } });
    const first = await make([A]).signup({ email: "ada@example.com", password: PASSWORD });
    const winner = await make([A]).refresh(first.refreshToken); // sealed under A
    const duplicate = await make([B, A]).refresh(first.refreshToken);
    expect(duplicate.refreshToken).toBe(winner.refreshToken);
  });

  it("an instance that does not know the current secret yet cannot open its seal: why B is added second first", async () => {
    const { make } = deployment({ refreshToken: { reuseInterval: "10s" } });
    const first = await make([A]).signup({ email: "ada@example.com", password: PASSWORD });
    await make([B, A]).refresh(first.refreshToken); // sealed under B
    await expect(make([A, B]).refresh(first.refreshToken)).resolves.toMatchObject({ sessionId: first.sessionId }); // knows B: the successor
    await rejectsWith(make([A]).refresh(first.refreshToken), "REFRESH_TOKEN_REUSED"); // knows only A: a replay
  });
});

describe("single-use tokens", () => {
  it("a reset link issued under A works under [B, A] and fails under [B]", async () => {
    const { make, outbox } = deployment();
    await make([A]).signup({ email: "ada@example.com", password: PASSWORD });
    await make([A]).requestPasswordReset({ email: "ada@example.com" });
    await vi.waitFor(() => expect(outbox).toHaveLength(1));
    const token = outbox[0]!.token!;
    expect(token).toMatch(new RegExp(`^${kidOf(A)}\\.[A-Za-z0-9_-]{43}$`));
    await rejectsWith(make([B]).resetPassword({ token, password: `${PASSWORD} again` }), "TOKEN_INVALID");
    await expect(make([B, A]).resetPassword({ token, password: `${PASSWORD} again` })).resolves.toHaveProperty("user");
  });

  it("new links carry the current secret's kid; a link without a kid is TOKEN_INVALID", async () => {
    const { make, outbox } = deployment();
    await make([B, A]).signup({ email: "ada@example.com", password: PASSWORD });
    await make([B, A]).requestPasswordReset({ email: "ada@example.com" });
    await vi.waitFor(() => expect(outbox).toHaveLength(1));
    const token = outbox[0]!.token!;
    expect(token.startsWith(`${kidOf(B)}.`)).toBe(true);
    await rejectsWith(make([B, A]).resetPassword({ token: token.slice(9), password: `${PASSWORD} again` }), "TOKEN_INVALID");
    await rejectsWith(make([B, A]).resetPassword({ token: `${kidOf(A)}${token.slice(8)}`, password: `${PASSWORD} again` }), "TOKEN_INVALID");
    await expect(make([B]).resetPassword({ token, password: `${PASSWORD} again` })).resolves.toHaveProperty("user");
  });
});

it("SingleUseTokens.check: TOKEN_INVALID for anything but a string, even what converts to an issued token", async () => {
  const storage = memoryStorage();
  const tokens = new SingleUseTokens(deriveSecretKeys([B, A]), storage, () => new Date(T0 * 1000));
  const { token } = await tokens.issue("password-reset", "user-1", 3_600_000, null);
  await expect(tokens.check(token, "password-reset")).resolves.toMatchObject({ userId: "user-1" });
  for (const value of [{ toString: () => token }, [token], 12345, null, undefined]) await rejectsWith(tokens.check(value, "password-reset"), "TOKEN_INVALID");
});

describe("access tokens: one key, by the header's kid", () => {
  it("the HS256 key is the documented HKDF of the current secret, and an unknown kid is TOKEN_INVALID on both paths", async () => {
    const { make, clock } = deployment();
    const signed = (header: object, key: Uint8Array) => hmacToken(header, validClaims(clock.seconds), key);
    const keyB = hkdf(B, "auth-skill/access-token/hs256/v1");
    const auth = make([B, A]);
    await expect(auth.verifyAccessToken(signed({ alg: "HS256", typ: "at+jwt", kid: kidOf(B) }, keyB))).resolves.toMatchObject({ sub: "user-1" });
    await expect(auth.verifyAccessToken(signed({ kid: kidOf(B), typ: "at+jwt", alg: "HS256" }, keyB))).resolves.toMatchObject({ sub: "user-1" }); // jose's path
    for (const header of [
      { alg: "HS256", typ: "at+jwt", kid: "AAAAAAAA" },
      { kid: "AAAAAAAA", typ: "at+jwt", alg: "HS256" },
    ]) {
      await rejectsWith(auth.verifyAccessToken(signed(header, keyB)), "TOKEN_INVALID");
    }
    // A's kid with B's key: the kid picks A's key, which refuses it
    await rejectsWith(auth.verifyAccessToken(signed({ alg: "HS256", typ: "at+jwt", kid: kidOf(A) }, keyB)), "TOKEN_INVALID");
    await rejectsWith(auth.verifyAccessToken(signed({ kid: kidOf(A), typ: "at+jwt", alg: "HS256" }, keyB)), "TOKEN_INVALID");
  });
});

describe("the synchronous fast path", () => {
  it("holds one check per secret, by its exact header, plus the header without kid (the first secret's raw bytes)", async () => {
    const ring = await createKeyRing("HS256", [B, A]);
    const segment = (header: object) => Buffer.from(JSON.stringify(header)).toString("base64url");
    const ours = (kid?: string) => segment(kid === undefined ? { alg: "HS256", typ: "at+jwt" } : { alg: "HS256", typ: "at+jwt", kid });
    expect([...ring.syncChecks.keys()].sort()).toEqual([ours(kidOf(B)), ours(kidOf(A)), ours()].sort());
    const claims = segment(validClaims(0));
    const verifies = (kid: string | undefined, key: Uint8Array | string) => {
      const input = `${ours(kid)}.${claims}`;
      return ring.syncChecks.get(ours(kid))!(input, createHmac("sha256", key).update(input).digest());
    };
    expect(verifies(kidOf(A), hkdf(A, "auth-skill/access-token/hs256/v1"))).toBe(true);
    expect(verifies(kidOf(A), hkdf(B, "auth-skill/access-token/hs256/v1"))).toBe(false);
    expect(verifies(kidOf(B), hkdf(B, "auth-skill/access-token/hs256/v1"))).toBe(true);
    expect(verifies(undefined, B)).toBe(true); // B is first
    expect(verifies(undefined, A)).toBe(false);
  });
});

describe("transition: tokens made before key ids", () => {
  it("an access token without kid (the raw secret as key) verifies under the FIRST secret only, on both paths", async () => {
    const { make, clock } = deployment();
    const token = legacyAccessToken(A, validClaims(clock.seconds));
    const reordered = hmacToken({ typ: "at+jwt", alg: "HS256" }, validClaims(clock.seconds), A); // not our header's bytes: jose's path
    for (const t of [token, reordered]) {
      await expect(make([A]).verifyAccessToken(t)).resolves.toMatchObject({ sub: "user-1" });
      await expect(make([A, B]).verifyAccessToken(t)).resolves.toMatchObject({ sub: "user-1" });
      await rejectsWith(make([B, A]).verifyAccessToken(t), "TOKEN_INVALID"); // A is no longer first
      await rejectsWith(make([B]).verifyAccessToken(t), "TOKEN_INVALID");
    }
  });

  it("a refresh token of the old format refreshes under any configured secret, onto the current one", async () => {
    const { make, storage, clock } = deployment();
    const { user } = await make([A]).signup({ email: "ada@example.com", password: PASSWORD });
    const sessionId = "L".repeat(32);
    const token = legacyRefreshToken(A, sessionId, 0);
    const now = clock.now();
    await storage.createSession({
      id: sessionId,
      userId: user.id,
      tokenHash: legacyRefreshHash(A, token),
      generation: 0,
      rotatedAt: null,
      successor: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + 86_400_000),
      lastUsedAt: now,
      revokedAt: null,
      ipAddress: null,
      userAgent: null,
    });
    await rejectsWith(make([B]).refresh(token), "TOKEN_INVALID"); // its secret is gone
    const next = await make([B, A]).refresh(token);
    expect(next.sessionId).toBe(sessionId);
    expect(next.refreshToken.startsWith(`${kidOf(B)}.`)).toBe(true);
    await rejectsWith(make([B, A]).refresh(token), "REFRESH_TOKEN_REUSED"); // rotated away: reuse, as ever
  });

  it("the old-format token must match the hash stored under its own secret", async () => {
    const { make, storage, clock } = deployment();
    const { user } = await make([A]).signup({ email: "ada@example.com", password: PASSWORD });
    const sessionId = "M".repeat(32);
    const token = legacyRefreshToken(A, sessionId, 0);
    const now = clock.now();
    const record = { id: sessionId, userId: user.id, generation: 0, rotatedAt: null, successor: null, createdAt: now, lastUsedAt: now, revokedAt: null };
    await storage.createSession({
      ...record,
      tokenHash: legacyRefreshHash(B, token),
      expiresAt: new Date(now.getTime() + 86_400_000),
      ipAddress: null,
      userAgent: null,
    });
    await rejectsWith(make([B, A]).refresh(token), "TOKEN_INVALID");
  });
});
