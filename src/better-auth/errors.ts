import { AuthError } from "../errors.js";

/**
 * A database failure inside the bridge. Drivers put statement values into their errors (a PostgreSQL unique
 * violation's `detail` repeats the key; cast errors quote the value), and those values include hashes and
 * session tokens: so the message keeps only quoted names the bridge itself uses, the driver's error is not
 * attached as `cause`, and only its code (a SQLSTATE, "SQLITE_BUSY", "ECONNREFUSED"...) is kept.
 *
 * @example
 * ```ts
 * try { await bridge.migrate(); }
 * catch (err) { if (err instanceof BetterAuthBridgeError) console.error(err.operation, err.code); }
 * ```
 */
export class BetterAuthBridgeError extends Error {
  override readonly name = "BetterAuthBridgeError";
  /** The bridge operation that failed, e.g. "rotateSession". */
  readonly operation: string;
  /** The driver's error code, when it had one. */
  readonly code: string | undefined;

  constructor(operation: string, message: string, code?: string) {
    super(`auth-skill/better-auth: ${operation} failed: ${message}`);
    this.operation = operation;
    this.code = code;
  }
}

const TABLES = ["user", "session", "account", "verification", "jwks"];
const COLUMNS = [
  "id", "email", "username", "token", "userId", "sessionId", "expiresAt", "createdAt", "updatedAt", "providerId",
  "accountId", "password", "identifier", "generation", "tokenHash", "publicKey", "privateKey",
];

/**
 * `err` as a {@link BetterAuthBridgeError} without statement values: quoted text survives only when it is a
 * table, column or constraint name of Better Auth's or ours. `AuthError`s pass through.
 */
export function sanitize(operation: string, err: unknown, ownTable?: string): Error {
  if (err instanceof BetterAuthBridgeError || err instanceof AuthError) return err;
  const tables = ownTable === undefined ? TABLES : [...TABLES, ownTable];
  const names = new Set([...tables, ...COLUMNS]);
  const constraint = new RegExp(`^(?:${tables.join("|")})_[A-Za-z_]*(?:key|pkey|fkey|idx)$`);
  const keep = (name: string) => names.has(name) || constraint.test(name) || /^[\w]+\.\w+$/.test(name) && names.has(name.split(".")[0]!) && names.has(name.split(".")[1]!);
  const e = (typeof err === "object" && err !== null ? err : {}) as { code?: unknown; errno?: unknown; message?: unknown };
  const raw = typeof e.message === "string" ? e.message : "";
  const message = raw.replace(/'([^']*)'|"([^"]*)"/g, (whole, single: string | undefined, double: string | undefined) =>
    keep(single ?? double ?? "") ? whole : single !== undefined ? "'…'" : '"…"',
  );
  const code = typeof e.code === "string" ? e.code : typeof e.errno === "number" ? String(e.errno) : undefined;
  return new BetterAuthBridgeError(operation, message || "unknown database error", code);
}

/** Runs a database operation, rethrowing failures through {@link sanitize}. */
export async function run<T>(operation: string, fn: () => Promise<T>, ownTable?: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw sanitize(operation, err, ownTable);
  }
}
