/**
 * The door through which the optional `auth-skill/totp` and `auth-skill/passkeys` modules plug into `AuthSkill`. Types
 * only: the core never imports those modules or their libraries.
 */
import type { SigninMethod } from "../account/events.js";
import type { FlowParts } from "../flow-parts.js";
import type { SecondFactorCodec, SecondFactorStorage, UserRecord } from "../storage/adapter.js";
import type { SigninContext } from "../types.js";
import type { PasskeysApi, SigninResult, TotpRuntime } from "./types.js";

/** The door a second-factor module opens into `AuthSkill`: the flows' parts, the storage's operations, sign-in. */
export interface SecondFactorHost {
  /** @internal The flows' parts (storage, sessions, tokens, limiter, clock, events): auth-skill's own modules only. */
  parts: FlowParts;
  /** The storage's second-factor operations. */
  factors: SecondFactorStorage;
  /** How secrets are sealed and recovery codes keyed: the storage's codec, or AuthSkill's own. */
  codec: SecondFactorCodec;
  /**
   * Ends a first factor: the session, or — for an account with a second factor — the challenge. `verified` says the
   * method itself was multi-factor (a user-verified passkey): then no challenge, the session's `amr` has `mfa`.
   */
  finishSignin(user: UserRecord, context: SigninContext, how: { method: SigninMethod; amr: string[]; verified?: boolean }): Promise<SigninResult>;
}

/** A configured TOTP module (`totp()` from `auth-skill/totp`), as `AuthSkill` takes it. */
export interface TotpModule {
  readonly kind: "totp";
  /** Builds the module's runtime over the host. */
  create(host: SecondFactorHost): TotpRuntime;
}

/** A configured passkeys module (`passkeys()` from `auth-skill/passkeys`), as `AuthSkill` takes it. */
export interface PasskeysModule {
  readonly kind: "passkeys";
  /** Builds the module's API over the host. */
  create(host: SecondFactorHost): PasskeysApi;
}
