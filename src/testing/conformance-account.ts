import { describe, expect, it } from "vitest";
import { randomId } from "../ids.js";
import type { SessionRecord, StorageAdapter } from "../storage/adapter.js";
import type { StorageCapability } from "./capabilities.js";
import { T0, session, user, verification } from "./fixtures.js";

/** What the account-lifecycle part of the conformance suite needs from {@link runStorageConformance}. */
export interface AccountConformanceContext {
  /** The current test's storage. */
  storage: () => StorageAdapter;
  /** Concurrent calls per race test. */
  n: number;
  itIf: (capability: StorageCapability) => typeof it | typeof it.skip;
  lacks: ReadonlySet<StorageCapability>;
}

const at = (ms: number) => new Date(T0.getTime() + ms);
const freshEmail = (tag: string) => `${tag}-${randomId(8).toLowerCase()}@example.com`;
const summary = (s: SessionRecord) => ({
  id: s.id,
  userId: s.userId,
  createdAt: s.createdAt,
  lastUsedAt: s.lastUsedAt,
  expiresAt: s.expiresAt,
  ipAddress: s.ipAddress,
  userAgent: s.userAgent,
});

/**
 * The conformance tests of the operations the account flows use: roles, email changes, listing and deleting,
 * and single-use tokens that void their predecessors. Registered by `runStorageConformance`.
 */
