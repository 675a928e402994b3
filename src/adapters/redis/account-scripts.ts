/**
 * The Lua scripts of the account-lifecycle writes (see scripts.ts for the rules every script keeps: all keys
 * declared, every check before the first write). Scripts that act on keys named by data the caller read just
 * before (a user's sessions, tokens or email) check that data again and answer 'retry' when it changed, so
 * the caller reads again: what they declare is what they change.
 */
import { LuaScript } from "./client.js";
import { APPLY } from "./scripts.js";

/** Extends a key's expiry to at least `at` (ms, ARGV index), never shortening it; for index keys. */
const KEEP_ALIVE = `
local function keepAlive(key, at)
  local ttl = redis.call('PTTL', key)
  local t = redis.call('TIME')
  if ttl == -1 or t[1] * 1000 + math.floor(t[2] / 1000) + ttl < at then redis.call('PEXPIREAT', key, at) end
end
`;

/**
 * voided(index, purpose, hash): whether a newer token of the user and purpose has voided this one — the index's
 * `p:<purpose>` names another token. Absent (a token stored before the index existed, the index gone with the
 * user): not voided.
 */
const VOIDED = `
local function voided(index, purpose, hash)
  local latest = redis.call('HGET', index, 'p:' .. purpose)
  return latest ~= false and latest ~= hash
end
`;

/**
 * The account scripts.
 *
 * @example
 * ```ts
 * const reply = await accountScripts.updateUser.run(client, [keys.user(id)], [id, "", "", ...patchArgs(patch)]);
 * ```
 */
export const accountScripts = {
  /**
   * KEYS: user hash, [new email index, old email index]. ARGV: user id, new email ('' when the patch keeps
   * it), the email the caller read, then a patch (see APPLY). 'missing' for an unknown user; with a new email:
   * 'retry' when the stored email is no longer the one read, 'conflict' when another user holds the new one
   * (nothing written); otherwise moves the index, applies the patch and returns the user's fields.
   */
  updateUser: new LuaScript(`${APPLY}
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
local id, newEmail, oldEmail = ARGV[1], ARGV[2], ARGV[3]
if newEmail ~= '' then
  if redis.call('HGET', KEYS[1], 'email') ~= oldEmail then return 'retry' end
  if newEmail ~= oldEmail then
    if redis.call('EXISTS', KEYS[2]) == 1 then return 'conflict' end
    redis.call('SET', KEYS[2], id)
    if redis.call('GET', KEYS[3]) == id then redis.call('DEL', KEYS[3]) end
  end
end
apply(KEYS[1], 4)
return redis.call('HGETALL', KEYS[1])`),

  /**
   * KEYS: user hash, email index, username index (any key when the user has none), the user's session-id set,
   * the user's token index, TOTP hash, recovery-code set and passkey index, then the session hashes, token
   * hashes and passkey hashes read just before. ARGV: user id, email, username ('' for none), the number of
   * session ids, the number of token hashes, the session ids, the token hashes, then the passkey ids.
   * 0 for an unknown user; 'retry' when the email, username, session set, token index or passkey index holds
   * anything the caller did not declare; otherwise deletes everything and returns 1. createPasskey refuses a
   * user that no longer exists, so no passkey of the user can appear once this has run.
   */
  deleteUser: new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local id, email, username, ns, nt = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('HGET', KEYS[1], 'email') ~= email then return 'retry' end
if (redis.call('HGET', KEYS[1], 'username') or '') ~= username then return 'retry' end
local sessions, tokens, passkeys = {}, {}, {}
for i = 6, 5 + ns do sessions[ARGV[i]] = true end
for i = 6 + ns, 5 + ns + nt do tokens['t:' .. ARGV[i]] = true end
for i = 6 + ns + nt, #ARGV do passkeys[ARGV[i]] = true end
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  if not sessions[sid] then return 'retry' end
end
for _, field in ipairs(redis.call('HKEYS', KEYS[5])) do
  if string.sub(field, 1, 2) == 't:' and not tokens[field] then return 'retry' end
end
for _, pid in ipairs(redis.call('ZRANGE', KEYS[8], 0, -1)) do
  if not passkeys[pid] then return 'retry' end
end
for i = 9, #KEYS do redis.call('DEL', KEYS[i]) end
redis.call('DEL', KEYS[1], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8])
if redis.call('GET', KEYS[2]) == id then redis.call('DEL', KEYS[2]) end
if username ~= '' and redis.call('GET', KEYS[3]) == id then redis.call('DEL', KEYS[3]) end
return 1`),

  /**
   * KEYS: verification hash, [the user's token index, the verification hash of the user's latest token of this
   * purpose as read just before]. ARGV: expire-at (ms), purpose, that token's hash ('' for none), this token's
   * hash, then field/value pairs. The index holds `p:<purpose>` -> the latest token's hash (every older one of
   * the purpose is void: consumeVerification and findVerification refuse it; it stays once that token is
   * consumed, so the older ones never come back) and `t:<hash>` for each of the user's tokens (what
   * deleteUser deletes). The older token read is deleted when the index still names it (otherwise it is void
   * all the same and expires); the index lives as long as the user's longest token. A duplicate hash is an error.
   */
  createVerification: new LuaScript(`${KEEP_ALIVE}
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.error_reply('auth-skill: duplicate verification token hash') end
local at = tonumber(ARGV[1])
if KEYS[2] then
  local current = redis.call('HGET', KEYS[2], 'p:' .. ARGV[2])
  if KEYS[3] and current == ARGV[3] then
    redis.call('DEL', KEYS[3])
    redis.call('HDEL', KEYS[2], 't:' .. ARGV[3])
  end
  redis.call('HSET', KEYS[2], 'p:' .. ARGV[2], ARGV[4], 't:' .. ARGV[4], '1')
  keepAlive(KEYS[2], at)
