/**
 * The Lua scripts of the second-factor operations (see scripts.ts for the rules every script keeps: all keys
 * declared, every check before the first write, so a refused call writes nothing). Steps and counters arrive as
 * decimal strings and are stored as given; Lua compares them as doubles, exact for integers below 2^53.
 */
import { LuaScript } from "./client.js";

/** sadd(key, from): SADD ARGV[from ..] to key, in slices that stay within Lua's unpack limit. */
const SADD = `
local function sadd(key, from)
  for i = from, #ARGV, 1000 do redis.call('SADD', key, unpack(ARGV, i, math.min(i + 999, #ARGV))) end
end
`;

/**
 * The second-factor scripts.
 *
 * @example
 * ```ts
 * const ok = (await secondFactorScripts.acceptTotpStep.run(client, [keys.totp(userId)], ["59000000"])) === 1;
 * ```
 */
export const secondFactorScripts = {
  /** KEYS: TOTP hash, recovery-code set. Read-only: the hash's fields and the set's size, at one instant. */
  findTotp: new LuaScript(`return {redis.call('HGETALL', KEYS[1]), redis.call('SCARD', KEYS[2])}`),

  /**
   * KEYS: user hash, TOTP hash. ARGV: user id, pending secret, now (ms). 0 for a user that does not exist
   * (deleted meanwhile: nothing written); otherwise sets `pendingSecret` (the confirmed secret, step and codes
   * stay) and returns 1.
   */
  setPendingTotp: new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], 'userId', ARGV[1], 'pendingSecret', ARGV[2], 'updatedAt', ARGV[3])
return 1`),

  /**
   * KEYS: TOTP hash, recovery-code set, user hash. ARGV: the pending secret confirmed, step, now (ms), then the
   * new recovery codes. Compare-and-set: only while `pendingSecret` is that secret (and the user exists) it
   * becomes `secret`, `lastStep` becomes step, the codes replace the old set, the user's `twoFactorEnabled`
   * becomes "1", and 1 is returned; otherwise 0 and nothing changes. Of concurrent calls exactly one sees the
   * pending secret.
   */
  activateTotp: new LuaScript(`${SADD}
local pending = redis.call('HGET', KEYS[1], 'pendingSecret')
if pending ~= ARGV[1] or redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'secret', pending, 'lastStep', ARGV[2], 'updatedAt', ARGV[3])
redis.call('HDEL', KEYS[1], 'pendingSecret')
redis.call('DEL', KEYS[2])
sadd(KEYS[2], 4)
redis.call('HSET', KEYS[3], 'twoFactorEnabled', '1')
return 1`),

  /**
   * KEYS: TOTP hash. ARGV: step. With a confirmed secret and no `lastStep` or a lower one, sets `lastStep` to step
   * and returns 1; otherwise 0. A stored step that is not a number is an error (never accepted).
   */
  acceptTotpStep: new LuaScript(`
local f = redis.call('HMGET', KEYS[1], 'secret', 'lastStep')
if not f[1] then return 0 end
local step = tonumber(ARGV[1])
if f[2] then
  local last = tonumber(f[2])
  if not last then return redis.error_reply('auth-skill: stored lastStep is not a number') end
  if last >= step then return 0 end
end
redis.call('HSET', KEYS[1], 'lastStep', ARGV[1])
return 1`),

  /**
   * KEYS: TOTP hash, recovery-code set, user hash. Deletes the enrolment and the codes, sets the user's
   * `twoFactorEnabled` to "0" when the user exists, and returns whether there was an enrolment.
   */
  deleteTotp: new LuaScript(`
local had = redis.call('EXISTS', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2])
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('HSET', KEYS[3], 'twoFactorEnabled', '0') end
return had`),

  /**
   * KEYS: TOTP hash, recovery-code set. ARGV: now (ms), then the new codes. With a confirmed secret, replaces the
   * set (the old codes are gone when it returns) and returns 1; otherwise 0 and nothing changes.
   */
  replaceRecoveryCodes: new LuaScript(`${SADD}
if redis.call('HEXISTS', KEYS[1], 'secret') == 0 then return 0 end
redis.call('DEL', KEYS[2])
sadd(KEYS[2], 2)
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[1])
return 1`),

  /**
   * KEYS: passkey hash, the user's passkey index, user hash. ARGV: credential id, createdAt (ms), field/value
   * pairs. A user that does not exist (deleted meanwhile) is an error, so no passkey of a deleted user can be
   * written after deleteUser ran; an existing id (any user's) returns 0; otherwise writes the hash, indexes the
   * id by createdAt and returns 1.
   */
  createPasskey: new LuaScript(`
if redis.call('EXISTS', KEYS[3]) == 0 then return redis.error_reply('auth-skill: no such user') end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1`),

  /** KEYS: passkey hash. ARGV: counter, backedUp ("1"/"0"), lastUsedAt (ms). 0 when it is gone, else sets them: 1. */
  updatePasskey: new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'counter', ARGV[1], 'backedUp', ARGV[2], 'lastUsedAt', ARGV[3])
return 1`),

  /**
   * KEYS: passkey hash, the caller's passkey index. ARGV: user id, credential id. Deletes the passkey only when it
   * belongs to that user (another user's is never touched): 1, else 0.
   */
  deletePasskey: new LuaScript(`
if redis.call('HGET', KEYS[1], 'userId') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1`),
};
