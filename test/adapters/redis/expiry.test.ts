import { afterEach, describe, expect, it } from "vitest";
import { AuthSkill } from "auth-skill";
import type { SessionRecord, StorageAdapter, VerificationRecord } from "auth-skill";
import { redisStorage } from "auth-skill/redis";
import { sessionRecord } from "auth-skill/testing";
import { randomId } from "../../../src/ids.js";
import { serverUrl } from "../../support/servers.js";
import { addUsers, connect, deletePrefix, nonUserKeys, randomPrefix, sleep } from "./helpers.js";

const url = serverUrl("redis");
const SECRET = "redis-expiry-secret-0123456789-abcdefghijklmnop";

function session(userId: string, lifetimeMs: number, overrides: Partial<SessionRecord> = {}): SessionRecord {
  const t = Date.now();
  const at = { createdAt: new Date(t), lastUsedAt: new Date(t), expiresAt: new Date(t + lifetimeMs) };
  return sessionRecord(userId, { ...at, ipAddress: null, userAgent: null, ...overrides });
}

function verification(createdAt: number, lifetimeMs: number): VerificationRecord {
  const tokenHash = randomId(43);
  return { id: randomId(), purpose: "p", userId: null, tokenHash, createdAt: new Date(createdAt), expiresAt: new Date(createdAt + lifetimeMs), payload: null };
}

