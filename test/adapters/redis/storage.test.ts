import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { AuthSkill } from "auth-skill";
import type { SessionRecord, StorageAdapter, UserPatch, UserRecord } from "auth-skill";
import { redisRateLimitStore, redisStorage } from "auth-skill/redis";
import { sessionRecord, userRecord } from "auth-skill/testing";
import { randomId } from "../../../src/ids.js";
import { serverUrl } from "../../support/servers.js";
import { addUsers, connect, deletePrefix, randomPrefix, scanAll } from "./helpers.js";
import { throwsWith } from "../../helpers.js";

const url = serverUrl("redis");
const T = new Date();

const user = (overrides: Partial<UserRecord> = {}): UserRecord => userRecord({ name: "Ada", passwordHash: "h", createdAt: T, updatedAt: T, ...overrides });
const session = (userId: string): SessionRecord =>
  sessionRecord(userId, { createdAt: T, lastUsedAt: T, expiresAt: new Date(Date.now() + 3_600_000), ipAddress: null, userAgent: null });

describe("redisStorage options", () => {
  it("refuses missing options or client, an ioredis keyPrefix, a prefix with braces and a bad clock (CONFIG_ERROR)", () => {
    throwsWith(() => redisStorage(undefined as never), "CONFIG_ERROR");
    throwsWith(() => redisStorage({} as never), "CONFIG_ERROR");
    const prefixed = new Redis({ lazyConnect: true, keyPrefix: "app:" });
    expect(() => redisStorage({ client: prefixed })).toThrow(/keyPrefix/);
    throwsWith(() => redisStorage({ client: prefixed }), "CONFIG_ERROR");
    const plain = new Redis({ lazyConnect: true });
    expect(() => redisStorage({ client: plain, prefix: "{x}" })).toThrow(/prefix/);
    throwsWith(() => redisStorage({ client: plain, prefix: "{x}" }), "CONFIG_ERROR");
    throwsWith(() => redisStorage({ client: plain, prefix: "" }), "CONFIG_ERROR");
    throwsWith(() => redisStorage({ client: plain, now: "yesterday" as never }), "CONFIG_ERROR");
    throwsWith(() => redisRateLimitStore(undefined as never), "CONFIG_ERROR");
    throwsWith(() => redisRateLimitStore({ client: plain, prefix: "{x}" }), "CONFIG_ERROR");
    expect(() => redisStorage({ client: plain })).not.toThrow();
    prefixed.disconnect();
    plain.disconnect();
  });
});

