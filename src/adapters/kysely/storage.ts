import type { Kysely } from "kysely";
import type { SecondFactorStorage } from "../../storage/second-factor.js";
import type { CreateUserResult, DeletedCounts, SessionRecord, StorageAdapter, UserRecord, VerificationRecord } from "../../storage/adapter.js";
import { AuthError } from "../../errors.js";
import { detectDialect, isKyselyDialect, type KyselyDialect } from "./dialect.js";
import { isRetryable, storageFailure, uniqueViolation } from "./errors.js";
import * as account from "./account.js";
import { migrate } from "./migrations.js";
import { checkAttemptArgs } from "../../storage/memory.js";
import { flagWriter, millis, sessionRow, toSession, toUser, toVerification, userRow } from "./rows.js";
import { checkPrefix, DEFAULT_PREFIX, schemaNames, tableNames, type Tables, type VerificationsTable } from "./schema.js";
import { hotStatements, rotationValues } from "./statements.js";
import { kyselySecondFactors } from "./second-factor.js";
import type { AnyKysely } from "../sql/any-kysely.js";

/** Options of {@link kyselyStorage}. */
export interface KyselyStorageOptions {
  /**
   * A Kysely instance over SQLite (better-sqlite3), PostgreSQL (pg) or MySQL/MariaDB (mysql2). The adapter
   * shares it with your application and never closes it.
   */
  db: AnyKysely;
  /**
   * Prepended to the table names: up to 32 of `[a-z0-9_]` (default "auth_": auth_users, auth_sessions, auth_verifications,
   * auth_totp, auth_recovery_codes, auth_passkeys, auth_migrations).
   */
  tablePrefix?: string | undefined;
  /** The SQL dialect, for a Kysely dialect whose adapter is not (a subclass of) Kysely's own; detected otherwise. */
  dialect?: KyselyDialect | undefined;
}

/** The storage {@link kyselyStorage} returns: a `StorageAdapter` that can also create its tables. */
export interface KyselyStorage extends StorageAdapter {
  /**
   * Creates the tables, or upgrades tables made by an older release in place, and records the schema version
   * reached in `<prefix>migrations` (see docs/storage.md). Every step is additive: no row is rewritten or lost.
   * Idempotent, and safe to call on every start and from several processes at once (it takes a lock on
   * PostgreSQL and MySQL).
   */
  migrate(): Promise<void>;
  /** The detected (or given) SQL dialect. */
  readonly dialect: KyselyDialect;
  /** The table names in use (`migrations` holds the schema versions applied). */
  readonly tables: Readonly<{
    users: string;
    sessions: string;
    verifications: string;
    totp: string;
    recoveryCodes: string;
    passkeys: string;
    migrations: string;
  }>;
  /** TOTP enrolments, recovery codes and passkeys (schema version 5; see `SecondFactorStorage`). */
  readonly secondFactors: SecondFactorStorage;
}

const MAX_ATTEMPTS = 3;

/**
 * Users, sessions, single-use tokens and second factors in SQLite, PostgreSQL or MySQL/MariaDB through Kysely. Every
 * operation is one indexed statement, except where the dialect lacks `RETURNING` (MySQL), as noted per
 * method. Uniqueness comes from unique indexes; rotation is one conditional UPDATE. Driver errors are
 * rethrown as `KyselyStorageError` (an `AuthError`, `STORAGE_ERROR`) with a scrubbed `cause`; deadlock victims are retried. It never
 * sees a password or token (only hashes) and never logs.
 *
 * @example
 * ```ts
 * import Database from "better-sqlite3";
 * import { Kysely, SqliteDialect } from "kysely";
 * import { AuthSkill } from "auth-skill";
 * import { kyselyStorage, sqliteStatementCache } from "auth-skill/kysely";
 *
 * const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqliteStatementCache(new Database("auth.db")) }) });
 * const storage = kyselyStorage({ db });
 * await storage.migrate();
 * const auth = new AuthSkill({ secret: process.env.AUTH_SECRET, storage });
 * ```
 */
