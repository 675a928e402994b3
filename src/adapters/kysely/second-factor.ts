import type { Kysely } from "kysely";
import type { SecondFactorStorage } from "../../storage/second-factor.js";
import type { AccountContext } from "./account.js";
import { millis } from "./rows.js";
import type { Tables } from "./schema.js";
import { uniqueViolation } from "./errors.js";
import { counterValue, passkeyRow, stepValue, toPasskey, toTotp } from "./second-factor-rows.js";

/** What the second-factor operations need: the account context (tables, dialect, flag writer) and the adapter's error wrapper. */
export interface SecondFactorContext extends AccountContext {
  /** Runs `body` as the adapter method `operation`: retries deadlock victims, scrubs driver errors. */
  run: <T>(operation: string, body: () => Promise<T>) => Promise<T>;
}

/**
 * The Kysely adapter's {@link SecondFactorStorage}. Reads are one indexed SELECT; `acceptTotpStep` is one conditional
 * UPDATE and `consumeRecoveryCode` one DELETE, each deciding its one winner by the rows it affected; the writes that
 * touch several rows (enrolment, activation, codes, deletion) are one transaction that first locks the user's row
 * (as `deleteUser` does), so they queue per user in one lock order. `users.two_factor_enabled` is set in the
 * transaction that activates or deletes the TOTP enrolment.
 *
 * @example
 * ```ts
 * const factors = kyselySecondFactors(ctx);
 * await factors.acceptTotpStep(userId, 59_000_000); // true once
 * ```
 */
