import { syncBuiltinESMExports } from "node:module";
import { AuthError, AuthSkill, argon2idHasher, type AuthSkillOptions, type AuthErrorCode, type PasswordHasher } from "../src/index.js";
import { UNIT_RUN } from "./support/test-run.js";

/** A test secret: 32+ characters with enough variety. */
export const SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

/** A clock the test moves by hand. */
export function manualClock(start = new Date("2026-01-01T00:00:00Z")) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

export function makeAuth(options: AuthSkillOptions & { requireEmailVerification?: false | undefined; totp?: undefined } = {}): AuthSkill {
  return new AuthSkill({ secret: SECRET, ...options });
}

/**
 * The one way to assert an `AuthError` code: awaits a promise that must reject with an `AuthError` of
 * `code`, and returns the error (check its message or fields on the result).
 */
export async function rejectsWith(promise: Promise<unknown>, code: AuthErrorCode): Promise<AuthError> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  return expectAuthError(error, code, "it resolved");
}

/** The synchronous twin of {@link rejectsWith}: runs `fn`, which must throw an `AuthError` of `code`. */
export function throwsWith(fn: () => unknown, code: AuthErrorCode): AuthError {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  return expectAuthError(error, code, "nothing was thrown");
}

function expectAuthError(error: unknown, code: AuthErrorCode, ifNone: string): AuthError {
  if (error === undefined) throw new Error(`expected AuthError ${code}, but ${ifNone}`);
  if (!(error instanceof AuthError)) throw new Error(`expected AuthError ${code}, got ${String(error)}`);
  if (error.code !== code) throw new Error(`expected AuthError ${code}, got ${error.code}: ${error.message}`);
  return error;
}

/**
 * Runs `fn` with `process.emitWarning` captured instead of printed, and returns what `fn` returned with the
 * warnings it emitted (their message and type). Source modules import `emitWarning` from "node:process", a
 * binding Node refreshes only through `syncBuiltinESMExports`, so the spy is synced in and out.
 */
export async function captureWarnings<T>(fn: () => T | Promise<T>): Promise<{ result: T; warnings: { message: string; type: string | undefined }[] }> {
  const warnings: { message: string; type: string | undefined }[] = [];
  const original = process.emitWarning;
  process.emitWarning = ((warning: string | Error, type?: unknown) => {
    warnings.push({
      message: String(warning instanceof Error ? warning.message : warning),
      type: typeof type === "string" ? type : typeof type === "object" && type !== null ? (type as { type?: string }).type : undefined,
    });
  }) as typeof process.emitWarning;
  syncBuiltinESMExports();
  try {
    return { result: await fn(), warnings };
  } finally {
    process.emitWarning = original;
    syncBuiltinESMExports();
  }
}

/**
 * Argon2id at far below the library's minimum (1 MiB, one pass): still the real addon and a real PHC hash, for
 * the quick unit run's tests that count hasher calls rather than measure their cost. Only a test can ask for
 * it (`argon2idHasher` takes any costs; the `password.argon2` option refuses less than m=19456, t=2, p=1).
 */
const QUICK_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 } as const;

/**
 * A real argon2id hasher that counts what reaches it: proves by counts, not by time, what was computed. The
 * library's default costs, except in the quick unit run (`npm run test:unit`), which uses {@link QUICK_ARGON2}.
 */
export function countingHasher(): { hasher: PasswordHasher; calls: { hash: number; verify: number } } {
  const inner = argon2idHasher(UNIT_RUN ? QUICK_ARGON2 : undefined);
  const calls = { hash: 0, verify: 0 };
  const hasher: PasswordHasher = {
    hash: (p) => (calls.hash++, inner.hash(p)),
    verify: (p, h) => (calls.verify++, inner.verify(p, h)),
  };
  return { hasher, calls };
}
