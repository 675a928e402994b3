import type { SecondFactorStorage } from "../../storage/second-factor.js";
import { scrubbed, type RedisClient } from "./client.js";
import { fieldsOf } from "./codec.js";
import type { StorageKeys } from "./key-names.js";
import { codesArgs, counterArg, decodePasskey, decodeTotp, encodePasskey, msOf, stepArg } from "./second-factor-codec.js";
import { secondFactorScripts as lua } from "./second-factor-scripts.js";

/**
 * The second-factor operations of `redisStorage` (its `secondFactors`). Every write is one Lua script, so the
 * compare-and-sets (activation, a time step, a recovery code, a new credential id) have exactly one winner across
 * any number of instances. A user's TOTP enrolment is the hash `{p}totp:<userId>`, their recovery codes the set
 * `{p}recovery-codes:<userId>` (keyed hashes; SREM takes one), a passkey the hash `{p}passkey:<id>`, indexed by
 * `{p}user-passkeys:<userId>` (a sorted set scored by createdAt). None of these keys expires. The user hash's
 * `twoFactorEnabled` field is set ("1") by activateTotp and cleared ("0") by deleteTotp in the same script;
 * `deleteUser` deletes all of them in its own script. Failures carry no argument values (see `scrubbed`).
 *
 * @example
 * ```ts
 * const factors = redisSecondFactors(client, storageKeys("auth:"));
 * await factors.acceptTotpStep(userId, 59_000_000); // true once, then false
 * ```
 */
export function redisSecondFactors(client: RedisClient, keys: StorageKeys): SecondFactorStorage {
  const run = async (script: keyof typeof lua, scriptKeys: string[], args: (string | number)[]) => (await lua[script].run(client, scriptKeys, args)) === 1;

  return scrubbed<SecondFactorStorage>({
    async findTotp(userId) {
      const reply = await lua.findTotp.run(client, [keys.totp(userId), keys.recoveryCodes(userId)], []);
      const [fields, count] = Array.isArray(reply) ? reply : [];
      return decodeTotp(fieldsOf(fields), Number(count ?? 0));
    },
    async setPendingTotp(userId, pendingSecret, now) {
      return run("setPendingTotp", [keys.user(userId), keys.totp(userId)], [userId, pendingSecret, msOf(now, "now")]);
    },
    async activateTotp({ userId, pendingSecret, step, recoveryCodes, now }) {
      const args = [pendingSecret, stepArg(step), msOf(now, "now"), ...codesArgs(recoveryCodes)];
      return run("activateTotp", [keys.totp(userId), keys.recoveryCodes(userId), keys.user(userId)], args);
    },
    async acceptTotpStep(userId, step) {
      return run("acceptTotpStep", [keys.totp(userId)], [stepArg(step)]);
    },
    async deleteTotp(userId) {
      return run("deleteTotp", [keys.totp(userId), keys.recoveryCodes(userId), keys.user(userId)], []);
    },
    async replaceRecoveryCodes(userId, codes, now) {
      const args = [msOf(now, "now"), ...codesArgs(codes)];
      return run("replaceRecoveryCodes", [keys.totp(userId), keys.recoveryCodes(userId)], args);
    },
    async consumeRecoveryCode(userId, code) {
      return (await client.srem(keys.recoveryCodes(userId), code)) === 1; // one command: exactly one caller removes it
    },

    async createPasskey(record) {
      const fields = encodePasskey(record);
      const scriptKeys = [keys.passkey(record.id), keys.userPasskeys(record.userId), keys.user(record.userId)];
      return run("createPasskey", scriptKeys, [record.id, msOf(record.createdAt, "createdAt"), ...fields]);
    },
    findPasskey: async (id) => decodePasskey(await client.hgetall(keys.passkey(id))),
    async listPasskeys(userId) {
      const ids = await client.zrange(keys.userPasskeys(userId), 0, -1); // by createdAt: oldest first
      if (ids.length === 0) return [];
      const pipeline = client.pipeline();
      for (const id of ids) pipeline.hgetall(keys.passkey(id));
      const replies = (await pipeline.exec()) ?? [];
      const found = [];
      for (const [err, fields] of replies) {
        if (err) throw err;
        const passkey = decodePasskey(fields as Record<string, string>);
        if (passkey !== null && passkey.userId === userId) found.push(passkey); // deleted meanwhile: left out
      }
      return found;
    },
    async updatePasskey(id, use) {
      const args = [counterArg(use.counter), use.backedUp ? "1" : "0", msOf(use.lastUsedAt, "lastUsedAt")];
      return run("updatePasskey", [keys.passkey(id)], args);
    },
    async deletePasskey(userId, id) {
      return run("deletePasskey", [keys.passkey(id), keys.userPasskeys(userId)], [userId, id]);
    },
  });
}
