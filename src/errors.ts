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
  | "EMAIL_NOT_VERIFIED"
  | "FORBIDDEN";

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
  FORBIDDEN: 403,
});

/** Extra, non-secret detail carried by some errors. */
export interface AuthErrorDetails {
  /** The input field at fault (`INVALID_INPUT`, `WEAK_PASSWORD`, `USER_EXISTS`). */
  field?: string;
  /** Seconds until a retry may succeed (`RATE_LIMITED`). */
  retryAfter?: number;
}

/**
 * The brand every {@link AuthError} carries: a registered symbol, so the ESM and CJS builds (or two copies of
 * the package) agree on it. Its value lists the brand names of the error's classes, most derived first.
 */
const BRAND = Symbol.for("auth-skill.AuthError");

/** Calls the ordinary `instanceof` (prototype chain) for a class whose `Symbol.hasInstance` is overridden. */
const ordinaryHasInstance = (cls: object, value: unknown): boolean => Function.prototype[Symbol.hasInstance].call(cls, value);

/**
 * The one error type `AuthSkill` throws for anything that is not a programming mistake.
 * Messages are safe to show end users: they never contain a password, token, hash or secret.
 *
 * `err instanceof AuthError` and {@link isAuthError} also hold for an error made by the other build of the
 * package (CJS vs ESM) or by a second copy of it: errors carry a `Symbol.for("auth-skill.AuthError")` brand.
 * Subclasses (`KyselyStorageError`, `BetterAuthBridgeError`) declare their own `brand`, so
 * `instanceof KyselyStorageError` works across builds too, and is false for any other `AuthError`.
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
  /**
   * The class's name in the cross-build brand. A subclass that declares its own `static brand` is
   * recognised by `instanceof` across builds; one that does not gets the ordinary prototype check.
   */
  static readonly brand: string = "AuthError";

  override readonly name: string = "AuthError";
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
    const brands: string[] = [];
    for (let cls: unknown = new.target; typeof cls === "function"; cls = Object.getPrototypeOf(cls)) {
      if (Object.hasOwn(cls, "brand")) brands.push(String((cls as unknown as { brand: unknown }).brand));
    }
    Object.defineProperty(this, BRAND, { value: Object.freeze(brands) }); // not enumerable, not writable
  }

  /**
   * `instanceof` by prototype, or by brand: an `Error` whose brand lists this class's `brand` (so an error
   * from the CJS build passes a check made with the ESM build's class). A plain object never passes.
   */
  // biome-ignore-start lint/complexity/noThisInStatic: `this` is the class the check is made with (AuthError or a subclass).
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (ordinaryHasInstance(this, value)) return true;
    if (!(value instanceof Error) || !Object.hasOwn(this, "brand")) return false;
    const brands: unknown = (value as unknown as Record<symbol, unknown>)[BRAND];
    return Array.isArray(brands) && brands.includes((this as unknown as { brand: unknown }).brand);
  }
  // biome-ignore-end lint/complexity/noThisInStatic: see above

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
 * True when `err` is an {@link AuthError} (from either build of the package), optionally with the given code.
 *
 * @example
 * ```ts
 * if (isAuthError(err, "TOKEN_EXPIRED")) return refreshAndRetry();
 * ```
 */
export function isAuthError(err: unknown, code?: AuthErrorCode): err is AuthError {
  return err instanceof AuthError && (code === undefined || err.code === code);
}

/** The message of every `STORAGE_ERROR`: the same for every store and failure (details live in `cause`). */
export const STORAGE_ERROR_MESSAGE = "The authentication store is unavailable. Please try again.";

/** Wraps a failure of the storage adapter; the original stays available as `cause`. */
export function storageError(cause: unknown): AuthError {
  return new AuthError("STORAGE_ERROR", STORAGE_ERROR_MESSAGE, { cause });
}

/**
 * Runs a storage operation, turning any failure that is not already an {@link AuthError} into
 * `STORAGE_ERROR` (the original kept as `cause`).
 */
export async function storageCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw err instanceof AuthError ? err : storageError(err);
  }
}
