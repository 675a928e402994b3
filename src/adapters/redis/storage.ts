import { AuthError } from "../../errors.js";
import type { CreateUserResult, DeletedCounts, SessionSummary, StorageAdapter, UpdateUserResult } from "../../storage/adapter.js";
import { checkAttemptArgs, newestFirst, sessionSummary } from "../../storage/memory.js";
import { accountScripts as account } from "./account-scripts.js";
import { checkClient, checkPrefix, scanKeys, scrubbed, type RedisClient } from "./client.js";
import { decodeSession, decodeUser, decodeVerification } from "./decode.js";
import { encodeSession, encodeUser, encodeVerification, fieldsOf, patchArgs, rotationPatch, userPatch } from "./codec.js";
import { storageKeys } from "./key-names.js";
import { storageScripts as lua } from "./scripts.js";
import { redisSecondFactors } from "./second-factor.js";

/**
 * Options of {@link redisStorage}.
 *
 * @example
 * ```ts
 * const options: RedisStorageOptions = { client: new Redis(url), prefix: "myapp:auth:" };
 * ```
 */
export interface RedisStorageOptions {
  /** An ioredis client (standalone or Sentinel), without `keyPrefix`. The adapter never closes it. */
  client: RedisClient;
  /** Starts every key, inside a `{...}` hash tag (default `"auth:"`, keys like `{auth:}session:<id>`). No braces. */
  prefix?: string | undefined;
  /**
   * The clock the records' dates are on: pass the `now` you give `AuthSkill` when you fake time in tests.
   * Keys expire `expiresAt - now()` after they are written. Default: the real clock, so a key expires
   * exactly at its record's `expiresAt` (PEXPIREAT), by the Redis server's clock.
   */
  now?: (() => Date) | undefined;
}

/** How often a script over keys read just before (a user's sessions, tokens, email) is retried when they keep changing. */
const REVOKE_ATTEMPTS = 10;

const tooBusy = (operation: string) => new Error(`auth-skill/redis: ${operation}: the user's records kept changing; try again`);

const ms = (at: Date) => {
  const t = at.getTime();
  if (!Number.isFinite(t)) throw new TypeError("auth-skill/redis: invalid date");
  return t;
};

/**
 * Users, sessions and single-use tokens in Redis, through ioredis. Every write is one Lua script, so
 * uniqueness, rotation, revocation and single-use consumption are atomic across any number of
 * instances. Session and verification keys expire at their records' `expiresAt`, so Redis drops ended
 * sessions itself; revoked sessions stay readable (with `revokedAt`) until then, or until
 * `deleteExpired` removes them. Users never expire, nor do second factors (`secondFactors`: TOTP enrolments,
 * recovery codes, passkeys), which `deleteUser` deletes with the user. Run the server with
 * `maxmemory-policy noeviction`: under an `allkeys-*` policy Redis may evict any key, a used TOTP step or a
 * recovery-code set among them.
 *
 * Redis Cluster: all keys of one prefix carry the hash tag `{prefix}` and live in one slot, so every
 * script's keys are declared and co-located; `deleteExpired` uses SCAN, which ioredis' `Cluster` does
 * not run on every node, so the supported client is a standalone or Sentinel `Redis`.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis"; // the named export: it compiles under node16 and bundler alike
 * import { AuthSkill } from "auth-skill";
 * import { redisStorage } from "auth-skill/redis";
 *
 * const storage = redisStorage({ client: new Redis(process.env.REDIS_URL!) });
 * const auth = new AuthSkill({ secret: process.env.AUTH_SECRET, storage });
 * // optional: revoked sessions are otherwise kept (readable) until their expiry
 * setInterval(() => void storage.deleteExpired(new Date(), 86_400_000), 3_600_000);
 * ```
 */
