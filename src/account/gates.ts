/**
 * The account gates every path to a session passes once the user has proved who they are: a disabled
 * (banned) account, an account that needs a second factor, an unverified email where the user base requires
 * verification. Generic: the fields come from `UserRecord` and the rule from the storage's `policy`, so any
 * adapter over a shared user base (the Better Auth bridge, say) gets its system's guards honoured here.
 *
 * Call the gates only after the password (or other proof) was found right: the answers are distinct codes,
 * and telling them to someone who does not know the password would reveal the account's state.
 */
import { AuthError } from "../errors.js";
import type { UserRecord } from "../storage/adapter.js";

/** The fields of a user the gates read. */
export type GatedUser = Pick<UserRecord, "emailVerified" | "disabledUntil" | "twoFactorEnabled">;

/** The largest Date: a ban without end, as `disabledUntil`. */
export const DISABLED_FOREVER_MS = 8.64e15;

/**
 * True when the account may not sign in at `now`: `disabledUntil` is set and has not passed. Fails closed:
 * an invalid `disabledUntil` or an invalid `now` counts as disabled.
 *
 * @example
 * ```ts
 * isDisabled({ emailVerified: true, disabledUntil: new Date(8.64e15) }, new Date()); // true
 * ```
 */
export function isDisabled(user: GatedUser, now: Date): boolean {
  const until = user.disabledUntil;
  if (until === undefined || until === null) return false;
  // NaN on either side makes the comparison false: disabled.
  return !(now.getTime() > (typeof until.getTime === "function" ? until.getTime() : Number.NaN));
}

/** `ACCOUNT_DISABLED`: what a banned or suspended account is answered. Says nothing about why or until when. */
export function accountDisabled(): AuthError {
  return new AuthError("ACCOUNT_DISABLED", "This account has been disabled. Contact support if you think this is a mistake.");
}

/**
 * Throws `ACCOUNT_DISABLED` when {@link isDisabled}. The gate of every path that continues or hands over an
 * existing session (refresh, a Better Auth session turned into tokens).
 *
 * @example
 * ```ts
 * assertNotDisabled(user, now); // before minting anything for `user`
 * ```
 */
export function assertNotDisabled(user: GatedUser, now: Date): void {
  if (isDisabled(user, now)) throw accountDisabled();
}

/**
 * The account part of every new session's gate, whatever proof came before (a signin, a signup,
 * `startSession`): `ACCOUNT_DISABLED`, then `EMAIL_NOT_VERIFIED` when `requireEmailVerification` and the email
 * is unverified. {@link signinGate} adds the second factor; new sessions pass that one.
 *
 * @example
 * ```ts
 * sessionGate(user, now, storage.policy?.requireEmailVerification === true); // before creating the session
 * ```
 */
export function sessionGate(user: GatedUser, now: Date, requireEmailVerification: boolean): void {
  assertNotDisabled(user, now);
  if (requireEmailVerification && user.emailVerified !== true) {
    throw new AuthError("EMAIL_NOT_VERIFIED", "Verify your email address before signing in.");
  }
}

/**
 * The gate of every sign-in, after the password was found right. In order: `ACCOUNT_DISABLED` (no action of
 * the user lifts it), `EMAIL_NOT_VERIFIED` when `requireEmailVerification` and the email is unverified, and
 * `MFA_REQUIRED` for an account with a second factor (the sign-ins ask for it first — `finishSignin` in
 * second-factor/challenge.ts — and lift this part once it is verified; `startSession` lifts it only when its caller
 * says it checked the factor). All three are 403.
 *
 * @example
 * ```ts
 * if (!(await verifyPassword(password, user.passwordHash))) throw invalidCredentials();
 * signinGate(user, now, storage.policy?.requireEmailVerification === true);
 * ```
 */
export function signinGate(user: GatedUser, now: Date, requireEmailVerification: boolean): void {
  sessionGate(user, now, requireEmailVerification);
  if (user.twoFactorEnabled === true) {
    throw new AuthError("MFA_REQUIRED", "A second factor is required to sign in to this account.");
  }
}
