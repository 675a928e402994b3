/**
 * Reading driver errors (better-sqlite3, pg, mysql2) without trusting their contents: drivers put statement
 * values into errors (mysql2's `sql` has the parameters inlined, a PostgreSQL unique violation's `detail`
 * repeats the key, MySQL's duplicate-entry message too), and those values include hashes, emails and tokens.
 * Shared by the Kysely storage adapter and the Better Auth bridge.
 */

interface DriverError {
  name?: unknown;
  code?: unknown;
  errno?: unknown;
  constraint?: unknown;
  message?: unknown;
  stack?: unknown;
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
 * The driver's error code when it has one: a SQLSTATE ("23505"), "ER_LOCK_DEADLOCK", "SQLITE_BUSY",
 * "ECONNRESET"..., or MySQL's numeric `errno` as a string.
 *
 * @example
 * ```ts
 * driverCode(Object.assign(new Error("x"), { code: "SQLITE_BUSY" })); // "SQLITE_BUSY"
 * ```
 */
export function driverCode(err: unknown): string | undefined {
  const e = fields(err);
  return typeof e.code === "string" ? e.code : typeof e.errno === "number" ? String(e.errno) : undefined;
}

/**
 * `message` with every quoted value (`'…'` or `"…"`) elided unless `keep(name)` says it is one of the
 * schema's own names; MySQL's `Duplicate entry '<value>' for key` loses its value first (it may hold quotes).
 *
 * @example
 * ```ts
 * scrubMessage(`duplicate key "auth_users_email_key" for "ada@example.com"`, (n) => n.startsWith("auth_"));
 * // 'duplicate key "auth_users_email_key" for "…"'
 * ```
 */
export function scrubMessage(message: string, keep: (name: string) => boolean): string {
  return message
    .replace(/Duplicate entry '.*' for key/s, "Duplicate entry '…' for key")
    .replace(/'([^']*)'|"([^"]*)"/g, (whole, single: string | undefined, double: string | undefined) =>
      keep(single ?? double ?? "") ? whole : single !== undefined ? "'…'" : '"…"',
    );
}

/**
 * A copy of a driver error that is safe to keep as a `cause`: an `Error` with the driver's class name, its
 * message passed through {@link scrubMessage} (prefixed with `context`), its code (`code`), and the stack
 * frames of the original (the `at ...` lines: code locations, never values). No other property survives
 * (`detail`, `sql`, `parameters`, `query`...).
 *
 * @example
 * ```ts
 * const cause = scrubDriverError(err, "auth-skill/kysely: createUser failed", (name) => known.has(name));
 * ```
 */
export function scrubDriverError(err: unknown, context: string, keep: (name: string) => boolean): Error {
  const e = fields(err);
  const message = scrubMessage(messageOf(e), keep) || "unknown database error";
  const copy = new Error(`${context}: ${message}`);
  if (typeof e.name === "string" && /^\w{1,64}$/.test(e.name)) {
    Object.defineProperty(copy, "name", { value: e.name, writable: true, configurable: true }); // not enumerable, as on Error.prototype
  }
  const code = driverCode(err);
  if (code !== undefined) Object.defineProperty(copy, "code", { value: code, enumerable: true });
  const frames = typeof e.stack === "string" ? e.stack.split("\n").filter((line) => /^\s+at [^'"]*$/.test(line)) : [];
  copy.stack = [`${copy.name}: ${copy.message}`, ...frames].join("\n");
  return copy;
}