export function redisStorage(options: RedisStorageOptions): StorageAdapter {
  if (typeof options !== "object" || options === null) throw new AuthError("CONFIG_ERROR", "redisStorage: options are required");
  const { client, prefix = "auth:", now } = options;
  checkClient(client, "redisStorage");
  checkPrefix(prefix, "redisStorage");
  if (now !== undefined && typeof now !== "function") throw new AuthError("CONFIG_ERROR", "redisStorage: options.now must be a function");
  const keys = storageKeys(prefix);
  /** A record's expiry as a PEXPIREAT time on the real clock. */
  const expireAt = (expiresAt: Date) => ms(expiresAt) + (now ? Date.now() - ms(now()) : 0);
  const findUser = async (id: string | null) => (id === null ? null : decodeUser(await client.hgetall(keys.user(id))));
  /** Runs a token script over the token's key and its user's token index, the user id appended to `args`. */
  const tokenScript = async (name: "findVerification" | "consumeVerification", tokenHash: string, args: (string | number)[]) => {
    const key = keys.verification(tokenHash);
    for (let attempt = 0; attempt < REVOKE_ATTEMPTS; attempt++) {
      const userId = await client.hget(key, "userId"); // never changes for one hash: declared, then checked
      const scriptKeys = [key, ...(userId === null ? [] : [keys.userVerifications(userId)])];
      const reply = await account[name].run(client, scriptKeys, [...args, userId ?? ""]);
      if (reply !== "retry") return decodeVerification(fieldsOf(reply));
    }
    throw tooBusy(name);
  };

  const secondFactors = redisSecondFactors(client, keys);

  return scrubbed<StorageAdapter>({
    secondFactors,
    async createUser(user): Promise<CreateUserResult> {
      const indexes = [keys.email(user.email), ...(user.username !== null ? [keys.username(user.username)] : [])];
      const reply = await lua.createUser.run(client, [keys.user(user.id), ...indexes], [user.id, ...encodeUser(user)]);
      if (reply === "email" || reply === "username") return { ok: false, conflict: reply };
      return { ok: true, user: structuredClone(user) };
    },
    findUserById: (id) => findUser(id),
    findUserByEmail: async (email) => findUser(await client.get(keys.email(email))),
    findUserByUsername: async (username) => findUser(await client.get(keys.username(username))),
    async updateUser(id, patch): Promise<UpdateUserResult> {
      const args = patchArgs(userPatch(patch));
      for (let attempt = 0; attempt < REVOKE_ATTEMPTS; attempt++) {
        const old = patch.email === undefined ? null : await client.hget(keys.user(id), "email");
        const scriptKeys = [keys.user(id), ...(patch.email === undefined || old === null ? [] : [keys.email(patch.email), keys.email(old)])];
        const reply = await account.updateUser.run(client, scriptKeys, [id, patch.email ?? "", old ?? "", ...args]);
        if (reply === "missing") return { ok: false, reason: "not_found" };
        if (reply === "conflict") return { ok: false, reason: "conflict", conflict: "email" };
        if (reply === "retry") continue;
        return { ok: true, user: decodeUser(fieldsOf(reply))! };
      }
      throw tooBusy("updateUser");
    },
    async deleteUser(userId) {
      for (let attempt = 0; attempt < REVOKE_ATTEMPTS; attempt++) {
        // Read, then declared to the script, which checks nothing changed in between.
        const [[email, username], sessionIds, tokenFields, passkeyIds] = await Promise.all([
          client.hmget(keys.user(userId), "email", "username"),
          client.smembers(keys.userSessions(userId)),
          client.hkeys(keys.userVerifications(userId)),
          client.zrange(keys.userPasskeys(userId), 0, -1),
        ]);
        const tokenHashes = tokenFields.filter((f) => f.startsWith("t:")).map((f) => f.slice(2));
        if (email === null || email === undefined) return false;
        const scriptKeys = [
          keys.user(userId),
          keys.email(email),
          keys.username(username ?? ""),
          keys.userSessions(userId),
          keys.userVerifications(userId),
          keys.totp(userId),
          keys.recoveryCodes(userId),
          keys.userPasskeys(userId),
          ...sessionIds.map(keys.session),
          ...tokenHashes.map(keys.verification),
          ...passkeyIds.map(keys.passkey),
        ];
        const args = [userId, email, username ?? "", sessionIds.length, tokenHashes.length, ...sessionIds, ...tokenHashes, ...passkeyIds];
        const reply = await account.deleteUser.run(client, scriptKeys, args);
        if (reply !== "retry") return reply === 1;
      }
      throw tooBusy("deleteUser");
    },

    async createSession(session) {
      const sessionKeys = [keys.session(session.id), keys.userSessions(session.userId), keys.user(session.userId)];
      await lua.createSession.run(client, sessionKeys, [session.id, expireAt(session.expiresAt), ...encodeSession(session)]);
    },
    findSession: async (id) => decodeSession(await client.hgetall(keys.session(id))),
    async rotateSession({ id, generation, tokenHash, next }) {
      const args = [String(generation), tokenHash, ...patchArgs(rotationPatch(next))];
      return decodeSession(fieldsOf(await lua.rotateSession.run(client, [keys.session(id)], args)));
    },
    async revokeSession(id, at) {
      return (await lua.revokeSession.run(client, [keys.session(id)], [ms(at)])) === 1;
    },
    async revokeUserSessions(userId, at) {
      const set = keys.userSessions(userId);
      for (let attempt = 0; attempt < REVOKE_ATTEMPTS; attempt++) {
        const ids = await client.smembers(set);
        const revoked = Number(await lua.revokeUserSessions.run(client, [set, ...ids.map(keys.session)], [ms(at), ...ids]));
        if (revoked >= 0) return revoked;
      }
      throw new Error("auth-skill/redis: revokeUserSessions: new sessions kept appearing; try again");
    },
    async listUserSessions(userId, at) {
      const ids = await client.smembers(keys.userSessions(userId));
      const records = await Promise.all(ids.map(async (id) => decodeSession(await client.hgetall(keys.session(id)))));
      const live: SessionSummary[] = [];
      for (const s of records) if (s && s.userId === userId && s.revokedAt === null && s.expiresAt.getTime() > ms(at)) live.push(sessionSummary(s));
      return live.sort(newestFirst);
    },

    async createVerification(record) {
      const fields = encodeVerification(record);
      const own = keys.verification(record.tokenHash);
      const index = record.userId === null ? null : keys.userVerifications(record.userId);
      const older = index === null ? null : await client.hget(index, `p:${record.purpose}`);
      const scriptKeys = [own, ...(index === null ? [] : [index, ...(older === null ? [] : [keys.verification(older)])])];
      const args = [expireAt(record.expiresAt), record.purpose, older ?? "", record.tokenHash, ...fields];
      await account.createVerification.run(client, scriptKeys, args);
    },
    findVerification: (tokenHash, purpose) => tokenScript("findVerification", tokenHash, [purpose]),
    consumeVerification: (tokenHash, purpose, at) => tokenScript("consumeVerification", tokenHash, [purpose, ms(at)]),
    async reserveVerificationAttempt(userId, purpose, maxAttempts, at) {
      checkAttemptArgs(maxAttempts, at, "auth-skill/redis");
      const index = keys.userVerifications(userId);
      for (let attempt = 0; attempt < REVOKE_ATTEMPTS; attempt++) {
        const latest = await client.hget(index, `p:${purpose}`); // declared, then checked by the script
        const scriptKeys = [index, ...(latest === null ? [] : [keys.verification(latest)])];
        const reply = await account.reserveVerificationAttempt.run(client, scriptKeys, [purpose, latest ?? "", maxAttempts, ms(at), userId]);
        if (reply !== "retry") return reply === 1;
      }
      throw tooBusy("reserveVerificationAttempt");
    },

    async deleteExpired(at, keepRevokedMs = 0): Promise<DeletedCounts> {
      if (!Number.isFinite(keepRevokedMs) || keepRevokedMs < 0) throw new TypeError("deleteExpired: keepRevokedMs must be >= 0");
      const t = ms(at);
      const counts: DeletedCounts = { sessions: 0, verifications: 0 };
      const sum = (replies: unknown[]) => replies.reduce<number>((total, n) => total + Number(n), 0);
      await scanKeys(client, keys.patterns.userSessions, async (sets) => {
        const swept = await Promise.all(
          sets.map(async (set) => {
            const ids = await client.smembers(set);
            return lua.sweepSessions.run(client, [set, ...ids.map(keys.session)], [t, t - keepRevokedMs, ...ids]);
          }),
        );
        counts.sessions += sum(swept);
      });
      await scanKeys(client, keys.patterns.verifications, async (found) => {
        counts.verifications += sum(await Promise.all(found.map((key) => lua.sweepVerification.run(client, [key], [t]))));
      });
      return counts;
    },
  });
}