export function kyselyStorage(options: KyselyStorageOptions): KyselyStorage {
  const raw = options?.db as unknown as { getExecutor?: unknown } | undefined;
  if (typeof raw?.getExecutor !== "function") throw new AuthError("CONFIG_ERROR", "kyselyStorage: options.db must be a Kysely instance");
  if (options.dialect !== undefined && !isKyselyDialect(options.dialect)) {
    throw new AuthError("CONFIG_ERROR", 'kyselyStorage: options.dialect must be "sqlite", "postgres" or "mysql"');
  }
  const prefix = options.tablePrefix ?? DEFAULT_PREFIX;
  checkPrefix(prefix, "kyselyStorage");
  const dialect = options.dialect ?? detectDialect(options.db);
  const db = options.db as Kysely<Tables>;
  const names = tableNames(prefix);
  // Queries are typed against `Tables`; at runtime each table name is the prefixed one.
  const users = names.users as "users";
  const sessions = names.sessions as "sessions";
  const verifications = names.verifications as "verifications";
  const totp = names.totp as "totp";
  const recoveryCodes = names.recoveryCodes as "recovery_codes";
  const passkeys = names.passkeys as "passkeys";
  const known = schemaNames(prefix);
  const writeFlag = flagWriter(dialect);
  const returning = dialect !== "mysql"; // UPDATE/DELETE ... RETURNING: PostgreSQL, SQLite >= 3.35; not MySQL

  async function run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await body();
      } catch (err) {
        if (attempt < MAX_ATTEMPTS && isRetryable(err)) continue; // the victim's work was rolled back
        throw storageFailure(operation, err, known);
      }
    }
  }

  const conflictOf = (err: unknown): "email" | "username" | null => {
    const target = uniqueViolation(err);
    if (target === names.emailKey || target === `${names.users}.email`) return "email";
    if (target === names.usernameKey || target === `${names.users}.username`) return "username";
    return null;
  };

  const hot = hotStatements(db, { users, sessions }, returning);
  const ctx: account.AccountContext = { db, dialect, users, sessions, verifications, totp, recoveryCodes, passkeys, writeFlag, returning, conflictOf };
  const findUser = (by: "Id" | "Email" | "Username", value: string) =>
    run(`findUserBy${by}`, async () => {
      const [row] = (await hot.userBy[by]({ value })).rows;
      return row ? toUser(row) : null;
    });

  return {
    dialect,
    tables: Object.freeze({
      users: names.users,
      sessions: names.sessions,
      verifications: names.verifications,
      totp: names.totp,
      recoveryCodes: names.recoveryCodes,
      passkeys: names.passkeys,
      migrations: names.migrations,
    }),
    secondFactors: kyselySecondFactors({ ...ctx, run }),

    migrate: () => run("migrate", () => migrate(options.db, dialect, prefix)),

    /** One INSERT; a unique-index violation on email or username becomes the conflict. */
    createUser: (user: UserRecord) =>
      run("createUser", async (): Promise<CreateUserResult> => {
        const row = userRow(user, writeFlag);
        try {
          await db.insertInto(users).values(row).execute();
        } catch (err) {
          const conflict = conflictOf(err);
          if (conflict) return { ok: false, conflict };
          throw err;
        }
        return { ok: true, user: toUser(row) };
      }),

    findUserById: (id) => findUser("Id", id),
    findUserByEmail: (email) => findUser("Email", email),
    findUserByUsername: (username) => findUser("Username", username),

    updateUser: (id, patch) => run("updateUser", () => account.updateUser(ctx, id, patch)),
    deleteUser: (userId) => run("deleteUser", () => account.deleteUser(ctx, userId)),

    createSession: (session: SessionRecord) =>
      run("createSession", async () => {
        await db.insertInto(sessions).values(sessionRow(session, writeFlag)).execute();
      }),

    findSession: (id) =>
      run("findSession", async () => {
        const [row] = (await hot.sessionById({ id })).rows;
        return row ? toSession(row) : null;
      }),

    /**
     * One conditional UPDATE (`generation = generation + 1 ... WHERE id, generation, token_hash match AND
     * revoked_at IS NULL`): the database decides the one winner. With RETURNING it is a single statement;
     * on MySQL the UPDATE and a read of the row run in one transaction, the row locked by the UPDATE.
     */
    rotateSession: (input) =>
      run("rotateSession", async () => {
        if (returning) {
          const [row] = (await hot.rotation(rotationValues(input))).rows;
          return row ? toSession(row) : null;
        }
        return db.transaction().execute(async (trx) => {
          const result = await hot.rotation(rotationValues(input), trx);
          if (Number(result.numAffectedRows) !== 1) return null;
          const [row] = (await hot.sessionById({ id: input.id }, trx)).rows;
          if (!row) throw new Error("the rotated session vanished inside its transaction");
          return toSession(row);
        });
      }),

    revokeSession: (id, at) =>
      run("revokeSession", async () => {
        const result = await db
          .updateTable(sessions)
          .set({ revoked_at: millis(at), successor: null })
          .where("id", "=", id)
          .where("revoked_at", "is", null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) > 0;
      }),

    revokeUserSessions: (userId, at) =>
      run("revokeUserSessions", async () => {
        const result = await db
          .updateTable(sessions)
          .set({ revoked_at: millis(at), successor: null })
          .where("user_id", "=", userId)
          .where("revoked_at", "is", null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      }),

    listUserSessions: (userId, now) => run("listUserSessions", () => account.listUserSessions(ctx, userId, now)),
    createVerification: (record: VerificationRecord) => run("createVerification", () => account.createVerification(ctx, record)),
    findVerification: (tokenHash, purpose) => run("findVerification", () => account.findVerification(ctx, tokenHash, purpose)),

    /**
     * `DELETE ... RETURNING` where the dialect has it. On MySQL: read the row, then delete it by id and
     * token hash; only the caller whose DELETE removed the row (affected rows = 1) gets it. Verification
     * rows are never updated, so the row read is the row deleted.
     */
    consumeVerification: (tokenHash, purpose, now) =>
      run("consumeVerification", async () => {
        const at = millis(now);
        let row: VerificationsTable | undefined;
        if (returning) {
          row = await db.deleteFrom(verifications).where("token_hash", "=", tokenHash).where("purpose", "=", purpose).returningAll().executeTakeFirst();
        } else {
          const found = await db.selectFrom(verifications).selectAll().where("token_hash", "=", tokenHash).where("purpose", "=", purpose).executeTakeFirst();
          if (found) {
            const result = await db.deleteFrom(verifications).where("id", "=", found.id).where("token_hash", "=", tokenHash).executeTakeFirst();
            if (Number(result.numDeletedRows) === 1) row = found;
          }
        }
        if (!row) return null;
        const record = toVerification(row);
        return record.expiresAt.getTime() > at ? record : null;
      }),

    /** See `account.reserveVerificationAttempt`: one guarded UPDATE, else a DELETE of the spent or expired row. */
    reserveVerificationAttempt: async (userId, purpose, maxAttempts, now) => {
      checkAttemptArgs(maxAttempts, now, "auth-skill/kysely");
      return run("reserveVerificationAttempt", () => account.reserveVerificationAttempt(ctx, userId, purpose, maxAttempts, now));
    },

    deleteExpired: (now, keepRevokedMs = 0) =>
      run("deleteExpired", async (): Promise<DeletedCounts> => {
        const at = millis(now);
        const s = await db
          .deleteFrom(sessions)
          .where((eb) => eb.or([eb("expires_at", "<", at), eb("revoked_at", "<", at - keepRevokedMs)]))
          .executeTakeFirst();
        const v = await db.deleteFrom(verifications).where("expires_at", "<", at).executeTakeFirst();
        return { sessions: Number(s.numDeletedRows), verifications: Number(v.numDeletedRows) };
      }),
  };
}
