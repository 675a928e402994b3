import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AuthSkill } from "../auth-skill.js";
import type { AuthError } from "../errors.js";
import type { AuthSkillOptions } from "../option-types.js";
import { randomId } from "../ids.js";
import type { StorageAdapter } from "../storage/adapter.js";
import type { StorageCapability } from "./capabilities.js";
import { accountConformance } from "./conformance-account.js";
import { attemptsConformance } from "./conformance-attempts.js";
import { flowsConformance } from "./conformance-flows.js";
import { passwordlessConformance } from "./conformance-passwordless.js";
import { rememberConformance } from "./conformance-remember.js";
import { secondFactorConformance } from "./conformance-second-factor.js";
import { tokenReadConformance } from "./conformance-token-reads.js";
import { SECRET, T0, session, user, verification } from "./fixtures.js";

export type { StorageCapability } from "./capabilities.js";

/** Options of {@link runStorageConformance}. */
export interface ConformanceOptions {
  /** Capabilities the adapter lacks. */
  without?: StorageCapability[] | undefined;
  /** How many concurrent calls the race tests make (default 50; uniqueness races use twice that). */
  concurrency?: number | undefined;
  /** The store drops records itself once they expire (Redis key expiry): `findVerification` may miss an expired token. */
  nativeExpiry?: boolean | undefined;
  /** Called after each test with the storage it used (close connections, drop tables). */
  teardown?: ((storage: StorageAdapter) => unknown) | undefined;
}

/**
 * The storage conformance suite: registers vitest tests that check an adapter keeps every guarantee
 * `AuthSkill` relies on — uniqueness under concurrent creates, atomic rotation, single-use tokens,
 * revocation, expiry and clean-up. Call it at the top level of a test file; `makeStorage` is called once
 * per test and must return an empty store (use a fresh table prefix, key prefix or database).
 *
 * @example
 * ```ts
 * // test/my-adapter.test.ts
 * import { runStorageConformance } from "auth-skill/testing";
 * runStorageConformance("my adapter", async () => myStorage({ prefix: crypto.randomUUID() }));
 * ```
 */