describe.skipIf(!url)("redisStorage: keys expire with their records", () => {
  const client = connect(url);
  let prefix = randomPrefix();
  let storage: StorageAdapter;
  const key = (rest: string) => `{${prefix}}${rest}`;
  const expireTime = (k: string) => client.pexpiretime(k);
  const fresh = () => {
    prefix = randomPrefix();
    storage = redisStorage({ client, prefix });
    return storage;
  };
  afterEach(() => deletePrefix(client, prefix));

  it("expires a session key exactly at expiresAt (PEXPIREAT), through rotation and revocation", async () => {
    fresh();
    await addUsers(storage, "u1");
    const s = session("u1", 3_600_000);
    await storage.createSession(s);
    expect(await expireTime(key(`session:${s.id}`))).toBe(s.expiresAt.getTime());
    const t = new Date();
    const next = { tokenHash: "next", successor: "sealed", rotatedAt: t, lastUsedAt: t };
    expect(await storage.rotateSession({ id: s.id, generation: 0, tokenHash: s.tokenHash, next })).not.toBeNull();
    expect(await storage.revokeSession(s.id, t)).toBe(true);
    expect(await expireTime(key(`session:${s.id}`))).toBe(s.expiresAt.getTime());
  });

  it("keeps a user's session index alive exactly as long as the user's longest session", async () => {
    fresh();
    await addUsers(storage, "u1");
    const [short, long, middle] = [session("u1", 60_000), session("u1", 7_200_000), session("u1", 3_600_000)];
    await storage.createSession(short);
    expect(await expireTime(key("user-sessions:u1"))).toBe(short.expiresAt.getTime());
    await storage.createSession(long);
    await storage.createSession(middle);
    expect(await expireTime(key("user-sessions:u1"))).toBe(long.expiresAt.getTime());
    expect((await client.smembers(key("user-sessions:u1"))).sort()).toEqual([short.id, long.id, middle.id].sort());
  });

  it("expires a verification key at its expiresAt", async () => {
    fresh();
    const t = Date.now();
    const v = verification(t, 600_000);
    await storage.createVerification(v);
    expect(await expireTime(key(`verification:${v.tokenHash}`))).toBe(v.expiresAt.getTime());
  });

  it("a session made by AuthSkill expires when its refresh token does; the user never does", async () => {
    fresh();
    const auth = new AuthSkill({ secret: SECRET, storage, refreshToken: { ttl: "7d" } });
    const r = await auth.signup({ email: `ttl-${randomId(6).toLowerCase()}@example.com`, password: "expiry passphrase 42" });
    expect(await expireTime(key(`session:${r.sessionId}`))).toBe(r.refreshTokenExpiresAt.getTime());
    expect(await client.pttl(key(`user:${r.user.id}`))).toBe(-1);
    expect(await client.pttl(key(`email:${r.user.email}`))).toBe(-1);
  });

  it("with a `now` clock, keys expire `expiresAt - now()` after they are written", async () => {
    prefix = randomPrefix();
    const clock = new Date("2026-01-01T00:00:00.000Z");
    storage = redisStorage({ client, prefix, now: () => clock });
    await addUsers(storage, "u1");
    const s = session("u1", 0, { createdAt: clock, expiresAt: new Date(clock.getTime() + 3_600_000) });
    const before = Date.now();
    await storage.createSession(s);
    const at = await expireTime(key(`session:${s.id}`));
    expect(at).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it("keeps a revoked session readable until it expires; then revokeUserSessions drops its id", async () => {
    fresh();
    await addUsers(storage, "u2");
    const live = session("u2", 3_600_000);
    const s = session("u2", 3_600_000);
    await storage.createSession(live);
    await storage.createSession(s);
    const at = new Date();
    expect(await storage.revokeSession(s.id, at)).toBe(true);
    expect(await storage.findSession(s.id)).toEqual({ ...s, revokedAt: at });
    expect(await expireTime(key(`session:${s.id}`))).toBe(s.expiresAt.getTime()); // revoking kept the expiry
    // Its expiry, brought forward: a short real lifetime would race a loaded machine between write and read.
    await client.pexpire(key(`session:${s.id}`), 1);
    await sleep(20);
    expect(await storage.findSession(s.id)).toBeNull();
    expect((await client.smembers(key("user-sessions:u2"))).sort()).toEqual([s.id, live.id].sort());
    expect(await storage.revokeUserSessions("u2", new Date())).toBe(1);
    expect(await client.smembers(key("user-sessions:u2"))).toEqual([live.id]);
  });

  it("deleteExpired removes revoked sessions past keepRevokedMs, drops dangling ids and empty indexes", async () => {
    fresh();
    await addUsers(storage, "u4", "u5");
    const live = session("u4", 3_600_000);
    const revokedOld = session("u4", 3_600_000, { revokedAt: new Date(Date.now() - 60_000) });
    const revokedNew = session("u4", 3_600_000, { revokedAt: new Date() });
    const gone = session("u4", 200); // its key expires; its id stays in the index until swept
    const alone = session("u5", 200); // the only session of u5: its index expires with it
    for (const s of [live, revokedOld, revokedNew, gone, alone]) await storage.createSession(s);
    await sleep(300);
    expect(await client.sismember(key("user-sessions:u4"), gone.id)).toBe(1);
    expect(await client.exists(key("user-sessions:u5"))).toBe(0);
    expect(await storage.deleteExpired(new Date(), 30_000)).toEqual({ sessions: 1, verifications: 0 });
    expect(await nonUserKeys(client, prefix)).toEqual([key(`session:${revokedNew.id}`), key(`session:${live.id}`), key("user-sessions:u4")].sort());
    expect((await client.smembers(key("user-sessions:u4"))).sort()).toEqual([revokedNew.id, live.id].sort());
    expect(await storage.deleteExpired(new Date())).toEqual({ sessions: 1, verifications: 0 }); // keepRevokedMs 0
    expect(await storage.findSession(live.id)).not.toBeNull();
    await storage.revokeSession(live.id, new Date());
    expect(await storage.deleteExpired(new Date(Date.now() + 10))).toEqual({ sessions: 1, verifications: 0 });
    expect(await nonUserKeys(client, prefix)).toEqual([]); // the emptied index went with it
  });

  it("an expired verification is gone from Redis and cannot be consumed", async () => {
    fresh();
    const t = Date.now();
    const v = verification(t, 200);
    await storage.createVerification(v);
    await sleep(300);
    expect(await client.exists(key(`verification:${v.tokenHash}`))).toBe(0);
    expect(await storage.findVerification(v.tokenHash, "p")).toBeNull(); // what the conformance suite's nativeExpiry allows
    expect(await storage.consumeVerification(v.tokenHash, "p", new Date(t))).toBeNull();
  });
});
