import { describe, expect, it } from "vitest";
import { memoryStorage, type SessionRecord, type UserRecord } from "../../src/index.js";

const at = new Date("2026-01-01T00:00:00Z");
const user = (id: string, email: string, username: string | null = null): UserRecord => ({
  id,
  email,
  username,
  name: null,
  emailVerified: false,
  roles: [],
  passwordHash: "h",
  createdAt: at,
  updatedAt: at,
});
const session = (id: string, userId: string): SessionRecord => ({
  id,
  userId,
  tokenHash: `hash-${id}`,
  generation: 0,
  rotatedAt: null,
  successor: null,
  createdAt: at,
  expiresAt: new Date(at.getTime() + 86_400_000),
  lastUsedAt: at,
  revokedAt: null,
  ipAddress: null,
  userAgent: null,
});

describe("memoryStorage", () => {
  it("keeps emails and usernames unique", async () => {
    const s = memoryStorage();
    expect((await s.createUser(user("1", "a@x.io", "a"))).ok).toBe(true);
    expect(await s.createUser(user("2", "a@x.io", "b"))).toEqual({ ok: false, conflict: "email" });
    expect(await s.createUser(user("3", "b@x.io", "a"))).toEqual({ ok: false, conflict: "username" });
    expect((await s.createUser(user("4", "c@x.io"))).ok).toBe(true);
    expect((await s.createUser(user("5", "d@x.io"))).ok).toBe(true); // many users without a username
  });

  it("copies records in and out", async () => {
    const s = memoryStorage();
    const u = user("1", "a@x.io");
    await s.createUser(u);
    u.email = "changed@x.io";
    const found = (await s.findUserById("1"))!;
    expect(found.email).toBe("a@x.io");
    found.passwordHash = "tampered";
    expect((await s.findUserByEmail("a@x.io"))!.passwordHash).toBe("h");
  });

  it("rotateSession is a compare-and-set: one of many concurrent callers wins", async () => {
    const s = memoryStorage();
    await s.createUser(user("u1", "a@x.io"));
    await s.createSession(session("s1", "u1"));
    const next = { tokenHash: "next", successor: null, rotatedAt: at, lastUsedAt: at };
    const results = await Promise.all(Array.from({ length: 50 }, () => s.rotateSession({ id: "s1", generation: 0, tokenHash: "hash-s1", next })));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect((await s.findSession("s1"))!).toMatchObject({ generation: 1, tokenHash: "next" });
    expect(await s.rotateSession({ id: "s1", generation: 1, tokenHash: "wrong", next })).toBeNull();
  });

  it("revokes one session, or all of one user's", async () => {
    const s = memoryStorage();
    await s.createUser(user("u1", "a@x.io"));
    await s.createUser(user("u2", "b@x.io"));
    await s.createSession(session("s1", "u1"));
    await s.createSession(session("s2", "u1"));
    await s.createSession(session("s3", "u2"));
    expect(await s.revokeSession("s1", at)).toBe(true);
    expect(await s.revokeSession("s1", at)).toBe(false);
    expect(await s.revokeSession("missing", at)).toBe(false);
    expect(await s.revokeUserSessions("u1", at)).toBe(1);
    expect((await s.findSession("s3"))!.revokedAt).toBeNull();
    expect(
      await s.rotateSession({ id: "s2", generation: 0, tokenHash: "hash-s2", next: { tokenHash: "n", successor: null, rotatedAt: at, lastUsedAt: at } }),
    ).toBeNull();
  });
});