export function runStorageConformance(name: string, makeStorage: () => StorageAdapter | Promise<StorageAdapter>, options: ConformanceOptions = {}): void {
  const n = options.concurrency ?? 50;
  const lacks = new Set(options.without ?? []);
  const itIf = (capability: StorageCapability) => (lacks.has(capability) ? it.skip : it);

  describe(`storage conformance: ${name}`, () => {
    let storage: StorageAdapter;
    let clock = T0.getTime();
    const auth = (extra: AuthSkillOptions & { requireEmailVerification?: false | undefined; totp?: undefined } = {}) =>
      new AuthSkill({ secret: SECRET, storage, now: () => new Date(clock), ...extra });

    beforeEach(async () => {
      storage = await makeStorage();
      clock = T0.getTime();
    });
    afterEach(async () => {
      await options.teardown?.(storage);
    });

    describe("users", () => {
      it("creates and finds a user by id and email, with every field intact", async () => {
        const u = user({ name: "Ada", emailVerified: true });
        expect(await storage.createUser(u)).toEqual({ ok: true, user: u });
        expect(await storage.findUserById(u.id)).toEqual(u);
        expect(await storage.findUserByEmail(u.email)).toEqual(u);
        expect(await storage.findUserById("missing")).toBeNull();
        expect(await storage.findUserByEmail("missing@example.com")).toBeNull();
      });

      itIf("usernames")("finds by username and allows many users without one", async () => {
        const a = user({ username: "ada_lovelace" });
        expect((await storage.createUser(a)).ok).toBe(true);
        expect(await storage.findUserByUsername("ada_lovelace")).toEqual(a);
        expect((await storage.createUser(user())).ok).toBe(true);
        expect((await storage.createUser(user())).ok).toBe(true);
        expect(await storage.findUserByUsername("nobody")).toBeNull();
      });

      it("updates a user's password hash and flags", async () => {
        const u = user();
        await storage.createUser(u);
        const later = new Date(T0.getTime() + 1000);
        const patched = { ...u, passwordHash: "new-hash", emailVerified: true, updatedAt: later };
        expect(await storage.updateUser(u.id, { passwordHash: "new-hash", emailVerified: true, updatedAt: later })).toEqual({ ok: true, user: patched });
        expect(await storage.findUserById(u.id)).toEqual(patched);
        expect(await storage.updateUser("missing", { passwordHash: "x" })).toEqual({ ok: false, reason: "not_found" });
        expect(await storage.updateUser("missing", {})).toEqual({ ok: false, reason: "not_found" });
        expect(await storage.updateUser(u.id, {})).toEqual({ ok: true, user: patched });
      });

      it("ignores keys a patch may not change (id, createdAt)", async () => {
        const u = user();
        await storage.createUser(u);
        const result = await storage.updateUser(u.id, { name: "New", id: "other", createdAt: new Date(0) } as never);
        expect(result).toEqual({ ok: true, user: { ...u, name: "New" } });
        expect(await storage.findUserById(u.id)).toEqual({ ...u, name: "New" });
        expect(await storage.findUserById("other")).toBeNull();
      });

      it(`keeps emails unique under ${2 * n} concurrent creates`, async () => {
        const email = `race-${randomId(8).toLowerCase()}@example.com`;
        const results = await Promise.all(Array.from({ length: 2 * n }, () => storage.createUser(user({ email }))));
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.conflict === "email")).toHaveLength(2 * n - 1);
      });

      itIf("usernames")(`keeps usernames unique under ${2 * n} concurrent creates`, async () => {
        const username = `racer_${randomId(6).toLowerCase()}`;
        const results = await Promise.all(Array.from({ length: 2 * n }, () => storage.createUser(user({ username }))));
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.conflict === "username")).toHaveLength(2 * n - 1);
      });
    });

    describe("sessions", () => {
      it("creates and finds a session with every field intact", async () => {
        const u = user();
        await storage.createUser(u);
        const s = session(u.id);
        await storage.createSession(s);
        expect(await storage.findSession(s.id)).toEqual(s);
        expect(await storage.findSession("missing")).toBeNull();
        await expect(storage.createSession({ ...s, tokenHash: "other" })).rejects.toBeDefined(); // never a merge
        expect(await storage.findSession(s.id)).toEqual(s);
      });

      it(`rotates atomically: of ${n} concurrent rotations exactly one wins`, async () => {
        const u = user();
        await storage.createUser(u);
        const s = session(u.id);
        await storage.createSession(s);
        const next = { tokenHash: "next-hash", successor: "sealed", rotatedAt: new Date(T0.getTime() + 5), lastUsedAt: new Date(T0.getTime() + 5) };
        const results = await Promise.all(Array.from({ length: n }, () => storage.rotateSession({ id: s.id, generation: 0, tokenHash: s.tokenHash, next })));
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect(winners[0]).toEqual({ ...s, ...next, generation: 1 });
        expect(await storage.findSession(s.id)).toEqual({ ...s, ...next, generation: 1 });
      });

      it("refuses a rotation with a stale generation, a wrong hash, or a revoked session", async () => {
        const u = user();
        await storage.createUser(u);
        const s = session(u.id);
        await storage.createSession(s);
        const next = { tokenHash: "n", successor: null, rotatedAt: T0, lastUsedAt: T0 };
        expect(await storage.rotateSession({ id: s.id, generation: 1, tokenHash: s.tokenHash, next })).toBeNull();
        expect(await storage.rotateSession({ id: s.id, generation: 0, tokenHash: "wrong", next })).toBeNull();
        expect(await storage.rotateSession({ id: "missing", generation: 0, tokenHash: s.tokenHash, next })).toBeNull();
        await storage.revokeSession(s.id, T0);
        expect(await storage.rotateSession({ id: s.id, generation: 0, tokenHash: s.tokenHash, next })).toBeNull();
      });

      it("revokes one session idempotently, and all of one user's without touching another's", async () => {
        const [a, b] = [user(), user()];
        await storage.createUser(a);
        await storage.createUser(b);
        const [a1, a2, b1] = [session(a.id), session(a.id), session(b.id)];
        for (const s of [a1, a2, b1]) await storage.createSession(s);
        expect(await storage.revokeSession(a1.id, T0)).toBe(true);
        expect(await storage.revokeSession(a1.id, T0)).toBe(false);
        expect(await storage.revokeSession("missing", T0)).toBe(false);
        expect((await storage.findSession(a1.id))?.revokedAt).toEqual(T0);
        expect(await storage.revokeUserSessions(a.id, T0)).toBe(1);
        expect((await storage.findSession(a2.id))?.revokedAt).toEqual(T0);
        expect((await storage.findSession(b1.id))?.revokedAt).toBeNull();
      });
    });

    describe("flows through AuthSkill", () => {
      const password = "conformance passphrase 42";

      it(`of ${n} concurrent refreshes with one token exactly one resolves; the rest see reuse`, async () => {
        const a = auth();
        const first = await a.signup({ email: `flow-${randomId(6).toLowerCase()}@example.com`, password });
        const results = await Promise.allSettled(Array.from({ length: n }, () => a.refresh(first.refreshToken)));
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        const codes = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as AuthError).code] : []));
        expect(codes).toEqual(Array(n - 1).fill("REFRESH_TOKEN_REUSED"));
      });

      it("detects reuse and revokes the session; revokeAll isolates users", async () => {
        const a = auth();
        const ada = await a.signup({ email: `ada-${randomId(6).toLowerCase()}@example.com`, password });
        const bob = await a.signup({ email: `bob-${randomId(6).toLowerCase()}@example.com`, password });
        const next = await a.refresh(ada.refreshToken);
        await expect(a.refresh(ada.refreshToken)).rejects.toMatchObject({ code: "REFRESH_TOKEN_REUSED" });
        await expect(a.refresh(next.refreshToken)).rejects.toMatchObject({ code: "TOKEN_REVOKED" });
        const bob2 = await a.signin({ email: bob.user.email, password });
        await a.revokeAll(ada.user.id);
        await expect(a.refresh(bob.refreshToken)).resolves.toMatchObject({ sessionId: bob.sessionId });
        await expect(a.verifyAccessToken(bob2.accessToken, { checkRevocation: true })).resolves.toMatchObject({ sub: bob.user.id });
      });

      it("honours absolute and idle expiry with an injected clock", async () => {
        const a = auth({ refreshToken: { ttl: "1h", idleTtl: "10m" } });
        const s = await a.signup({ email: `exp-${randomId(6).toLowerCase()}@example.com`, password });
        clock += 9 * 60_000;
        const s2 = await a.refresh(s.refreshToken);
        clock += 10 * 60_000;
        await expect(a.refresh(s2.refreshToken)).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });
        const t = await a.signin({ email: s.user.email, password });
        let current = t;
        for (let i = 0; i < 6; i++) {
          clock += 9 * 60_000;
          current = await a.refresh(current.refreshToken);
        }
        clock += 6 * 60_000; // 60 minutes after signin
        await expect(a.refresh(current.refreshToken)).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });
      });

      it("signs users up uniquely under concurrency", async () => {
        const a = auth();
        const email = `dup-${randomId(6).toLowerCase()}@example.com`;
        const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => a.signup({ email, password: `${password} ${i}` })));
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        expect(results.every((r) => r.status === "fulfilled" || (r.reason as AuthError).code === "USER_EXISTS")).toBe(true);
      });
    });

    describe("single-use tokens", () => {
      itIf("verifications")(`are consumed exactly once by ${n} concurrent callers`, async () => {
        const v = verification();
        await storage.createVerification(v);
        const results = await Promise.all(Array.from({ length: n }, () => storage.consumeVerification(v.tokenHash, v.purpose, T0)));
        const winners = results.filter((r) => r !== null);
        expect(winners).toEqual([v]);
        expect(await storage.consumeVerification(v.tokenHash, v.purpose, T0)).toBeNull();
      });

      itIf("verifications")("are not consumed for another purpose, nor once expired", async () => {
        const v = verification();
        await storage.createVerification(v);
        expect(await storage.consumeVerification(v.tokenHash, "email-verification", T0)).toBeNull();
        expect(await storage.consumeVerification(v.tokenHash, v.purpose, v.expiresAt)).toBeNull();
        expect(await storage.consumeVerification(v.tokenHash, v.purpose, T0)).toBeNull(); // the expired row is gone
      });
    });

    tokenReadConformance({ storage: () => storage, n, itIf, nativeExpiry: options.nativeExpiry === true });
    accountConformance({ storage: () => storage, n, itIf, lacks });
    flowsConformance({ auth, n, itIf });
    passwordlessConformance({ auth, n, itIf });
    rememberConformance({ storage: () => storage, auth, advance: (ms) => (clock += ms) });
    attemptsConformance({ storage: () => storage, n, itIf });
    secondFactorConformance({ storage: () => storage, n, itIf, lacks });

    describe("clean-up", () => {
      itIf("cleanup")("deletes expired sessions and verifications and keeps live ones", async () => {
        const u = user();
        await storage.createUser(u);
        const live = session(u.id);
        const expired = session(u.id, { expiresAt: new Date(T0.getTime() - 1) });
        const revoked = session(u.id, { revokedAt: new Date(T0.getTime() - 10_000) });
        for (const s of [live, expired, revoked]) await storage.createSession(s);
        const deleted = await storage.deleteExpired(T0, 5_000);
        // Stores with native expiry may have dropped the expired row already; the revoked one is this call's.
        expect(deleted.sessions).toBeGreaterThanOrEqual(1);
        expect(deleted.sessions).toBeLessThanOrEqual(2);
        expect(await storage.findSession(live.id)).not.toBeNull();
        expect(await storage.findSession(expired.id)).toBeNull();
        expect(await storage.findSession(revoked.id)).toBeNull();
        if (!lacks.has("verifications")) {
          const stale = {
            id: randomId(),
            purpose: "p",
            userId: u.id,
            tokenHash: randomId(43),
            createdAt: T0,
            expiresAt: new Date(T0.getTime() - 1),
            payload: null,
          };
          await storage.createVerification(stale);
          expect((await storage.deleteExpired(T0)).verifications).toBeLessThanOrEqual(1);
          expect(await storage.consumeVerification(stale.tokenHash, "p", new Date(T0.getTime() - 10))).toBeNull();
        }
      });
    });
  });
}
