import { describe, expect, it } from "vitest";
import { AuthSkill, memoryStorage, type AuthResult, type StorageAdapter } from "../../src/index.js";
import { makeAuth, manualClock, rejectsWith } from "../helpers.js";

const password = "quiet mountain lakes at dawn";

async function signedUp(options: Parameters<typeof makeAuth>[0] = {}) {
  const storage = options.storage ?? memoryStorage();
  const auth = makeAuth({ ...options, storage });
  const first = await auth.signup({ email: "ada@example.com", password });
  return { auth, storage, first };
}

describe("refresh tokens", () => {
  it("are opaque, carry 256 random bits, and are stored only as a keyed hash", async () => {
    const { storage, first } = await signedUp();
    const [kid, sid, generation, random, tag] = first.refreshToken.split(".");
    expect(kid).toMatch(/^[A-Za-z0-9_-]{8}$/); // the key id of the secret it was minted under
    expect(sid).toBe(first.sessionId);
    expect(generation).toBe("0");
    expect(Buffer.from(random!, "base64url")).toHaveLength(32);
    expect(tag).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const dump = JSON.stringify(await storage.findSession(first.sessionId));
    expect(dump).not.toContain(random);
    expect(dump).not.toContain(first.refreshToken);
  });

  it("rotate: a new refresh token and access token for the same session", async () => {
    const { auth, first } = await signedUp();
    const next = await auth.refresh(first.refreshToken);
    expect(next.sessionId).toBe(first.sessionId);
    expect(next.refreshToken).not.toBe(first.refreshToken);
    expect(next.accessToken).not.toBe(first.accessToken);
    expect(next.user).toEqual(first.user);
    const claims = await auth.verifyAccessToken(next.accessToken, { checkRevocation: true });
    expect(claims.sid).toBe(first.sessionId);
    const third = await auth.refresh(next.refreshToken);
    expect(third.refreshToken.split(".")[2]).toBe("2");
  });

  it("reuse of a rotated token revokes the whole session", async () => {
    const { auth, first } = await signedUp();
    const second = await auth.refresh(first.refreshToken);
    const err = await rejectsWith(auth.refresh(first.refreshToken), "REFRESH_TOKEN_REUSED");
    expect(err.status).toBe(401);
    await rejectsWith(auth.refresh(second.refreshToken), "TOKEN_REVOKED");
    await rejectsWith(auth.verifyAccessToken(second.accessToken, { checkRevocation: true }), "TOKEN_REVOKED");
    await expect(auth.verifyAccessToken(second.accessToken)).resolves.toMatchObject({ sid: first.sessionId }); // stateless check
  });

  it("an old token presented after the session was revoked still reads as reuse; the current one as revoked", async () => {
    const { auth, first } = await signedUp();
    const second = await auth.refresh(first.refreshToken);
    await auth.revokeSession(first.sessionId);
    await rejectsWith(auth.refresh(first.refreshToken), "REFRESH_TOKEN_REUSED");
    await rejectsWith(auth.refresh(second.refreshToken), "TOKEN_REVOKED");
  });

  it("detects reuse of a token several generations old", async () => {
    const { auth, first } = await signedUp();
    let current: AuthResult = first;
    for (let i = 0; i < 3; i++) current = await auth.refresh(current.refreshToken);
    await rejectsWith(auth.refresh(first.refreshToken), "REFRESH_TOKEN_REUSED");
    await rejectsWith(auth.refresh(current.refreshToken), "TOKEN_REVOKED");
  });

  it("of 50 concurrent refreshes of one token exactly one resolves (reuseInterval 0)", async () => {
    const { auth, first } = await signedUp();
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => auth.refresh(first.refreshToken)));
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost.map((r) => r.reason.code)).toEqual(Array(49).fill("REFRESH_TOKEN_REUSED"));
  });

  it("within reuseInterval, concurrent duplicates get the same successor and nothing is revoked", async () => {
    const clock = manualClock();
    const { auth, first } = await signedUp({ refreshToken: { reuseInterval: "10s" }, now: clock.now });
    const results = await Promise.all(Array.from({ length: 50 }, () => auth.refresh(first.refreshToken)));
    const successors = new Set(results.map((r) => r.refreshToken));
    expect(successors.size).toBe(1);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(50);
    clock.advance(9_000);
    const late = await auth.refresh(first.refreshToken);
    expect(late.refreshToken).toBe(results[0]!.refreshToken);
    const next = await auth.refresh(late.refreshToken);
    expect(next.sessionId).toBe(first.sessionId);
  });

  it("after reuseInterval, the duplicate is a reuse", async () => {
    const clock = manualClock();
    const { auth, first } = await signedUp({ refreshToken: { reuseInterval: 10 }, now: clock.now });
    const second = await auth.refresh(first.refreshToken);
    clock.advance(10_001);
    await rejectsWith(auth.refresh(first.refreshToken), "REFRESH_TOKEN_REUSED");
    await rejectsWith(auth.refresh(second.refreshToken), "TOKEN_REVOKED");
  });

  it("expire absolutely, however often they are used", async () => {
    const clock = manualClock();
    const { auth, first } = await signedUp({ refreshToken: { ttl: "1h", idleTtl: "20m" }, now: clock.now });
    expect(first.refreshTokenExpiresAt.getTime()).toBe(clock.now().getTime() + 20 * 60_000);
    let current = first;
    for (let i = 0; i < 4; i++) {
      clock.advance(15 * 60_000 - 1);
      current = await auth.refresh(current.refreshToken); // never idle for 20 minutes
    }
    expect(current.refreshTokenExpiresAt.getTime()).toBe(first.refreshTokenExpiresAt.getTime() + 40 * 60_000);
    clock.advance(4); // now exactly one hour after sign-in
    await rejectsWith(auth.refresh(current.refreshToken), "TOKEN_EXPIRED");
  });

  it("expire when idle", async () => {
    const clock = manualClock();
    const { auth, first } = await signedUp({ refreshToken: { ttl: "30d", idleTtl: "7d" }, now: clock.now });
    clock.advance(7 * 86_400_000);
    await rejectsWith(auth.refresh(first.refreshToken), "TOKEN_EXPIRED");
    await rejectsWith(auth.verifyAccessToken(first.accessToken, { checkRevocation: true }), "TOKEN_EXPIRED");
  });

  it("refuse garbage, forgeries and other secrets' tokens without touching the session", async () => {
    const { auth, first, storage } = await signedUp();
    const [sid, , random, tag] = first.refreshToken.split(".");
    const other = new AuthSkill({ secret: "another-secret-abcdefghijklmnopqrstuvwxyz-0123", storage });
    const forged = [
      "",
      "garbage",
      "x".repeat(100_000),
      `${sid}.0.${random}.${"A".repeat(22)}`, // right session, bad tag
      `${sid}.0.${"B".repeat(43)}.${tag}`, // tag no longer matches
      `${sid}.7.${random}.${tag}`,
    ];
    for (const token of forged) await rejectsWith(auth.refresh(token), "TOKEN_INVALID");
    await rejectsWith(other.refresh(first.refreshToken), "TOKEN_INVALID");
    for (const value of [undefined, null, 42, {}]) await rejectsWith(auth.refresh(value as never), "TOKEN_INVALID");
    expect((await storage.findSession(first.sessionId))?.revokedAt).toBeNull();
    await expect(auth.refresh(first.refreshToken)).resolves.toMatchObject({ sessionId: first.sessionId });
  });

  it("a successor sealed for one generation cannot be unsealed for another", async () => {
    const clock = manualClock();
    const storage = memoryStorage();
    const { auth, first } = await signedUp({ storage, refreshToken: { reuseInterval: 30 }, now: clock.now });
    await auth.refresh(first.refreshToken);
    const session = (await storage.findSession(first.sessionId))!;
    expect(session.successor).not.toBeNull();
    expect(session.successor).not.toContain(session.id);
  });
});

