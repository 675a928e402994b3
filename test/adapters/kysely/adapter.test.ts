import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KyselyStorageError, type KyselyStorage } from "auth-skill/kysely";
import { isAuthError, type SessionRecord, type UserRecord } from "auth-skill";
import { sessionRecord, userRecord } from "auth-skill/testing";
import { randomId } from "../../../src/ids.js";
import { allTargets, dropTables, freshStorage } from "./helpers.js";

const T0 = new Date("2026-01-01T00:00:00.000Z");
const HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0c2FsdHNlY3JldA$U0VDUkVUSEFTSFNFQ1JFVEhBU0hTRUNSRVRIQVNI";

const user = (overrides: Partial<UserRecord> = {}): UserRecord => userRecord({ passwordHash: HASH, createdAt: T0, updatedAt: T0, ...overrides });
const session = (userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord =>
  sessionRecord(userId, {
    createdAt: T0,
    expiresAt: new Date(T0.getTime() + 86_400_000),
    lastUsedAt: T0,
    ipAddress: null,
    userAgent: null,
    ...overrides,
  });

for (const target of allTargets()) {
  describe(`kysely ${target.dialect}: types and edge cases`, () => {
    let storage: KyselyStorage;
    beforeEach(async () => {
      storage = await freshStorage(target.db());
    });
    afterEach(async () => {
      await dropTables(target.db(), storage);
    });

    it("compares ids, hashes and emails byte for byte (no case-insensitive collation)", async () => {
      const id = `Ab${randomId(30)}`;
      const a = user({ id, email: "case@example.com", username: "casey" });
      const b = user({ id: id.toLowerCase(), email: "CASE@example.com", username: "CASEY" });
      expect((await storage.createUser(a)).ok).toBe(true);
      expect((await storage.createUser(b)).ok).toBe(true);
      expect(await storage.findUserById(id)).toEqual(a);
      expect(await storage.findUserById(id.toUpperCase())).toBeNull();
      expect(await storage.findUserByEmail("case@example.com")).toEqual(a);
      expect(await storage.findUserByUsername("CASEY")).toEqual(b);
      const v = {
        id: randomId(),
        purpose: "p",
        userId: null,
        tokenHash: `Xy${randomId(41)}`,
        createdAt: T0,
        expiresAt: new Date(T0.getTime() + 1000),
        payload: null,
      };
      await storage.createVerification(v);
      expect(await storage.consumeVerification(v.tokenHash.toLowerCase(), "p", T0)).toBeNull();
      expect(await storage.consumeVerification(v.tokenHash, "P", T0)).toBeNull();
      expect(await storage.consumeVerification(v.tokenHash, "p", T0)).toEqual(v);
    });

    it("round-trips Unicode, booleans, nulls and millisecond timestamps far from now", async () => {
      const u = user({
        email: "zoë@exämple.com",
        name: "Zoë 🚀 Ünïcödé",
        emailVerified: true,
        passwordHash: null,
        createdAt: new Date(1),
        updatedAt: new Date("2999-12-31T23:59:59.999Z"),
      });
      expect(await storage.createUser(u)).toEqual({ ok: true, user: u });
      expect(await storage.findUserByEmail("zoë@exämple.com")).toEqual(u);
      const s = session(u.id, {
        generation: 2_000_000_000,
        rotatedAt: new Date(T0.getTime() + 1),
        successor: "sealed",
        ipAddress: "2001:db8::1",
        userAgent: "UA ✓".repeat(100),
      });
      await storage.createSession(s);
      expect(await storage.findSession(s.id)).toEqual(s);
    });

    it("updateUser resolves the user for an unchanged or empty patch of an existing user, not_found for a missing one", async () => {
      const u = user();
      await storage.createUser(u);
      expect(await storage.updateUser(u.id, { passwordHash: u.passwordHash, updatedAt: u.updatedAt })).toEqual({ ok: true, user: u });
      expect(await storage.updateUser(u.id, {})).toEqual({ ok: true, user: u });
      const patched = { ...u, name: "Ada", passwordHash: null, emailVerified: true };
      expect(await storage.updateUser(u.id, { name: "Ada", passwordHash: null, emailVerified: true })).toEqual({ ok: true, user: patched });
      expect(await storage.findUserById(u.id)).toEqual(patched);
      expect(await storage.updateUser("missing", {})).toEqual({ ok: false, reason: "not_found" });
      expect(await storage.updateUser("missing", { name: "x" })).toEqual({ ok: false, reason: "not_found" });
    });

    it("names the taken column: username when only the username is taken", async () => {
      const a = user({ username: "taken_name" });
      await storage.createUser(a);
      expect(await storage.createUser(user({ username: "taken_name" }))).toEqual({ ok: false, conflict: "username" });
      expect(await storage.createUser(user({ email: a.email }))).toEqual({ ok: false, conflict: "email" });
      const both = await storage.createUser(user({ email: a.email, username: "taken_name" }));
      expect(both.ok).toBe(false);
      expect(await storage.findUserByEmail(a.email)).toEqual(a);
    });

    it("rotation keeps the other fields; revocation clears the successor; counts are exact", async () => {
      const u = user();
      await storage.createUser(u);
      const s = session(u.id, { ipAddress: "203.0.113.1", userAgent: "ua" });
      await storage.createSession(s);
      const next = { tokenHash: "h1", successor: "sealed-1", rotatedAt: new Date(T0.getTime() + 10), lastUsedAt: new Date(T0.getTime() + 10) };
      const rotated = await storage.rotateSession({ id: s.id, generation: 0, tokenHash: s.tokenHash, next });
      expect(rotated).toEqual({ ...s, ...next, generation: 1 });
      expect(await storage.rotateSession({ id: s.id, generation: 0, tokenHash: s.tokenHash, next })).toBeNull();
      expect(await storage.revokeSession(s.id, T0)).toBe(true);
      expect(await storage.findSession(s.id)).toEqual({ ...s, ...next, generation: 1, successor: null, revokedAt: T0 });
      await storage.createSession(session(u.id));
      await storage.createSession(session(u.id));
      expect(await storage.revokeUserSessions(u.id, T0)).toBe(2);
      expect(await storage.revokeUserSessions(u.id, T0)).toBe(0);
    });

    it("deleteExpired keeps revoked sessions for keepRevokedMs and unexpired verifications", async () => {
      const u = user();
      await storage.createUser(u);
      const recent = session(u.id, { revokedAt: new Date(T0.getTime() - 1000) });
      const old = session(u.id, { revokedAt: new Date(T0.getTime() - 60_000) });
      const expired = session(u.id, { expiresAt: new Date(T0.getTime() - 1) });
      const boundary = session(u.id, { expiresAt: T0 });
      for (const s of [recent, old, expired, boundary]) await storage.createSession(s);
      // one purpose each: a user's newer token of a purpose voids the older one
      const v = (ms: number) => ({
        id: randomId(),
        purpose: `p${ms}`,
        userId: u.id,
        tokenHash: randomId(43),
        createdAt: T0,
        expiresAt: new Date(T0.getTime() + ms),
      });
      for (const record of [v(-1), v(0), v(1)]) await storage.createVerification(record);
      expect(await storage.deleteExpired(T0, 30_000)).toEqual({ sessions: 2, verifications: 1 });
      expect(await storage.findSession(recent.id)).not.toBeNull();
      expect(await storage.findSession(boundary.id)).not.toBeNull();
      expect(await storage.deleteExpired(T0, 30_000)).toEqual({ sessions: 0, verifications: 0 });
      expect(await storage.deleteExpired(T0)).toEqual({ sessions: 1, verifications: 0 });
    });

    it("consumes an expired token by deleting it, and only for its purpose", async () => {
      const v = { id: randomId(), purpose: "magic-link", userId: null, tokenHash: randomId(43), createdAt: T0, expiresAt: T0 };
      await storage.createVerification(v);
      expect(await storage.consumeVerification(v.tokenHash, "password-reset", T0)).toBeNull();
      expect(await storage.consumeVerification(v.tokenHash, "magic-link", T0)).toBeNull(); // expired at T0: deleted
      expect(await storage.deleteExpired(new Date(T0.getTime() + 1))).toEqual({ sessions: 0, verifications: 0 });
    });

    it("reports database failures without statement values: no hash in the thrown value", async () => {
      const v = { id: randomId(), purpose: "p", userId: null, tokenHash: `dup${randomId(40)}`, createdAt: T0, expiresAt: T0 };
      await storage.createVerification(v);
      const duplicate = await storage.createVerification({ ...v, id: randomId() }).catch((e: unknown) => e);
      expect(duplicate).toBeInstanceOf(KyselyStorageError);
      expect(isAuthError(duplicate, "STORAGE_ERROR")).toBe(true); // one error family
      expect(duplicate).toMatchObject({ operation: "createVerification", message: "The authentication store is unavailable. Please try again." });
      expect((duplicate as KyselyStorageError).driverCode).toMatch(/^(?:23505|ER_DUP_ENTRY|SQLITE_CONSTRAINT_UNIQUE)$/);
      expect(inspect(duplicate, { depth: 10, showHidden: true })).not.toContain(v.tokenHash);
      const cause = (duplicate as Error).cause as Error & { code?: unknown };
      expect(cause).toBeInstanceOf(Error); // the scrubbed copy of the driver's error
      expect(cause.message).toContain(`${storage.tables.verifications}`);
      expect(cause.code).toBe((duplicate as KyselyStorageError).driverCode);
      expect(Object.keys(cause)).toEqual(["code"]); // no detail, sql, parameters...

      await dropTables(target.db(), storage); // every statement now fails
      const u = user();
      const failure = await storage.createUser(u).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(KyselyStorageError);
      expect(((failure as Error).cause as Error).message).toContain(storage.tables.users);
      const shown = inspect(failure, { depth: 10, showHidden: true }) + JSON.stringify(failure);
      expect(shown).not.toContain(HASH);
      expect(shown).not.toContain(u.email);
      const rotation = await storage
        .rotateSession({ id: "s", generation: 0, tokenHash: v.tokenHash, next: { tokenHash: "n", successor: null, rotatedAt: T0, lastUsedAt: T0 } })
        .catch((e: unknown) => e);
      expect(inspect(rotation, { depth: 10, showHidden: true })).not.toContain(v.tokenHash);
      await storage.migrate(); // for afterEach
    });
  });
}