describe.skipIf(!url)("redisStorage on a real server", () => {
  const client = connect(url);
  let prefix: string;
  let storage: StorageAdapter;
  const key = (rest: string) => `{${prefix}}${rest}`;
  const fresh = () => {
    prefix = randomPrefix();
    storage = redisStorage({ client, prefix });
  };
  afterEach(() => deletePrefix(client, prefix));

  it("lays keys out under the {prefix} hash tag: user, email and username indexes, session, session index", async () => {
    fresh();
    const auth = new AuthSkill({ secret: "redis-layout-secret-0123456789-abcdefghijklmn", storage });
    const r = await auth.signup({ email: "layout@example.com", username: "Layout_1", password: "layout passphrase 42" });
    expect(await scanAll(client, `{${prefix}}*`)).toEqual(
      [
        key(`user:${r.user.id}`),
        key("email:layout@example.com"),
        key("username:layout_1"),
        key(`session:${r.sessionId}`),
        key(`user-sessions:${r.user.id}`),
      ].sort(),
    );
    expect(await client.get(key("email:layout@example.com"))).toBe(r.user.id);
    expect(await client.hget(key(`user:${r.user.id}`), "createdAt")).toBe(String(r.user.createdAt.getTime()));
    expect(await client.hexists(key(`user:${r.user.id}`), "name")).toBe(0); // null fields are absent
  });

  it("updateUser patches the patchable fields; an email change moves the index, the username stays", async () => {
    fresh();
    const u = user();
    await storage.createUser(u);
    const later = new Date(T.getTime() + 1000);
    const patch = { email: "other@example.com", username: "taken", name: null, passwordHash: null, updatedAt: later, roles: ["a"] } as UserPatch;
    const patched = { ...u, email: "other@example.com", name: null, passwordHash: null, updatedAt: later, roles: ["a"] };
    expect(await storage.updateUser(u.id, patch)).toEqual({ ok: true, user: patched });
    expect(await storage.findUserByEmail("other@example.com")).toEqual(patched);
    expect(await client.exists(key(`email:${u.email}`))).toBe(0);
    expect(await client.hget(key(`user:${u.id}`), "roles")).toBe('["a"]');
    expect(await storage.findUserByUsername("taken")).toBeNull();
    expect(await storage.updateUser("missing", { name: "x" })).toEqual({ ok: false, reason: "not_found" });
    expect(await storage.updateUser("missing", { email: "x@example.com" })).toEqual({ ok: false, reason: "not_found" });
    expect(await client.exists(key("user:missing"), key("email:x@example.com"))).toBe(0);
  });

  it("a refused create writes nothing: a username conflict does not claim the email", async () => {
    fresh();
    await storage.createUser(user({ username: "ada" }));
    const b = user({ username: "ada" });
    expect(await storage.createUser(b)).toEqual({ ok: false, conflict: "username" });
    expect(await client.exists(key(`email:${b.email}`), key(`user:${b.id}`))).toBe(0);
    expect((await storage.createUser({ ...b, username: "bea" })).ok).toBe(true);
  });

  it("refuses a duplicate session id or verification hash without touching the stored one", async () => {
    fresh();
    await addUsers(storage, "u1", "u2");
    const s = session("u1");
    await storage.createSession(s);
    await expect(storage.createSession({ ...s, userId: "u2", tokenHash: "other" })).rejects.toThrow(/duplicate session id/);
    expect(await storage.findSession(s.id)).toEqual(s);
    expect(await client.exists(key("user-sessions:u2"))).toBe(0);
    const v = { id: "v1", purpose: "p", userId: null, tokenHash: randomId(43), createdAt: T, expiresAt: s.expiresAt, payload: null };
    await storage.createVerification(v);
    await expect(storage.createVerification({ ...v, purpose: "q" })).rejects.toThrow(/duplicate verification/);
    expect(await storage.consumeVerification(v.tokenHash, "p", T)).toEqual(v);
  });

  it("tokens voided under concurrent creates stay void once the one that remains is consumed", async () => {
    fresh();
    await addUsers(storage, "u1");
    const expiresAt = new Date(Date.now() + 3_600_000);
    const tokens = Array.from({ length: 20 }, () => ({
      id: randomId(),
      purpose: "p",
      userId: "u1",
      tokenHash: randomId(43),
      createdAt: T,
      expiresAt,
      payload: null,
    }));
    await Promise.all(tokens.map((v) => storage.createVerification(v)));
    // Every create read the index before any wrote it, so none could delete its predecessor: the index alone voids them.
    expect((await scanAll(client, key("verification:*"))).length).toBeGreaterThan(1);
    const latest = await client.hget(key("user-verifications:u1"), "p:p");
    expect(await storage.consumeVerification(latest!, "p", T)).toEqual(tokens.find((v) => v.tokenHash === latest));
    for (const v of tokens) expect(await storage.consumeVerification(v.tokenHash, "p", T)).toBeNull();
  });

  it("revokeUserSessions revokes every session that existed when it ran, while new ones keep arriving", async () => {
    fresh();
    await addUsers(storage, "u1");
    const before = Array.from({ length: 20 }, () => session("u1"));
    for (const s of before) await storage.createSession(s);
    const during = Array.from({ length: 40 }, () => session("u1"));
    const [revoked] = await Promise.all([storage.revokeUserSessions("u1", T), ...during.map((s) => storage.createSession(s))]);
    const stored = await Promise.all([...before, ...during].map((s) => storage.findSession(s.id)));
    expect(stored.filter((s) => s?.revokedAt !== null)).toHaveLength(revoked as number);
    expect(stored.slice(0, 20).every((s) => s?.revokedAt?.getTime() === T.getTime())).toBe(true);
    expect(await storage.revokeUserSessions("u1", T)).toBe(60 - (revoked as number));
    expect(await storage.revokeUserSessions("nobody", T)).toBe(0);
  });

  it("scrubs the command arguments ioredis attaches to its errors (no hashes, tokens or emails)", async () => {
    fresh();
    const u = user({ passwordHash: "$argon2id$secret-password-hash" });
    await storage.createUser(u);
    const duplicate = await storage.createUser({ ...u, email: "second@example.com" }).catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ message: expect.stringMatching(/duplicate user id/), command: { name: "evalsha" } });
    await client.set(key("session:s1"), "not a hash");
    const next = { tokenHash: "next-secret-hash", successor: "sealed-secret-token", rotatedAt: T, lastUsedAt: T };
    const wrongType = await storage.rotateSession({ id: "s1", generation: 0, tokenHash: "secret-hash", next }).catch((e: unknown) => e);
    expect(wrongType).toMatchObject({ message: expect.stringMatching(/WRONGTYPE/) });
    for (const err of [duplicate, wrongType]) expect(inspect(err, { depth: 10 })).not.toMatch(/secret|@example\.com|\{t-/);
  });

  it("reloads its scripts after SCRIPT FLUSH (EVALSHA falls back to EVAL on NOSCRIPT)", async () => {
    fresh();
    const u = user();
    await storage.createUser(u);
    await client.script("FLUSH");
    expect(await storage.updateUser(u.id, { emailVerified: true })).toMatchObject({ ok: true });
    expect((await storage.findUserById(u.id))?.emailVerified).toBe(true);
  });

  it("keeps unicode, empty strings and long values intact", async () => {
    fresh();
    const u = user({ name: "", email: "zoë+tag@例え.jp", username: "ünïcødé", passwordHash: "x".repeat(10_000) });
    await storage.createUser(u);
    expect(await storage.findUserByUsername("ünïcødé")).toEqual(u);
    const s = { ...session(u.id), userAgent: "", ipAddress: "2001:db8::1", successor: "s".repeat(500) };
    await storage.createSession(s);
    expect(await storage.findSession(s.id)).toEqual(s);
  });
});
