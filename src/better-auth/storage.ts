import type { StorageAdapter } from "../storage/adapter.js";
import { checkAttemptArgs } from "../storage/memory.js";
import { run } from "./errors.js";
import type { Db } from "./db.js";
import type { KeySecrets } from "./symmetric.js";
import * as account from "./storage-account.js";
import { bridgeSecondFactors } from "./storage-second-factor.js";
import * as sessions from "./storage-sessions.js";
import * as users from "./storage-users.js";
import * as verifications from "./storage-verifications.js";

/** What the storage adapter needs from the bridge. */
export interface BridgeStorageSettings {
  db: Db;
  usernames: boolean;
  /** Declared as `policy.requireEmailVerification`, for AuthSkill's signin. */
  requireEmailVerification: boolean;
  sessionExpiresInMs: number;
  /** Better Auth's secret(s), which encrypt the twoFactor plugin's secrets and backup codes. */
  keySecrets: KeySecrets;
  now: () => Date;
}

/**
 * An auth-skill `StorageAdapter` over Better Auth's tables (`user`, `account`, `session`, `verification`)
 * plus auth-skill's refresh-token table. See `storage-users.ts`, `storage-sessions.ts` and
 * `storage-verifications.ts` for the mapping. A session it stores is a Better Auth session with the same id
 * (`bridge.cookieFor(sessionId)` gives its cookie). Users carry the admin plugin's ban and the
 * twoFactor plugin's flag when those columns exist, and roles as the admin plugin's `role`, and `policy` declares `requireEmailVerification`: AuthSkill's
 * signin and refresh on this storage honour Better Auth's guards. `secondFactors` keeps TOTP and passkeys in Better
 * Auth's twoFactor and passkey plugin tables (see `storage-second-factor.ts`).
 */
export function bridgeStorage(settings: BridgeStorageSettings): StorageAdapter {
  const { db } = settings;
  const t = db.refresh;
  return {
    policy: Object.freeze({ requireEmailVerification: settings.requireEmailVerification }),
    createUser: (user) => run("createUser", () => users.createUser(settings, user), t),
    findUserById: (id) => run("findUserById", () => users.findUser(settings, "id", id), t),
    findUserByEmail: (email) => run("findUserByEmail", () => users.findUser(settings, "email", email), t),
    findUserByUsername: (username) => run("findUserByUsername", () => users.findUser(settings, "username", username), t),
    updateUser: (id, patch) => run("updateUser", () => users.updateUser(settings, id, patch), t),
    deleteUser: (userId) => run("deleteUser", () => account.deleteUser(db, userId), t),
    createSession: (session) => run("createSession", () => sessions.createSession(settings, session), t),
    findSession: (id) => run("findSession", () => sessions.findSession(settings, id), t),
    rotateSession: (input) => run("rotateSession", () => sessions.rotateSession(settings, input), t),
    revokeSession: (id, at) => run("revokeSession", () => sessions.revokeSession(settings, id, at), t),
    revokeUserSessions: (userId, at) => run("revokeUserSessions", () => sessions.revokeUserSessions(settings, userId, at), t),
    listUserSessions: (userId, now) => run("listUserSessions", () => account.listUserSessions(db, userId, now), t),
    createVerification: (record) => run("createVerification", () => verifications.createVerification(db, record), t),
    findVerification: (tokenHash, purpose) => run("findVerification", () => verifications.findVerification(db, tokenHash, purpose), t),
    consumeVerification: (tokenHash, purpose, now) => run("consumeVerification", () => verifications.consumeVerification(db, tokenHash, purpose, now), t),
    reserveVerificationAttempt: (userId, purpose, maxAttempts, now) =>
      run(
        "reserveVerificationAttempt",
        async () => {
          checkAttemptArgs(maxAttempts, now, "auth-skill/better-auth");
          return verifications.reserveVerificationAttempt(db, userId, purpose, maxAttempts, now);
        },
        t,
      ),
    secondFactors: bridgeSecondFactors({ db, keySecrets: settings.keySecrets, now: settings.now }),
    deleteExpired: (now, keepRevokedMs) => run("deleteExpired", () => sessions.deleteExpired(settings, now, keepRevokedMs), t),
  };
}