export function kyselySecondFactors(c: SecondFactorContext): SecondFactorStorage {
  const { db, run, users, totp, recoveryCodes, passkeys, writeFlag } = c;

  /** Inside a transaction: whether the user exists, their row locked (SQLite: the write transaction is the lock). */
  // PostgreSQL `FOR NO KEY UPDATE` (which foreign-key checks do not wait for), MySQL `FOR UPDATE`, as deleteUser locks
  const lockedUser = async (trx: Kysely<Tables>, userId: string): Promise<boolean> => {
    const select = trx.selectFrom(users).select("id").where("id", "=", userId);
    const locked = c.dialect === "postgres" ? select.forNoKeyUpdate() : c.dialect === "mysql" ? select.forUpdate() : select;
    return (await locked.executeTakeFirst()) !== undefined;
  };
  const insertCodes = async (trx: Kysely<Tables>, userId: string, codes: readonly string[], now: number) => {
    const unique = [...new Set(codes)];
    if (unique.length > 0)
      await trx
        .insertInto(recoveryCodes)
        .values(unique.map((code_hash) => ({ user_id: userId, code_hash, created_at: now })))
        .execute();
  };
  const setEnabled = (trx: Kysely<Tables>, userId: string, on: boolean) =>
    trx
      .updateTable(users)
      .set({ two_factor_enabled: writeFlag(on) })
      .where("id", "=", userId)
      .execute();

  return {
    /** One SELECT by primary key, with the count of the user's codes as a subquery. */
    findTotp: (userId) =>
      run("findTotp", async () => {
        const row = await db
          .selectFrom(totp)
          .selectAll()
          .select((eb) => eb.selectFrom(recoveryCodes).select(eb.fn.countAll().as("n")).where("user_id", "=", userId).as("codes"))
          .where("user_id", "=", userId)
          .executeTakeFirst();
        return row ? toTotp(row, Number(row.codes ?? 0)) : null;
      }),

    /** A transaction: the user's row locked (absent: `false`), then an upsert of the pending secret only. */
    setPendingTotp: (userId, pendingSecret, now) =>
      run("setPendingTotp", () => {
        const at = millis(now);
        return db.transaction().execute(async (trx) => {
          if (!(await lockedUser(trx, userId))) return false;
          const insert = trx.insertInto(totp).values({ user_id: userId, secret: null, pending_secret: pendingSecret, last_step: null, updated_at: at });
          await (c.dialect === "mysql"
            ? insert.onDuplicateKeyUpdate({ pending_secret: pendingSecret, updated_at: at })
            : insert.onConflict((oc) => oc.column("user_id").doUpdateSet({ pending_secret: pendingSecret, updated_at: at }))
          ).execute();
          return true;
        });
      }),

    /**
     * A transaction: the user's row locked, then the compare-and-set (`UPDATE ... WHERE pending_secret = ?`, one row
     * affected or nothing is written), the codes replaced and the user's flag set.
     */
    activateTotp: ({ userId, pendingSecret, step, recoveryCodes: codes, now }) =>
      run("activateTotp", () => {
        const at = millis(now);
        const lastStep = stepValue(step);
        return db.transaction().execute(async (trx) => {
          if (!(await lockedUser(trx, userId))) return false;
          const updated = await trx
            .updateTable(totp)
            .set({ secret: pendingSecret, pending_secret: null, last_step: lastStep, updated_at: at })
            .where("user_id", "=", userId)
            .where("pending_secret", "=", pendingSecret)
            .executeTakeFirst();
          if (Number(updated.numUpdatedRows) !== 1) return false;
          await trx.deleteFrom(recoveryCodes).where("user_id", "=", userId).execute();
          await insertCodes(trx, userId, codes, at);
          await setEnabled(trx, userId, true);
          return true;
        });
      }),

    /** One conditional UPDATE (`... WHERE secret IS NOT NULL AND (last_step IS NULL OR last_step < step)`). */
    acceptTotpStep: (userId, step) =>
      run("acceptTotpStep", async () => {
        const value = stepValue(step);
        const updated = await db
          .updateTable(totp)
          .set({ last_step: value })
          .where("user_id", "=", userId)
          .where("secret", "is not", null)
          .where((eb) => eb.or([eb("last_step", "is", null), eb("last_step", "<", value)]))
          .executeTakeFirst();
        return Number(updated.numUpdatedRows) === 1;
      }),

    /** A transaction: the user's row locked, their codes and enrolment deleted, the flag cleared. */
    deleteTotp: (userId) =>
      run("deleteTotp", () =>
        db.transaction().execute(async (trx) => {
          if (!(await lockedUser(trx, userId))) return false;
          await trx.deleteFrom(recoveryCodes).where("user_id", "=", userId).execute();
          const deleted = await trx.deleteFrom(totp).where("user_id", "=", userId).executeTakeFirst();
          await setEnabled(trx, userId, false);
          return Number(deleted.numDeletedRows) > 0;
        }),
      ),

    /** A transaction: the user's row locked (so the confirmed secret cannot go meanwhile), the codes replaced. */
    replaceRecoveryCodes: (userId, codes, now) =>
      run("replaceRecoveryCodes", () => {
        const at = millis(now);
        return db.transaction().execute(async (trx) => {
          if (!(await lockedUser(trx, userId))) return false;
          // a read, not the UPDATE's count: MySQL may count only changed rows, and updated_at may be unchanged
          const confirmed = await trx.selectFrom(totp).select("user_id").where("user_id", "=", userId).where("secret", "is not", null).executeTakeFirst();
          if (confirmed === undefined) return false;
          await trx.updateTable(totp).set({ updated_at: at }).where("user_id", "=", userId).execute();
          await trx.deleteFrom(recoveryCodes).where("user_id", "=", userId).execute();
          await insertCodes(trx, userId, codes, at);
          return true;
        });
      }),

    /** One DELETE by primary key: the caller whose DELETE removed the row wins. */
    consumeRecoveryCode: (userId, code) =>
      run("consumeRecoveryCode", async () => {
        const deleted = await db.deleteFrom(recoveryCodes).where("user_id", "=", userId).where("code_hash", "=", code).executeTakeFirst();
        return Number(deleted.numDeletedRows) === 1;
      }),

    /**
     * One INSERT. Its only unique key is the primary key (the credential id), so a unique violation is `false`; a
     * missing user fails the foreign key: an error.
     */
    createPasskey: (record) =>
      run("createPasskey", async () => {
        const row = passkeyRow(record, writeFlag);
        try {
          await db.insertInto(passkeys).values(row).execute();
        } catch (err) {
          if (uniqueViolation(err) !== null) return false;
          throw err;
        }
        return true;
      }),

    findPasskey: (id) =>
      run("findPasskey", async () => {
        const row = await db.selectFrom(passkeys).selectAll().where("id", "=", id).executeTakeFirst();
        return row ? toPasskey(row) : null;
      }),

    /** One SELECT on the user_id index, oldest first. */
    listPasskeys: (userId) =>
      run("listPasskeys", async () => {
        const rows = await db.selectFrom(passkeys).selectAll().where("user_id", "=", userId).orderBy("created_at").orderBy("id").execute();
        return rows.map(toPasskey);
      }),

    /**
     * One UPDATE by primary key. MySQL counts changed rows unless the client asks for matched ones (mysql2 does), so
     * there an UPDATE that changed nothing is told from a missing passkey by a read.
     */
    updatePasskey: (id, use) =>
      run("updatePasskey", async () => {
        const set = { counter: counterValue(use.counter), backed_up: writeFlag(use.backedUp), last_used_at: millis(use.lastUsedAt) };
        const updated = await db.updateTable(passkeys).set(set).where("id", "=", id).executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 1) return true;
        if (c.dialect !== "mysql") return false;
        return (await db.selectFrom(passkeys).select("id").where("id", "=", id).executeTakeFirst()) !== undefined;
      }),

    /** One DELETE by id and user: another user's passkey is never touched. */
    deletePasskey: (userId, id) =>
      run("deletePasskey", async () => {
        const deleted = await db.deleteFrom(passkeys).where("id", "=", id).where("user_id", "=", userId).executeTakeFirst();
        return Number(deleted.numDeletedRows) === 1;
      }),
  };
}
