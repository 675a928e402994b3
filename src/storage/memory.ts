import type {
  CreateUserResult,
  RotateSessionInput,
  SessionRecord,
  SessionSummary,
  StorageAdapter,
  UpdateUserResult,
  UserPatch,
  UserRecord,
  VerificationRecord,
} from "./adapter.js";
import { memorySecondFactors } from "./memory-second-factor.js";

const PATCHABLE = ["passwordHash", "emailVerified", "name", "updatedAt", "roles", "email"] as const;

// Shared with the other adapters from here (a module of its own would be a chunk `auth-skill` loads for nothing).
/**
 * The order every adapter lists sessions in: newest first, by `createdAt`, then by id.
 *
 * @example
 * ```ts
 * live.sort(newestFirst);
 * ```
 */
export function newestFirst(a: SessionSummary, b: SessionSummary): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * The public part of a session record, as `StorageAdapter.listUserSessions` lists it (a copy).
 *
 * @example
 * ```ts
 * const summary = sessionSummary(await storage.findSession(id));
 * ```
 */
export function sessionSummary(s: SessionRecord): SessionSummary {
  const { id, userId, createdAt, lastUsedAt, expiresAt, ipAddress, userAgent } = s;
  return structuredClone({ id, userId, createdAt, lastUsedAt, expiresAt, ipAddress, userAgent });
}

const AMR_VALUE = /^[a-z0-9_-]{1,16}$/;

/**
 * A session's `amr` as one comma-joined string to store, or `null` for none (absent or `[]`). Throws a `TypeError`
 * (quoting no value) unless it is at most 8 values of 1-16 characters of [a-z0-9_-], so no value holds a comma.
 *
 * @example
 * ```ts
 * amrText(["pwd", "otp", "mfa"]); // "pwd,otp,mfa"
 * ```
 */
export function amrText(amr: readonly string[] | undefined, caller = "auth-skill"): string | null {
  if (amr === undefined) return null;
  if (!Array.isArray(amr) || amr.length > 8 || !amr.every((v) => typeof v === "string" && AMR_VALUE.test(v))) {
    throw new TypeError(`${caller}: SessionRecord.amr must be at most 8 values of 1-16 characters of [a-z0-9_-]`);
  }
  return amr.length === 0 ? null : amr.join(",");
}

/**
 * The `amr` of a session as stored by {@link amrText}: the values in order, or nothing for none (`null`, `""`).
 *
 * @example
 * ```ts
 * const session = { ...fields, ...amrOf(row.amr) }; // { amr: ["pwd", "otp"] } or {}
 * ```
 */
export function amrOf(stored: unknown): { amr?: string[] } {
  return typeof stored === "string" && stored !== "" ? { amr: stored.split(",") } : {};
}

/**
 * Throws a `TypeError` unless `maxAttempts` is a positive integer and `now` a valid Date: the arguments of
 * `StorageAdapter.reserveVerificationAttempt`, checked alike by every adapter before anything is counted.
 *
 * @example
 * ```ts
 * checkAttemptArgs(5, new Date()); // ok
 * ```
 */
export function checkAttemptArgs(maxAttempts: number, now: Date, caller = "auth-skill"): void {
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1)
    throw new TypeError(`${caller}: reserveVerificationAttempt: maxAttempts must be a positive integer`);
  if (!(now instanceof Date) || !Number.isFinite(now.getTime())) throw new TypeError(`${caller}: reserveVerificationAttempt: now must be a valid Date`);
}

/**
 * The default storage: everything in this process's memory, gone on restart. Right for tests, demos and
 * single-instance services that accept that; use a database adapter as soon as you run two instances.
 * Every method runs synchronously to completion inside one turn of the event loop, which is what makes
 * uniqueness and rotation atomic here. Records are copied in and out, so callers cannot mutate state.
 *
 * @example
 * ```ts
 * import { AuthSkill, memoryStorage } from "auth-skill";
 * const auth = new AuthSkill({ secret: process.env.AUTH_SECRET, storage: memoryStorage() });
 * ```
 */
