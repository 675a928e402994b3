/**
 * The key layout of `redisStorage`. Every key starts with the hash tag `{prefix}`, so a Redis Cluster
 * keeps all of one prefix's keys in one slot and multi-key scripts stay legal there.
 *
 * | key                              | type   | holds                                   | expires                     |
 * | -------------------------------- | ------ | --------------------------------------- | --------------------------- |
 * | `{prefix}user:<id>`              | hash   | a user record                           | never                       |
 * | `{prefix}email:<email>`          | string | the user id with this email             | never                       |
 * | `{prefix}username:<username>`    | string | the user id with this username          | never                       |
 * | `{prefix}session:<id>`           | hash   | a session record                        | at the session's expiresAt  |
 * | `{prefix}user-sessions:<userId>` | set    | ids of the user's sessions              | with the user's last session |
 * | `{prefix}verification:<hash>`    | hash   | a single-use token record, by tokenHash | at the token's expiresAt    |
 * | `{prefix}user-verifications:<userId>` | hash | purpose -> tokenHash of the user's latest token | with the user's last token |
 * | `{prefix}totp:<userId>`          | hash   | the user's TOTP enrolment               | never                       |
 * | `{prefix}recovery-codes:<userId>` | set   | keyed hashes of the user's recovery codes | never                     |
 * | `{prefix}passkey:<id>`           | hash   | a passkey, by credential id             | never                       |
 * | `{prefix}user-passkeys:<userId>` | zset   | ids of the user's passkeys, scored by createdAt (ms) | never          |
 *
 * Second-factor keys never expire: they guard accounts, so none may be dropped by expiry (see the docs on
 * `maxmemory-policy`).
 */
import { globEscape } from "./client.js";

/**
 * The key names of one storage prefix.
 *
 * @example
 * ```ts
 * const keys: StorageKeys = storageKeys("auth:");
 * keys.userSessions("u1"); // "{auth:}user-sessions:u1"
 * ```
 */
export interface StorageKeys {
  /** `{prefix}`: the hash tag every key starts with. */
  tag: string;
  user(id: string): string;
  email(email: string): string;
  username(username: string): string;
  session(id: string): string;
  userSessions(userId: string): string;
  verification(tokenHash: string): string;
  /** The user's latest single-use token per purpose (purpose -> tokenHash), so a new one voids the older. */
  userVerifications(userId: string): string;
  /** The user's TOTP enrolment (a hash). */
  totp(userId: string): string;
  /** The user's recovery codes (a set of keyed hashes). */
  recoveryCodes(userId: string): string;
  /** A passkey by credential id (a hash). */
  passkey(id: string): string;
  /** The ids of the user's passkeys (a sorted set scored by createdAt in ms: oldest first). */
  userPasskeys(userId: string): string;
  /** SCAN MATCH patterns for the kinds `deleteExpired` walks. */
  patterns: { userSessions: string; verifications: string };
}

/**
 * The key names for `prefix` (already validated: non-empty, no braces).
 *
 * @example
 * ```ts
 * storageKeys("auth:").session("q0E8c1aQ"); // "{auth:}session:q0E8c1aQ"
 * ```
 */
export function storageKeys(prefix: string): StorageKeys {
  const tag = `{${prefix}}`;
  return {
    tag,
    user: (id) => `${tag}user:${id}`,
    email: (email) => `${tag}email:${email}`,
    username: (username) => `${tag}username:${username}`,
    session: (id) => `${tag}session:${id}`,
    userSessions: (userId) => `${tag}user-sessions:${userId}`,
    verification: (tokenHash) => `${tag}verification:${tokenHash}`,
    userVerifications: (userId) => `${tag}user-verifications:${userId}`,
    totp: (userId) => `${tag}totp:${userId}`,
    recoveryCodes: (userId) => `${tag}recovery-codes:${userId}`,
    passkey: (id) => `${tag}passkey:${id}`,
    userPasskeys: (userId) => `${tag}user-passkeys:${userId}`,
    patterns: { userSessions: `${globEscape(tag)}user-sessions:*`, verifications: `${globEscape(tag)}verification:*` },
  };
}
