/**
 * The Lua scripts behind every write. Redis runs a script to completion before any other command, so
 * each one is a single atomic step. Redis does not roll a script back, so each one does all of its
 * checks before its first write: a refused or failing call writes nothing. Every key a script touches
 * is in KEYS, and all storage keys share the `{prefix}` hash tag (one Cluster slot).
 */
import { LuaScript } from "./client.js";

/** apply(key, i): ARGV[i] = n, ARGV[i+1 .. i+n] are field/value pairs to HSET, the rest are fields to HDEL. */
export const APPLY = `
local function apply(key, i)
  local n = tonumber(ARGV[i])
  if n > 0 then redis.call('HSET', key, unpack(ARGV, i + 1, i + n)) end
  if #ARGV > i + n then redis.call('HDEL', key, unpack(ARGV, i + n + 1)) end
end
`;

/**
 * The storage scripts, one per atomic operation.
 *
 * @example
 * ```ts
 * const live = await storageScripts.revokeSession.run(client, [keys.session(id)], [String(at.getTime())]);
 * ```
 */
export const storageScripts = {
  /**
   * KEYS: user hash, email index, [username index]. ARGV: user id, the user's field/value pairs.
   * Check-and-set of both indexes and the record in one step: of concurrent creates with one email
   * (or username) exactly one returns 'ok'; the others return the taken index's name.
   */
  createUser: new LuaScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 'email' end
if KEYS[3] and redis.call('EXISTS', KEYS[3]) == 1 then return 'username' end
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.error_reply('auth-skill: duplicate user id') end
redis.call('SET', KEYS[2], ARGV[1])
if KEYS[3] then redis.call('SET', KEYS[3], ARGV[1]) end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 'ok'`),

  /**
   * KEYS: session hash, the user's session-id set, the user hash. ARGV: session id, expire-at (ms), field/value
   * pairs. Writes the session, expires it at its absolute expiry, and adds it to the user's set, which is kept
   * alive as long as the user's longest session. A duplicate id, or a user that does not exist (deleted
   * meanwhile), is an error (nothing is written).
   */
  createSession: new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.error_reply('auth-skill: duplicate session id') end
if redis.call('EXISTS', KEYS[3]) == 0 then return redis.error_reply('auth-skill: no such user') end
local at = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIREAT', KEYS[1], at)
redis.call('SADD', KEYS[2], ARGV[1])
local ttl = redis.call('PTTL', KEYS[2])
local t = redis.call('TIME')
if ttl == -1 or t[1] * 1000 + math.floor(t[2] / 1000) + ttl < at then redis.call('PEXPIREAT', KEYS[2], at) end
return 1`),

  /**
   * KEYS: session hash. ARGV: expected generation, expected token hash, the patch of `next`.
   * Compare-and-set: only an existing, unrevoked session still at that generation and hash is updated
   * (generation + 1) and returned; otherwise nil. Hash writes keep the key's expiry (no KEEPTTL needed).
   */
  rotateSession: new LuaScript(`${APPLY}
local s = redis.call('HMGET', KEYS[1], 'generation', 'tokenHash', 'revokedAt')
if s[1] ~= ARGV[1] or s[2] ~= ARGV[2] or s[3] then return nil end
apply(KEYS[1], 3)
redis.call('HINCRBY', KEYS[1], 'generation', 1)
return redis.call('HGETALL', KEYS[1])`),

  /** KEYS: session hash. ARGV: revoked-at (ms). Revokes a live session and drops its successor: 1, else 0. */
  revokeSession: new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'revokedAt') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'revokedAt', ARGV[1])
redis.call('HDEL', KEYS[1], 'successor')
return 1`),

  /**
   * KEYS: the user's session-id set, then the session hash of each id read from it just before.
   * ARGV: revoked-at (ms), then those ids in the same order (ARGV[i] names KEYS[i]).
   * All or nothing: if the set holds an id the caller did not declare (a session created in between), it
   * returns -1 without writing and the caller reads again. Otherwise it revokes every live session,
   * removes ids whose hash is gone (expired), and returns how many it revoked.
   */
  revokeUserSessions: new LuaScript(`
local declared = {}
for i = 2, #ARGV do declared[ARGV[i]] = true end
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if not declared[id] then return -1 end
end
local n = 0
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then
    redis.call('SREM', KEYS[1], ARGV[i])
  elseif redis.call('HEXISTS', KEYS[i], 'revokedAt') == 0 then
    redis.call('HSET', KEYS[i], 'revokedAt', ARGV[1])
    redis.call('HDEL', KEYS[i], 'successor')
    n = n + 1
  end
end
return n`),

  /**
   * KEYS: a user's session-id set, then the session hashes of ids read from it. ARGV: now (ms),
   * revoked-before (ms), then the ids (ARGV[i + 1] names KEYS[i]). Deletes sessions that expired before
   * now or were revoked before revoked-before, removes ids whose hash is gone, deletes the set once
   * empty; returns how many sessions it deleted.
   */
  sweepSessions: new LuaScript(`
local now, cutoff, n = tonumber(ARGV[1]), tonumber(ARGV[2]), 0
for i = 2, #KEYS do
  local s = redis.call('HMGET', KEYS[i], 'expiresAt', 'revokedAt')
  if not s[1] then
    redis.call('SREM', KEYS[1], ARGV[i + 1])
  elseif tonumber(s[1]) < now or (s[2] and tonumber(s[2]) < cutoff) then
    redis.call('DEL', KEYS[i])
    redis.call('SREM', KEYS[1], ARGV[i + 1])
    n = n + 1
  end
end
if redis.call('SCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1]) end
return n`),

  /** KEYS: verification hash. ARGV: now (ms). Deletes it if it expired before now: 1, else 0. */
  sweepVerification: new LuaScript(`
local e = redis.call('HGET', KEYS[1], 'expiresAt')
if e and tonumber(e) < tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) return 1 end
return 0`),
};

/**
 * The rate-limit scripts (one key each, so counters spread over a Cluster).
 *
 * @example
 * ```ts
 * const [ok, count, msLeft] = (await rateLimitScripts.reserve.run(client, [key], [max, windowMs])) as number[];
 * ```
 */
export const rateLimitScripts = {
  /**
   * KEYS: counter. ARGV: max, window (ms). A reservation in a fixed window starting at the first counted
   * attempt: below max, INCR (and PEXPIRE when the counter is new or has somehow lost its expiry) and
   * return {1, count, ms left}; at max, write nothing and return {0, count, ms left}. One script, so of N
   * concurrent calls exactly max - count succeed.
   */
  reserve: new LuaScript(`
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
local window = tonumber(ARGV[2])
if count >= tonumber(ARGV[1]) then
  if ttl < 0 then ttl = window end
  return {0, count, ttl}
end
count = redis.call('INCR', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], window)
  ttl = window
end
return {1, count, ttl}`),

  /** KEYS: counter. Gives one reservation back: DECR (the expiry stays), DEL at 0; a missing counter is left alone. */
  refund: new LuaScript(`
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 1 then redis.call('DECR', KEYS[1]) elseif count == 1 then redis.call('DEL', KEYS[1]) end
return 1`),
};
