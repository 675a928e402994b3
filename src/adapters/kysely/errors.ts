/**
 * Reading driver errors (better-sqlite3, pg, mysql2) without trusting their contents: drivers put
 * statement values into errors (mysql2's `sql` has the parameters inlined, a PostgreSQL unique violation's
 * `detail` repeats the key, MySQL's duplicate-entry message too), and those values include hashes.
 */

/**
 * A database failure inside the Kysely adapter. The message is the driver's with every quoted value that
 * is not one of the schema's own names replaced by `…`; the driver's error object is deliberately not
 * attached as `cause`, because it carries statement values (hashes) in other properties.
 *
 * @example
 * ```ts
 * try { await storage.createSession(session); }
 * catch (err) { if (err instanceof KyselyStorageError) console.error(err.operation, err.code); }
 * ```
 */
export class KyselyStorageError extends Error {
  override readonly name = "KyselyStorageError";
  /** The adapter method that failed, e.g. "rotateSession". */
  readonly operation: string;
  /** The driver's error code when it had one: a SQLSTATE ("23505"), "ER_LOCK_DEADLOCK", "SQLITE_BUSY", "ECONNRESET"... */
  readonly code: string | undefined;

  constructor(operation: string, message: string, code?: string) {
    super(`auth-skill/kysely: ${operation} failed: ${message}`);
    this.operation = operation;
    this.code = code;
  }
}

interface DriverError {
  code?: unknown;
  errno?: unknown;
  constraint?: unknown;
  message?: unknown;
}

const fields = (err: unknown): DriverError => (typeof err === "object" && err !== null ? (err as DriverError) : {});
const messageOf = (e: DriverError) => (typeof e.message === "string" ? e.message : "");

/**
 * If `err` is a unique-key violation, what the driver says was violated: the constraint name on
 * PostgreSQL (`23505`) and MySQL (`1062 ER_DUP_ENTRY`, the key name), `table.column` on SQLite
 * (`UNIQUE constraint failed: table.column`); otherwise `null`.
 *
 * @example
 * ```ts
 * uniqueViolation(err); // "auth_users_email_key" (PostgreSQL, MySQL) or "auth_users.email" (SQLite)
 * ```
 */
export function uniqueViolation(err: unknown): string | null {
  const e = fields(err);
  const message = messageOf(e);
  if (e.code === "23505") return typeof e.constraint === "string" ? e.constraint : "";
  if (e.errno === 1062 || e.code === "ER_DUP_ENTRY") return /for key '(?:[^']*\.)?([^'.]*)'$/.exec(message)?.[1] ?? "";
  const sqlite = /(?:UNIQUE|PRIMARY KEY) constraint failed: ([\w.]+)/.exec(message);
  return sqlite ? sqlite[1]! : null;
}

/**
 * True for errors after which the whole statement or transaction was rolled back and may simply be run
 * again: deadlocks (PostgreSQL `40P01`, MySQL `1213`) and serialization failures (`40001`).
 *
 * @example
 * ```ts
 * if (isRetryable(err) && attempt < 3) continue;
 * ```
 */
export function isRetryable(err: unknown): boolean {
  const e = fields(err);
  return e.code === "40P01" || e.code === "40001" || e.errno === 1213 || e.code === "ER_LOCK_DEADLOCK";
}

/**
 * `err` as a {@link KyselyStorageError} whose message keeps only the quoted names listed in `known`.
 * The adapter's own `TypeError`s (invalid dates) pass through unchanged.
 *
 * @example
 * ```ts
 * throw storageFailure("createUser", err, schemaNames("auth_"));
 * ```
 */
export function storageFailure(operation: string, err: unknown, known: ReadonlySet<string>): Error {
  if (err instanceof KyselyStorageError) return err;
  if (err instanceof TypeError && err.message.startsWith("auth-skill/kysely:")) return err;
  const e = fields(err);
  const message = messageOf(e)
    .replace(/Duplicate entry '.*' for key/s, "Duplicate entry '…' for key")
    .replace(/'([^']*)'|"([^"]*)"/g, (whole, single: string | undefined, double: string | undefined) => {
      const name = single ?? double ?? "";
      const qualified = /^[\w$]+\.\w+$/.test(name) && known.has(name.slice(name.indexOf(".") + 1)); // MySQL's 'db.table'
      const keep = known.has(name) || qualified;
      return keep ? whole : single !== undefined ? "'…'" : '"…"';
    });
  const code = typeof e.code === "string" ? e.code : typeof e.errno === "number" ? String(e.errno) : undefined;
  return new KyselyStorageError(operation, message || "unknown database error", code);
}