export function accountConformance({ storage: current, n, itIf, lacks }: AccountConformanceContext): void {
  describe("account lifecycle", () => {
    it("reads a user created with no roles as [], and a patch without roles keeps them", async () => {
      const storage = current();
      const u = user();
      await storage.createUser(u);
      expect((await storage.findUserById(u.id))?.roles).toEqual([]);
      expect(await storage.updateUser(u.id, { roles: [], name: "N" })).toEqual({ ok: true, user: { ...u, name: "N" } });
    });

    itIf("roles")("stores roles as given, reads a user without roles as [], and patches them", async () => {
      const storage = current();
      const admin = user({ roles: ["admin", "billing-editor"] });
      const plain = user();
      expect(await storage.createUser(admin)).toEqual({ ok: true, user: admin });
      await storage.createUser(plain);
      expect(await storage.findUserById(admin.id)).toEqual(admin);
      expect(await storage.findUserByEmail(admin.email)).toEqual(admin);
      expect((await storage.findUserById(plain.id))?.roles).toEqual([]);
      expect(await storage.updateUser(plain.id, { roles: ["support"], updatedAt: at(1) })).toEqual({
        ok: true,
        user: { ...plain, roles: ["support"], updatedAt: at(1) },
      });
      expect(await storage.updateUser(admin.id, { roles: [] })).toMatchObject({ ok: true, user: { roles: [] } });
      expect((await storage.findUserById(admin.id))?.roles).toEqual([]);
      expect((await storage.findUserById(plain.id))?.roles).toEqual(["support"]);
    });

    it("changes a user's email, frees the old one, and reports a taken one as a conflict that changes nothing", async () => {
      const storage = current();
      const [a, b] = [user(), user()];
      await storage.createUser(a);
      await storage.createUser(b);
      const next = freshEmail("moved");
      expect(await storage.updateUser(a.id, { email: next, emailVerified: true })).toEqual({ ok: true, user: { ...a, email: next, emailVerified: true } });
      expect((await storage.findUserByEmail(next))?.id).toBe(a.id);
      expect(await storage.findUserByEmail(a.email)).toBeNull();
      expect((await storage.createUser(user({ email: a.email }))).ok).toBe(true); // the old address is free
      expect(await storage.updateUser(a.id, { email: b.email, name: "Not applied" })).toEqual({ ok: false, reason: "conflict", conflict: "email" });
      expect(await storage.findUserById(a.id)).toEqual({ ...a, email: next, emailVerified: true });
      expect((await storage.findUserByEmail(b.email))?.id).toBe(b.id);
      expect(await storage.updateUser(a.id, { email: next })).toMatchObject({ ok: true, user: { email: next } }); // its own
    });

    it(`gives one email to exactly one of ${n} concurrent email changes and ${n} creates`, async () => {
      const storage = current();
      const users = Array.from({ length: n }, () => user());
      for (const u of users) await storage.createUser(u);
      const email = freshEmail("contested");
      const [updates, creates] = await Promise.all([
        Promise.all(users.map((u) => storage.updateUser(u.id, { email }))),
        Promise.all(Array.from({ length: n }, () => storage.createUser(user({ email })))),
      ]);
      const winners = [...updates, ...creates].filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      expect(updates.filter((r) => !r.ok).every((r) => !r.ok && r.reason === "conflict")).toBe(true);
      expect(creates.filter((r) => !r.ok).every((r) => !r.ok && r.conflict === "email")).toBe(true);
      expect((await storage.findUserByEmail(email))?.id).toBe(winners[0]!.ok ? winners[0]!.user.id : undefined);
      const holders = await Promise.all(users.map((u) => storage.findUserById(u.id)));
      expect(holders.filter((u) => u?.email === email).length).toBe(updates.filter((r) => r.ok).length);
    });

    it("lists a user's live sessions, newest first, without revoked or expired ones or another user's", async () => {
      const storage = current();
      const [a, b] = [user(), user()];
      await storage.createUser(a);
      await storage.createUser(b);
      const older = session(a.id, { createdAt: at(-60_000), lastUsedAt: at(-1_000), ipAddress: null, userAgent: null });
      const newer = session(a.id, { createdAt: at(-1_000), expiresAt: at(1) });
      const revoked = session(a.id);
      const ending = session(a.id, { createdAt: at(-2_000), expiresAt: at(0) }); // expired at T0 exactly
      for (const s of [older, newer, revoked, ending, session(b.id)]) await storage.createSession(s);
      await storage.revokeSession(revoked.id, T0);
      expect(await storage.listUserSessions(a.id, T0)).toEqual([summary(newer), summary(older)]);
      expect(await storage.listUserSessions(a.id, at(1))).toEqual([summary(older)]);
      expect(await storage.listUserSessions("missing", T0)).toEqual([]);
    });

    it("deletes a user with their sessions and single-use tokens, and nothing of anyone else's", async () => {
      const storage = current();
      const usernames = !lacks.has("usernames");
      const a = user(usernames ? { username: `gone_${randomId(6).toLowerCase()}` } : {});
      const b = user();
      await storage.createUser(a);
      await storage.createUser(b);
      const [a1, a2, b1] = [session(a.id), session(a.id), session(b.id)];
      for (const s of [a1, a2, b1]) await storage.createSession(s);
      const tokens = !lacks.has("verifications");
      const [va, vb] = [verification({ userId: a.id }), verification({ userId: b.id })];
      if (tokens) for (const v of [va, vb]) await storage.createVerification(v);

      expect(await storage.deleteUser(a.id)).toBe(true);
      expect(await storage.findUserById(a.id)).toBeNull();
      expect(await storage.findUserByEmail(a.email)).toBeNull();
      if (usernames) expect(await storage.findUserByUsername(a.username!)).toBeNull();
      for (const s of [a1, a2]) {
        expect(await storage.findSession(s.id)).toBeNull();
        const next = { tokenHash: "n", successor: null, rotatedAt: T0, lastUsedAt: T0 };
        expect(await storage.rotateSession({ id: s.id, generation: 0, tokenHash: s.tokenHash, next })).toBeNull();
      }
      expect(await storage.listUserSessions(a.id, T0)).toEqual([]);
      if (tokens) expect(await storage.consumeVerification(va.tokenHash, va.purpose, T0)).toBeNull();
      await expect(storage.createSession(session(a.id))).rejects.toBeDefined(); // no session for a missing user
      expect(await storage.deleteUser(a.id)).toBe(false);
      expect(await storage.deleteUser("missing")).toBe(false);

      expect(await storage.findSession(b1.id)).toEqual(b1);
      if (tokens) expect(await storage.consumeVerification(vb.tokenHash, vb.purpose, T0)).toEqual(vb);
      expect((await storage.createUser(user({ email: a.email, username: a.username }))).ok).toBe(true); // free again
    });

    it(`leaves no session of a user deleted while ${n} sessions are created and rotated`, async () => {
      const storage = current();
      const u = user();
      await storage.createUser(u);
      const first = session(u.id);
      await storage.createSession(first);
      const created = Array.from({ length: n }, () => session(u.id));
      const next = { tokenHash: "next", successor: null, rotatedAt: T0, lastUsedAt: T0 };
      const [deleted] = await Promise.allSettled([
        storage.deleteUser(u.id),
        ...created.map((s) => storage.createSession(s)),
        ...created.map(() => storage.rotateSession({ id: first.id, generation: 0, tokenHash: first.tokenHash, next })),
      ]);
      expect(deleted).toEqual({ status: "fulfilled", value: true });
      expect(await storage.findUserById(u.id)).toBeNull();
      expect(await storage.listUserSessions(u.id, T0)).toEqual([]);
      const left = await Promise.all([first, ...created].map((s) => storage.findSession(s.id)));
      expect(left.filter((s) => s !== null && s.revokedAt === null)).toEqual([]);
    });

    itIf("verifications")("stores a token's payload, and a new token voids the user's older one of that purpose only", async () => {
      const storage = current();
      const [a, b] = [user(), user()];
      await storage.createUser(a);
      await storage.createUser(b);
      const old = verification({ userId: a.id });
      const change = verification({ userId: a.id, purpose: "email-change", payload: "new-address@example.com" });
      const others = [verification({ userId: b.id }), verification(), verification()]; // another user's; two without a user
      for (const v of [old, change, ...others]) await storage.createVerification(v);
      const latest = verification({ userId: a.id, createdAt: at(1) });
      await storage.createVerification(latest);
      expect(await storage.consumeVerification(old.tokenHash, old.purpose, T0)).toBeNull();
      expect(await storage.consumeVerification(latest.tokenHash, latest.purpose, T0)).toEqual(latest);
      expect(await storage.consumeVerification(change.tokenHash, change.purpose, T0)).toEqual(change);
      for (const v of others) expect(await storage.consumeVerification(v.tokenHash, v.purpose, T0)).toEqual(v);
    });

    itIf("verifications")(`keeps exactly one of ${n} concurrent tokens of one user and purpose`, async () => {
      const storage = current();
      const u = user();
      await storage.createUser(u);
      const records = Array.from({ length: n }, () => verification({ userId: u.id }));
      await Promise.all(records.map((v) => storage.createVerification(v)));
      const taken = await Promise.all(records.map((v) => storage.consumeVerification(v.tokenHash, v.purpose, T0)));
      expect(taken.filter((v) => v !== null)).toHaveLength(1);
    });
  });
}