describe("revocation", () => {
  it("revoke ends one session, is idempotent, and accepts unknown tokens and ids (RFC 7009)", async () => {
    const { auth, first } = await signedUp();
    const other = await auth.signin({ email: "ada@example.com", password });
    await auth.revoke(first.refreshToken);
    await auth.revoke(first.refreshToken);
    await auth.revoke("not-a-token");
    await auth.revoke("");
    await auth.revoke(undefined as never);
    await rejectsWith(auth.refresh(first.refreshToken), "TOKEN_REVOKED");
    await rejectsWith(auth.verifyAccessToken(first.accessToken, { checkRevocation: true }), "TOKEN_REVOKED");
    await expect(auth.refresh(other.refreshToken)).resolves.toMatchObject({ sessionId: other.sessionId });
  });

  it("revoke takes refresh tokens only: a session id (the access token's sid) or a forged token revokes nothing", async () => {
    const { auth, first } = await signedUp();
    const claims = await auth.verifyAccessToken(first.accessToken);
    await auth.revoke(claims.sid!);
    await auth.revoke(first.sessionId);
    // a token-shaped string for the same session and generation, without our tag
    const [sid, generation, random] = first.refreshToken.split(".");
    await auth.revoke(`${sid}.${generation}.${random}.${"A".repeat(22)}`);
    await auth.revoke(`${sid}.${Number(generation) + 1}.${"B".repeat(43)}.${"C".repeat(22)}`);
    await expect(auth.verifyAccessToken(first.accessToken, { checkRevocation: true })).resolves.toMatchObject({ sid: first.sessionId });
    await expect(auth.refresh(first.refreshToken)).resolves.toMatchObject({ sessionId: first.sessionId });
  });

  it("revoke with a rotated-out token of the session still ends it", async () => {
    const { auth, first } = await signedUp();
    const second = await auth.refresh(first.refreshToken);
    await auth.revoke(first.refreshToken);
    await rejectsWith(auth.refresh(second.refreshToken), "TOKEN_REVOKED");
  });

  it("revokeSession ends a session by id, is idempotent, ignores unknown ids and refuses non-strings", async () => {
    const { auth, first } = await signedUp();
    const other = await auth.signin({ email: "ada@example.com", password });
    await auth.revokeSession(first.sessionId);
    await auth.revokeSession(first.sessionId);
    await auth.revokeSession("unknown-session-id");
    await auth.revokeSession("x".repeat(500));
    await expect(auth.revokeSession("")).rejects.toThrow(TypeError);
    await expect(auth.revokeSession(42 as never)).rejects.toThrow(TypeError);
    await rejectsWith(auth.refresh(first.refreshToken), "TOKEN_REVOKED");
    await rejectsWith(auth.verifyAccessToken(first.accessToken, { checkRevocation: true }), "TOKEN_REVOKED");
    await expect(auth.refresh(other.refreshToken)).resolves.toMatchObject({ sessionId: other.sessionId });
  });

  it("revokeAll ends every session of one user and no one else's", async () => {
    const { auth, first } = await signedUp();
    const second = await auth.signin({ email: "ada@example.com", password });
    const bob = await auth.signup({ email: "bob@example.com", password });
    await auth.revokeAll(first.user.id);
    await rejectsWith(auth.refresh(first.refreshToken), "TOKEN_REVOKED");
    await rejectsWith(auth.refresh(second.refreshToken), "TOKEN_REVOKED");
    await expect(auth.refresh(bob.refreshToken)).resolves.toMatchObject({ user: { email: "bob@example.com" } });
  });

  it("checkRevocation can be on for every verification", async () => {
    const storage = memoryStorage();
    const auth = makeAuth({ storage, accessToken: { checkRevocation: true } });
    const { accessToken, refreshToken } = await auth.signup({ email: "ada@example.com", password });
    await auth.verifyAccessToken(accessToken);
    await auth.revoke(refreshToken);
    await rejectsWith(auth.verifyAccessToken(accessToken), "TOKEN_REVOKED");
    await expect(auth.verifyAccessToken(accessToken, { checkRevocation: false })).resolves.toBeTruthy();
  });

  it("a storage failure during rotation gives STORAGE_ERROR and the token still works afterwards", async () => {
    const inner = memoryStorage();
    let fail = true;
    const storage: StorageAdapter = {
      ...inner,
      rotateSession: (input) => (fail ? Promise.reject(new Error("connection reset")) : inner.rotateSession(input)),
    };
    const { auth, first } = await signedUp({ storage });
    await rejectsWith(auth.refresh(first.refreshToken), "STORAGE_ERROR");
    fail = false;
    await expect(auth.refresh(first.refreshToken)).resolves.toMatchObject({ sessionId: first.sessionId });
  });
});
