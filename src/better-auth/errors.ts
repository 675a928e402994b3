import { AuthError, STORAGE_ERROR_MESSAGE } from "../errors.js";
import { driverCode, scrubDriverError } from "../adapters/sql/driver-errors.js";

/**
 * A database failure inside the bridge: an {@link AuthError} with code `STORAGE_ERROR` and the fixed,
 * user-safe message of every storage failure. Drivers put statement values into their errors (a PostgreSQL
 * unique violation's `detail` repeats the key; cast errors quote the value), and those values include hashes
 * and session tokens: so the driver's error is kept as `cause` only as a scrubbed copy (class name, code,
 * stack frames, and the message with only the quoted names the bridge itself uses).
 *
 * @example
 * ```ts
 * try { await bridge.migrate(); }
 * catch (err) { if (err instanceof BetterAuthBridgeError) log.error(err.operation, err.driverCode, err.cause); }
 * ```
 */
export class BetterAuthBridgeError extends AuthError {
  static override readonly brand: string = "BetterAuthBridgeError";
  override readonly name: string = "BetterAuthBridgeError";
  /** The bridge operation that failed, e.g. "rotateSession". */
  readonly operation: string;
  /** The driver's error code, when it had one (a SQLSTATE, "SQLITE_BUSY", "ECONNREFUSED"...). */
  readonly driverCode: string | undefined;

  constructor(operation: string, cause: Error, driverCode?: string) {
    super("STORAGE_ERROR", STORAGE_ERROR_MESSAGE, { cause });
    this.operation = operation;
    this.driverCode = driverCode;
  }
}

const TABLES = ["user", "session", "account", "verification", "jwks", "twoFactor", "passkey", "authSkillTotp", "authSkillPasskey"];
const COLUMNS = [
  "id",
  "email",
  "username",
  "token",
  "userId",
  "sessionId",
  "expiresAt",
  "createdAt",
  "updatedAt",
  "providerId",
  "accountId",
  "password",
  "identifier",
  "generation",
  "tokenHash",
  "publicKey",
  "privateKey",
  "credentialID",
  "lastStep",
  "pendingSecret",
  "userHandle",
  "verified",
];

/**
 * `err` as a {@link BetterAuthBridgeError} whose scrubbed `cause` keeps quoted text only when it is a table,
 * column or constraint name of Better Auth's or ours. `AuthError`s, and the bridge's own `TypeError`s (a caller's
 * mistake, such as an invalid `amr` or `maxAttempts`; they quote no value), pass through.
 */
export function sanitize(operation: string, err: unknown, ownTable?: string): Error {
  if (err instanceof AuthError) return err;
  if (err instanceof TypeError && err.message.startsWith("auth-skill/better-auth:")) return err;
  const tables = ownTable === undefined ? TABLES : [...TABLES, ownTable];
  const names = new Set([...tables, ...COLUMNS]);
  const constraint = new RegExp(`^(?:${tables.join("|")})_[A-Za-z_]*(?:key|pkey|fkey|idx)$`);
  const keep = (name: string) =>
    names.has(name) || constraint.test(name) || (/^[\w]+\.\w+$/.test(name) && names.has(name.split(".")[0]!) && names.has(name.split(".")[1]!));
  return new BetterAuthBridgeError(operation, scrubDriverError(err, `auth-skill/better-auth: ${operation} failed`, keep), driverCode(err));
}

/** Runs a database operation, rethrowing failures through {@link sanitize}. */
export async function run<T>(operation: string, fn: () => Promise<T>, ownTable?: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw sanitize(operation, err, ownTable);
  }
}
