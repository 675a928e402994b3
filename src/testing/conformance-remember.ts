import { describe, expect, it } from "vitest";
import type { AuthSkill } from "../auth-skill.js";
import { randomId } from "../ids.js";
import type { AuthSkillOptions } from "../option-types.js";
import type { SessionRecord, StorageAdapter } from "../storage/adapter.js";
import { T0, session, user } from "./fixtures.js";

/** What the remember-me part of the conformance suite needs from {@link runStorageConformance}. */
export interface RememberConformanceContext {
  /** The current test's storage. */
  storage: () => StorageAdapter;
  /** An `AuthSkill` on the current storage, on the suite's clock (at `T0` when each test starts). */
  auth: (extra: AuthSkillOptions & { requireEmailVerification?: false | undefined; totp?: undefined }) => AuthSkill;
  /** Moves the suite's clock forward. */
  advance: (ms: number) => void;
}

const next = (ms: number) => ({ tokenHash: randomId(43), successor: null, rotatedAt: new Date(T0.getTime() + ms), lastUsedAt: new Date(T0.getTime() + ms) });

/** A record without its `persistent` field, and that field. */
function split(found: SessionRecord | null): [Omit<SessionRecord, "persistent">, boolean | undefined] {
  expect(found).not.toBeNull();
  const { persistent, ...rest } = found!;
  return [rest, persistent];
}

/**
 * The conformance tests of `SessionRecord.persistent` (the "remember me" choice): stored as given, read back
 * through rotations, and a record stored without it read as remember-me. Registered by `runStorageConformance`.
 */
export function rememberConformance({ storage: current, auth, advance }: RememberConformanceContext): void {
  describe("remember me (SessionRecord.persistent)", () => {
    it("stores false and true as given and keeps them through a rotation; a session stored without it is never false", async () => {
      const storage = current();
      const u = user();
      await storage.createUser(u);
      const short = session(u.id, { persistent: false });
      const long = session(u.id, { persistent: true });
      const bare = session(u.id);
      delete bare.persistent; // an adapter or release from before the field: remember-me
      for (const s of [short, long, bare]) await storage.createSession(s);

      expect(await storage.findSession(short.id)).toEqual(short);
      expect(await storage.findSession(long.id)).toEqual(long);
      const [bareRest, barePersistent] = split(await storage.findSession(bare.id));
      expect(bareRest).toEqual(bare);
      expect([undefined, true]).toContain(barePersistent);

      for (const [s, i] of [
        [short, 1],
        [long, 2],
        [bare, 3],
      ] as const) {
        const n = next(i * 1000);
        const rotated = await storage.rotateSession({ id: s.id, generation: 0, tokenHash: s.tokenHash, next: n });
        const [rest, persistent] = split(rotated);
        expect(rest).toEqual({ ...bareFields(s), ...n, generation: 1 });
        const [foundRest, foundPersistent] = split(await storage.findSession(s.id));
        expect(foundRest).toEqual(rest);
        if (s.persistent === undefined) {
          expect([undefined, true]).toContain(persistent);
          expect([undefined, true]).toContain(foundPersistent);
        } else {
          expect(persistent).toBe(s.persistent);
          expect(foundPersistent).toBe(s.persistent);
        }
      }
    });

    it("through AuthSkill: rememberMe false keeps its choice and its short absolute expiry across refreshes", async () => {
      const storage = current();
      const a = auth({ refreshToken: { ttl: "30d", shortTtl: "1h" } });
      const email = `remember-${randomId(6).toLowerCase()}@example.com`;
      const password = "conformance passphrase 42";
      const hour = 3_600_000;
      const up = await a.signup({ email, password }, { rememberMe: false });
      expect(up.rememberMe).toBe(false);
      expect(up.refreshTokenExpiresAt).toEqual(new Date(T0.getTime() + hour));
      expect((await storage.findSession(up.sessionId))?.persistent).toBe(false);
      const remembered = await a.signin({ email, password });
      expect(remembered.rememberMe).toBe(true);
      expect((await storage.findSession(remembered.sessionId))?.persistent).not.toBe(false);

      advance(hour / 2);
      const refreshed = await a.refresh(up.refreshToken);
      expect(refreshed).toMatchObject({ sessionId: up.sessionId, rememberMe: false, refreshTokenExpiresAt: up.refreshTokenExpiresAt });
      expect((await storage.findSession(up.sessionId))?.persistent).toBe(false);
      advance(hour / 2);
      await expect(a.refresh(refreshed.refreshToken)).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });
      await expect(a.refresh(remembered.refreshToken)).resolves.toMatchObject({ sessionId: remembered.sessionId, rememberMe: true });
    });
  });
}

/** A session record without `persistent` (what a rotation result is compared with, field by field). */
function bareFields(s: SessionRecord): Omit<SessionRecord, "persistent"> {
  const { persistent: _, ...rest } = s;
  return rest;
}
