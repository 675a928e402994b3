import type { UserRecord } from "./records.js";
import type { PasskeyRecord, SecondFactorStorage, TotpRecord } from "./second-factor.js";

/** {@link memorySecondFactors}' result: the operations, and `forget` for `deleteUser`. */
export interface MemorySecondFactors {
  operations: SecondFactorStorage;
  /** Drops everything of a user (their TOTP, recovery codes, passkeys). */
  forget(userId: string): void;
}

/**
 * The second-factor operations of `memoryStorage`, over its map of users (where `twoFactorEnabled` is kept). Each
 * operation runs to completion in one turn of the event loop: that makes the compare-and-sets atomic here.
 *
 * @example
 * ```ts
 * const factors = memorySecondFactors(users);
 * await factors.operations.findTotp(userId); // null
 * ```
 */
export function memorySecondFactors(users: Map<string, UserRecord>): MemorySecondFactors {
  const totps = new Map<string, Omit<TotpRecord, "recoveryCodes">>();
  const codes = new Map<string, Set<string>>();
  const passkeys = new Map<string, PasskeyRecord>();
  const setEnabled = (userId: string, on: boolean) => {
    const user = users.get(userId);
    if (user) user.twoFactorEnabled = on;
  };

  const operations: SecondFactorStorage = {
    async findTotp(userId) {
      const t = totps.get(userId);
      return t ? { ...structuredClone(t), recoveryCodes: t.secret === null ? 0 : (codes.get(userId)?.size ?? 0) } : null;
    },
    async setPendingTotp(userId, pendingSecret, now) {
      if (!users.has(userId)) return false;
      const t = totps.get(userId);
      if (t) Object.assign(t, { pendingSecret, updatedAt: new Date(now) });
      else totps.set(userId, { userId, secret: null, pendingSecret, lastStep: null, updatedAt: new Date(now) });
      return true;
    },
    async activateTotp({ userId, pendingSecret, step, recoveryCodes, now }) {
      const t = totps.get(userId);
      if (!t || t.pendingSecret === null || t.pendingSecret !== pendingSecret) return false;
      Object.assign(t, { secret: pendingSecret, pendingSecret: null, lastStep: step, updatedAt: new Date(now) });
      codes.set(userId, new Set(recoveryCodes));
      setEnabled(userId, true);
      return true;
    },
    async acceptTotpStep(userId, step) {
      const t = totps.get(userId);
      if (!t || t.secret === null || (t.lastStep !== null && t.lastStep >= step)) return false;
      t.lastStep = step;
      return true;
    },
    async deleteTotp(userId) {
      const had = totps.delete(userId);
      codes.delete(userId);
      setEnabled(userId, false);
      return had;
    },
    async replaceRecoveryCodes(userId, list, now) {
      const t = totps.get(userId);
      if (!t || t.secret === null) return false;
      codes.set(userId, new Set(list));
      t.updatedAt = new Date(now);
      return true;
    },
    consumeRecoveryCode: async (userId, code) => codes.get(userId)?.delete(code) ?? false,
    async createPasskey(record) {
      if (!users.has(record.userId)) throw new Error("no such user");
      if (passkeys.has(record.id)) return false;
      passkeys.set(record.id, structuredClone(record));
      return true;
    },
    findPasskey: async (id) => structuredClone(passkeys.get(id) ?? null),
    listPasskeys: async (userId) =>
      structuredClone([...passkeys.values()].filter((p) => p.userId === userId).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())),
    async updatePasskey(id, use) {
      const p = passkeys.get(id);
      if (!p) return false;
      Object.assign(p, { counter: use.counter, backedUp: use.backedUp, lastUsedAt: new Date(use.lastUsedAt) });
      return true;
    },
    async deletePasskey(userId, id) {
      if (passkeys.get(id)?.userId !== userId) return false;
      return passkeys.delete(id);
    },
  };
  const forget = (userId: string) => {
    totps.delete(userId);
    codes.delete(userId);
    for (const [id, p] of passkeys) if (p.userId === userId) passkeys.delete(id);
  };
  return { operations, forget };
}