end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('PEXPIREAT', KEYS[1], at)
return 1`),

  /**
   * KEYS: verification hash, [the token index of the user the record names, as read just before]. ARGV:
   * purpose, now (ms), that user id ('' for none). Get + check + delete in one step: of concurrent callers
   * exactly one receives the record. Another purpose leaves it in place (nil); an expired one, or one a newer
   * token of its user and purpose voided, is deleted and yields nil. A record whose user differs from the one
   * declared (only possible if the key was replaced meanwhile) yields 'retry'. The index keeps naming the token
   * taken, so tokens it voided stay void.
   */
  consumeVerification: new LuaScript(`${VOIDED}
if redis.call('HGET', KEYS[1], 'purpose') ~= ARGV[1] then return nil end
if (redis.call('HGET', KEYS[1], 'userId') or '') ~= ARGV[3] then return 'retry' end
local expires = tonumber(redis.call('HGET', KEYS[1], 'expiresAt'))
local hash = redis.call('HGET', KEYS[1], 'tokenHash')
local record = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
local void = KEYS[2] and voided(KEYS[2], ARGV[1], hash)
if KEYS[2] then redis.call('HDEL', KEYS[2], 't:' .. hash) end
if expires > tonumber(ARGV[2]) and not void then return record end
return nil`),

  /**
   * KEYS and checks as consumeVerification (ARGV: purpose, the declared user id), but read-only and blind to
   * expiry: the record's fields, or nil when it is missing, of another purpose or voided. One script, so the
   * record and the index are read at one instant and judged exactly as consumeVerification would judge them.
   */
  findVerification: new LuaScript(`${VOIDED}
if redis.call('HGET', KEYS[1], 'purpose') ~= ARGV[1] then return nil end
if (redis.call('HGET', KEYS[1], 'userId') or '') ~= ARGV[2] then return 'retry' end
if KEYS[2] and voided(KEYS[2], ARGV[1], redis.call('HGET', KEYS[1], 'tokenHash')) then return nil end
return redis.call('HGETALL', KEYS[1])`),

  /**
   * KEYS: the user's token index, [the verification hash its `p:<purpose>` named when read just before]. ARGV:
   * purpose, that token's hash ('' for none), max attempts, now (ms), user id. 'retry' when the index names another
   * token now; 0 when there is none (or it is gone: consumed, expired by Redis). A record of the user and purpose
   * that is unexpired at now with fewer than max attempts gets HINCRBY attempts 1 and 1 is returned; otherwise 0 and
   * nothing changes (a spent record stays, void, for an attempt granted before to spend; Redis expires it).
   * One script: of N concurrent callers exactly the attempts left get 1.
   */
  reserveVerificationAttempt: new LuaScript(`
if (redis.call('HGET', KEYS[1], 'p:' .. ARGV[1]) or '') ~= ARGV[2] then return 'retry' end
if not KEYS[2] then return 0 end
local f = redis.call('HMGET', KEYS[2], 'userId', 'purpose', 'expiresAt', 'attempts')
if not f[3] or f[1] ~= ARGV[5] or f[2] ~= ARGV[1] then return 0 end
if tonumber(f[3]) > tonumber(ARGV[4]) and tonumber(f[4] or '0') < tonumber(ARGV[3]) then
  redis.call('HINCRBY', KEYS[2], 'attempts', 1)
  return 1
end
return 0`),
};
