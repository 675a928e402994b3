import { randomId } from "../ids.js";
import type { PasskeyRecord, SessionRecord, UserRecord, VerificationRecord } from "../storage/adapter.js";

/** Records the conformance suite writes: valid, unique, and dated from {@link T0}. */
export const SECRET = "conformance-secret-0123456789-abcdefghijklmnop";
// Relative to the real clock, so stores with native expiry (Redis) keep the suite's rows while it runs.
export const T0 = new Date(Math.floor(Date.now() / 1000) * 1000);

/**
 * A valid user record with a fresh id and email (exported as `userRecord` from `auth-skill/testing`).
 *
 * @example
 * ```ts
 * await storage.createUser(userRecord({ username: "ada" }));
 * ```
 */
export function user(overrides: Partial<UserRecord> = {}): UserRecord {
  const id = randomId();
  return {
    id,
    email: `${id.toLowerCase()}@example.com`,
    username: null,
    name: null,
    emailVerified: false,
    roles: [],
    passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/**
 * A valid, live session record for `userId` (exported as `sessionRecord` from `auth-skill/testing`).
 *
 * @example
 * ```ts
 * await storage.createSession(sessionRecord(user.id, { expiresAt: new Date(Date.now() + 60_000) }));
 * ```
 */
export function session(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: randomId(),
    userId,
    tokenHash: randomId(43),
    generation: 0,
    rotatedAt: null,
    successor: null,
    createdAt: T0,
    expiresAt: new Date(T0.getTime() + 86_400_000),
    lastUsedAt: T0,
    revokedAt: null,
    ipAddress: "203.0.113.9",
    userAgent: "conformance",
    ...overrides,
  };
}

/** A single-use token record: a password reset for no user, valid an hour from `T0`, with `overrides` applied. */
export function verification(overrides: Partial<VerificationRecord> = {}): VerificationRecord {
  return {
    id: randomId(),
    purpose: "password-reset",
    userId: null,
    tokenHash: randomId(43),
    createdAt: T0,
    expiresAt: new Date(T0.getTime() + 3_600_000),
    payload: null,
    ...overrides,
  };
}

/** A passkey record of `userId` with a fresh credential id and user handle, created at `T0`, with `overrides` applied. */
export function passkey(userId: string, overrides: Partial<PasskeyRecord> = {}): PasskeyRecord {
  return {
    id: randomId(43),
    userId,
    userHandle: randomId(43),
    publicKey: `pk-${randomId(86)}`,
    counter: 0,
    transports: ["internal", "hybrid"],
    deviceType: "multiDevice",
    backedUp: true,
    name: null,
    createdAt: T0,
    lastUsedAt: null,
    ...overrides,
  };
}
