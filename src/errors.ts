/**
 * Every error code `AuthSkill` can throw. Codes are stable strings: switch on them, never on messages.
 */
export type AuthErrorCode =
  | "INVALID_INPUT"
  | "WEAK_PASSWORD"
  | "USER_EXISTS"
  | "INVALID_CREDENTIALS"
  | "RATE_LIMITED"
  | "CONFIG_ERROR"
  | "STORAGE_ERROR"
  | "TOKEN_INVALID"
  | "TOKEN_EXPIRED"
  | "TOKEN_REVOKED"
  | "REFRESH_TOKEN_REUSED"
  | "ACCOUNT_DISABLED"
  | "MFA_REQUIRED"
  | "EMAIL_NOT_VERIFIED";

/** The HTTP status a server should answer with, per code. */
export const AUTH_ERROR_STATUS: Readonly<Record<AuthErrorCode, number>> = Object.freeze({
  INVALID_INPUT: 400,
  WEAK_PASSWORD: 400,
  USER_EXISTS: 409,
  INVALID_CREDENTIALS: 401,
  RATE_LIMITED: 429,
  CONFIG_ERROR: 500,
  STORAGE_ERROR: 500,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  REFRESH_TOKEN_REUSED: 401,
  ACCOUNT_DISABLED: 403,
  MFA_REQUIRED: 403,
  EMAIL_NOT_VERIFIED: 403,
});

/** Extra, non-secret detail carried by some errors. */
export interface AuthErrorDetails {
  /** The input field at fault (`INVALID_INPUT`, `WEAK_PASSWORD`, `USER_EXISTS`). */
  field?: string;
  /** Seconds until a retry may succeed (`RATE_LIMITED`). */
  retryAfter?: number;
}

/**
 * The one error type `AuthSkill` throws for anything that is not a programming mistake.
 * Messages are safe to show end users: they never contain a password, token, hash or secret.
 *
 * @example
 * ```ts
 * try {
 *   await auth.signin({ email, password });
 * } catch (err) {
 *   if (err instanceof AuthError) return Response.json(err.toJSON(), { status: err.status });
 *   throw err;
 * }
 * ```
 */
export class AuthError extends Error {
  override readonly name = "AuthError";
  readonly code: AuthErrorCode;
  readonly status: number;
  readonly field?: string;
  readonly retryAfter?: number;

  constructor(code: AuthErrorCode, message: string, options?: AuthErrorDetails & { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = AUTH_ERROR_STATUS[code];
    if (options?.field !== undefined) this.field = options.field;
    if (options?.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }

  /**
   * The response body a server returns: `{ error: { code, message } }` (plus `field` when set).
   *
   * @example
   * ```ts
   * res.status(err.status).json(err.toJSON());
   * ```
   */
  toJSON(): { error: { code: AuthErrorCode; message: string; field?: string } } {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

/**
 * True when `err` is an {@link AuthError}, optionally with the given code.
 *
 * @example
 * ```ts
 * if (isAuthError(err, "TOKEN_EXPIRED")) return refreshAndRetry();
 * ```
 */
export function isAuthError(err: unknown, code?: AuthErrorCode): err is AuthError {
  return err instanceof AuthError && (code === undefined || err.code === code);
}

/** Wraps a failure of the storage adapter; the original stays available as `cause`. */
export function storageError(cause: unknown): AuthError {
  return new AuthError("STORAGE_ERROR", "The authentication store is unavailable. Please try again.", { cause });
}

/**
 * Runs a storage operation, turning any failure that is not already an {@link AuthError} into
 * `STORAGE_ERROR` (the original kept as `cause`).
 */
export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw err instanceof AuthError ? err : storageError(err);
  }
}
