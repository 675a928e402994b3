import { AuthError, STORAGE_ERROR_MESSAGE } from "../../errors.js";
import { driverCode, scrubDriverError } from "../sql/driver-errors.js";

export { isRetryable, uniqueViolation } from "../sql/driver-errors.js";

/**
 * A database failure inside the Kysely adapter: an {@link AuthError} with code `STORAGE_ERROR` and the
 * fixed, user-safe message of every storage failure. The driver's error is kept as `cause` only as a scrubbed
 * copy (its class name, code and stack frames, and its message with every quoted value that is not one of
 * the schema's own names replaced by `…`), because drivers put statement values (hashes) into their errors.
 *
 * @example
 * ```ts
 * try { await storage.createSession(session); }
 * catch (err) { if (err instanceof KyselyStorageError) log.error(err.operation, err.driverCode, err.cause); }
 * ```
 */
export class KyselyStorageError extends AuthError {
  static override readonly brand: string = "KyselyStorageError";
  override readonly name: string = "KyselyStorageError";
  /** The adapter method that failed, e.g. "rotateSession". */
  readonly operation: string;
  /** The driver's error code when it had one: a SQLSTATE ("23505"), "ER_LOCK_DEADLOCK", "SQLITE_BUSY", "ECONNRESET"... */
  readonly driverCode: string | undefined;

  constructor(operation: string, cause: Error, driverCode?: string) {
    super("STORAGE_ERROR", STORAGE_ERROR_MESSAGE, { cause });
    this.operation = operation;
    this.driverCode = driverCode;
  }
}

/**
 * `err` as a {@link KyselyStorageError} whose scrubbed `cause` keeps only the quoted names listed in `known`.
 * `AuthError`s and the adapter's own `TypeError`s (invalid dates: a caller's mistake) pass through unchanged.
 *
 * @example
 * ```ts
 * throw storageFailure("createUser", err, schemaNames("auth_"));
 * ```
 */
export function storageFailure(operation: string, err: unknown, known: ReadonlySet<string>): Error {
  if (err instanceof AuthError) return err;
  if (err instanceof TypeError && err.message.startsWith("auth-skill/kysely:")) return err;
  const keep = (name: string) => known.has(name) || (/^[\w$]+\.\w+$/.test(name) && known.has(name.slice(name.indexOf(".") + 1))); // MySQL's 'db.table'
  const cause = scrubDriverError(err, `auth-skill/kysely: ${operation} failed`, keep);
  return new KyselyStorageError(operation, cause, driverCode(err));
}