export function memoryStorage(): StorageAdapter {
  const users = new Map<string, UserRecord>();
  const byEmail = new Map<string, string>();
  const byUsername = new Map<string, string>();
  const sessions = new Map<string, SessionRecord>();
  const sessionsByUser = new Map<string, Set<string>>();
  const verifications = new Map<string, VerificationRecord>(); // by tokenHash
  const attempts = new WeakMap<VerificationRecord, number>(); // by stored record: a new record starts at 0
  const readVerification = (v: VerificationRecord): VerificationRecord => ({ ...v, payload: v.payload ?? null });

  const copy = <T extends object>(value: T | undefined): T | null => (value ? structuredClone(value) : null);
  const byId = (id: string | undefined) => (id === undefined ? undefined : users.get(id));
  const factors = memorySecondFactors(users);

  return {
    async createUser(user): Promise<CreateUserResult> {
      if (byEmail.has(user.email)) return { ok: false, conflict: "email" };
      if (user.username !== null && byUsername.has(user.username)) return { ok: false, conflict: "username" };
      users.set(user.id, structuredClone({ ...user, roles: user.roles ?? [] }));
      byEmail.set(user.email, user.id);
      if (user.username !== null) byUsername.set(user.username, user.id);
      return { ok: true, user: structuredClone(users.get(user.id)!) };
    },
    findUserById: async (id) => copy(users.get(id)),
    findUserByEmail: async (email) => copy(byId(byEmail.get(email))),
    findUserByUsername: async (username) => copy(byId(byUsername.get(username))),
    async updateUser(id, patch: UserPatch): Promise<UpdateUserResult> {
      const user = users.get(id);
      if (!user) return { ok: false, reason: "not_found" };
      const email = patch.email;
      if (email !== undefined && email !== user.email) {
        if (byEmail.has(email)) return { ok: false, reason: "conflict", conflict: "email" };
        byEmail.delete(user.email);
        byEmail.set(email, id);
      }
      for (const key of PATCHABLE) {
        if (patch[key] !== undefined) (user as unknown as Record<string, unknown>)[key] = structuredClone(patch[key]);
      }
      return { ok: true, user: structuredClone(user) };
    },
    async deleteUser(userId) {
      const user = users.get(userId);
      if (!user) return false;
      for (const id of sessionsByUser.get(userId) ?? []) sessions.delete(id);
      sessionsByUser.delete(userId);
      factors.forget(userId);
      for (const [hash, v] of verifications) if (v.userId === userId) verifications.delete(hash);
      users.delete(userId);
      byEmail.delete(user.email);
      if (user.username !== null) byUsername.delete(user.username);
      return true;
    },
    async createSession(session) {
      if (sessions.has(session.id)) throw new Error("duplicate session id");
      if (!users.has(session.userId)) throw new Error("no such user");
      const { amr: _, ...rest } = session;
      sessions.set(session.id, structuredClone({ ...rest, ...amrOf(amrText(session.amr)) }));
      let set = sessionsByUser.get(session.userId);
      if (!set) {
        set = new Set();
        sessionsByUser.set(session.userId, set);
      }
      set.add(session.id);
    },
    findSession: async (id) => copy(sessions.get(id)),
    async rotateSession(input: RotateSessionInput) {
      const s = sessions.get(input.id);
      if (!s || s.revokedAt !== null || s.generation !== input.generation || s.tokenHash !== input.tokenHash) return null;
      Object.assign(s, structuredClone(input.next), { generation: s.generation + 1 });
      return structuredClone(s);
    },
    async revokeSession(id, at) {
      const s = sessions.get(id);
      if (!s || s.revokedAt !== null) return false;
      s.revokedAt = at;
      s.successor = null;
      return true;
    },
    async revokeUserSessions(userId, at) {
      let n = 0;
      for (const id of sessionsByUser.get(userId) ?? []) {
        const s = sessions.get(id);
        if (s && s.revokedAt === null) {
          s.revokedAt = at;
          s.successor = null;
          n++;
        }
      }
      return n;
    },
    async listUserSessions(userId, now) {
      const live: SessionSummary[] = [];
      for (const id of sessionsByUser.get(userId) ?? []) {
        const s = sessions.get(id);
        if (s && s.revokedAt === null && s.expiresAt.getTime() > now.getTime()) live.push(sessionSummary(s));
      }
      return live.sort(newestFirst);
    },
    async createVerification(record) {
      if (verifications.has(record.tokenHash)) throw new Error("duplicate verification token hash");
      if (record.userId !== null) {
        for (const [hash, v] of verifications) if (v.userId === record.userId && v.purpose === record.purpose) verifications.delete(hash);
      }
      verifications.set(record.tokenHash, structuredClone(readVerification(record)));
    },
    async findVerification(tokenHash, purpose) {
      const v = verifications.get(tokenHash);
      return v && v.purpose === purpose ? structuredClone(v) : null;
    },
    async consumeVerification(tokenHash, purpose, now) {
      const v = verifications.get(tokenHash);
      if (!v || v.purpose !== purpose) return null;
      verifications.delete(tokenHash);
      return v.expiresAt.getTime() > now.getTime() ? v : null;
    },
    async deleteExpired(now, keepRevokedMs = 0) {
      const counts = { sessions: 0, verifications: 0 };
      const revokedBefore = now.getTime() - keepRevokedMs;
      for (const [id, s] of sessions) {
        if (s.expiresAt.getTime() < now.getTime() || (s.revokedAt !== null && s.revokedAt.getTime() < revokedBefore)) {
          sessions.delete(id);
          sessionsByUser.get(s.userId)?.delete(id);
          counts.sessions++;
        }
      }
      for (const [hash, v] of verifications) {
        if (v.expiresAt.getTime() < now.getTime()) {
          verifications.delete(hash);
          counts.verifications++;
        }
      }
      return counts;
    },
    async reserveVerificationAttempt(userId, purpose, maxAttempts, now) {
      checkAttemptArgs(maxAttempts, now);
      for (const v of verifications.values()) {
        if (v.userId !== userId || v.purpose !== purpose) continue;
        const used = attempts.get(v) ?? 0;
        if (v.expiresAt.getTime() > now.getTime() && used < maxAttempts) {
          attempts.set(v, used + 1);
          return true;
        }
        return false; // spent or expired: void, but left for a granted attempt to spend (and deleteExpired)
      }
      return false;
    },
    secondFactors: factors.operations,
  };
}
