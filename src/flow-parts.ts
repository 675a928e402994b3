/**
 * What the flows (signin-flows.ts, account/) need from `AuthSkill`: its components and its slices of the
 * configuration. `AuthSkill` builds one and hands it to every flow; the flows hold no state of their own.
 */
import type { Emit } from "./account/events.js";
import type { EmailOptions } from "./account/mail.js";
import type { SingleUseTokens } from "./account/single-use-tokens.js";
import { AuthError } from "./errors.js";
import type { Passwords } from "./password/passwords.js";
import { checkPassword, type PolicySettings, type PolicyViolation } from "./password/policy.js";
import type { SigninLimiter } from "./rate-limit/limiter.js";
import type { Sessions } from "./sessions.js";
import type { SecondFactorStorage, StorageAdapter } from "./storage/adapter.js";
import type { PasskeysApi, TotpRuntime } from "./second-factor/types.js";

/** The account flows' slice of the configuration. */
export interface AccountSettings {
  /** The `email` option, or null: the flows that send mail answer `CONFIG_ERROR` without it. */
  email: EmailOptions | null;
  requireEmailVerification: boolean;
  /** Lifetimes of the mailed tokens, in milliseconds. */
  ttl: { passwordReset: number; emailVerification: number; emailChange: number; magicLink: number; emailCode: number };
  /** Delivers audit events (never throws, never waits). */
  emit: Emit;
}

/** Everything a flow may use. */
export interface FlowParts {
  /** The password policy of new passwords. */
  policy: PolicySettings;
  /** The checked clock. */
  now: () => Date;
  storage: StorageAdapter;
  passwords: Passwords;
  limiter: SigninLimiter | null;
  sessions: Sessions;
  tokens: SingleUseTokens;
  account: AccountSettings;
  /** The configured second-factor modules (set once `AuthSkill` has built them). */
  secondFactor: SecondFactorParts;
}

/** What the flows know of the second-factor modules. */
export interface SecondFactorParts {
  /** The TOTP module's runtime, or null when the `totp` option is not set. */
  totp: TotpRuntime | null;
  /** The passkeys module's API, or null when the `passkeys` option is not set. */
  passkeys: PasskeysApi | null;
  /** The storage's second-factor operations, or null when it has none. */
  factors: SecondFactorStorage | null;
}

/** The policy's verdict on a new password for this user, with the hasher's byte limit (bcrypt: 72). */
export function policyVerdict(
  p: Pick<FlowParts, "policy" | "passwords">,
  password: string,
  identity: { email?: string; username?: string | null },
): PolicyViolation | null {
  const maxBytes = p.passwords.hasher.maxBytes;
  return checkPassword(password, identity, { ...p.policy, ...(maxBytes !== undefined ? { maxBytes } : {}) });
}

/** Throws `WEAK_PASSWORD` (field `password`, or the given one) when the policy refuses a new password. */
export function assertStrong(
  p: Pick<FlowParts, "policy" | "passwords">,
  password: string,
  identity: { email?: string; username?: string | null },
  field = "password",
): void {
  const violation = policyVerdict(p, password, identity);
  if (violation) throw new AuthError("WEAK_PASSWORD", violation.message, { field });
}

/** The `email` option, or `CONFIG_ERROR` for a flow that sends mail without one. */
export function mailer(p: Pick<FlowParts, "account">): EmailOptions {
  if (p.account.email === null) throw new AuthError("CONFIG_ERROR", "auth-skill configuration: this flow sends mail; set the email.send option");
  return p.account.email;
}
