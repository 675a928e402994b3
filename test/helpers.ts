import { AuthError, AuthSkill, type AuthSkillOptions, type AuthErrorCode } from "../src/index.js";

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

export function makeAuth(options: AuthSkillOptions = {}): AuthSkill {
  return new AuthSkill({ secret: SECRET, ...options });
}

/** Awaits a promise that must reject with an AuthError of `code`, and returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: AuthErrorCode): Promise<AuthError> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  if (!(error instanceof AuthError)) throw new Error(`expected AuthError ${code}, got ${String(error)}`);
  if (error.code !== code) throw new Error(`expected AuthError ${code}, got ${error.code}: ${error.message}`);
  return error;
}
