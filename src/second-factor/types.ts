/**
 * The second factor's public shapes (what `signin` answers for an account that has one, what `verifySecondFactor`
 * takes, the `auth.totp` and `auth.passkeys` APIs) and the door through which the optional `auth-skill/totp` and
 * `auth-skill/passkeys` modules plug into `AuthSkill` ({@link SecondFactorHost}). Types only: the core never imports
 * those modules or their libraries.
 */
import type { SecondFactorKind } from "../account/events.js";
import type { AuthResult, RequestContext, SigninContext } from "../types.js";

/**
 * What a sign-in answers when the account has a second factor: no session and no token yet. Send `mfaToken` back with
 * the code to `verifySecondFactor` within five minutes (five attempts); `methods` lists what the account can use.
 *
 * @example
 * ```ts
 * const result = await auth.signin({ email, password });
 * if ("mfaRequired" in result) return Response.json({ mfaToken: result.mfaToken, methods: result.methods });
 * ```
 */
export interface MfaChallenge {
  mfaRequired: true;
  /** Single use, bound to the user, valid five minutes and five attempts. Not a session: it opens nothing else. */
  mfaToken: string;
  mfaTokenExpiresAt: Date;
  /** The factors this account can finish with: `totp`, `recovery-code`, and `passkey` when it has one. */
  methods: SecondFactorKind[];
}

/** What a sign-in resolves: a session, or the second factor it waits for. */
export type SigninResult = AuthResult | MfaChallenge;

/**
 * The input of `verifySecondFactor`: the `mfaToken` of the sign-in, and either an authenticator app's `code` or one of
 * the account's `recoveryCode`s.
 */
export type SecondFactorInput = { mfaToken: string; code: string; recoveryCode?: undefined } | { mfaToken: string; recoveryCode: string; code?: undefined };

/** A user's TOTP status, as `auth.totp.status` tells it. */
export interface TotpStatus {
  /** A confirmed authenticator: sign-ins ask for a code. */
  enabled: boolean;
  /** An enrolment waits for `confirm`. */
  pending: boolean;
  /** Unused recovery codes left. */
  recoveryCodes: number;
}

/** `auth.totp`: authenticator-app codes (RFC 6238) and recovery codes. Configure it with `totp()` from `auth-skill/totp`. */
export interface TotpApi {
  /** Starts (or restarts) an enrolment; the confirmed secret, if any, stays active until `confirm`. */
  enroll(userId: string): Promise<{ secret: string; uri: string }>;
  /** Confirms the pending enrolment with a code from the app; resolves the recovery codes, shown once. */
  confirm(userId: string, code: string): Promise<{ recoveryCodes: string[] }>;
  /** Removes the authenticator and its recovery codes, after a code (or a recovery code) or the password. */
  disable(userId: string, proof: { code: string } | { recoveryCode: string } | { password: string }): Promise<void>;
  /** New recovery codes; the old set is void. */
  regenerateRecoveryCodes(userId: string): Promise<{ recoveryCodes: string[] }>;
  /** Whether the user has an authenticator, a pending one, and how many recovery codes are left. */
  status(userId: string): Promise<TotpStatus>;
}

/** What a TOTP module gives `AuthSkill`: its API, and the check `verifySecondFactor` calls. */
export interface TotpRuntime {
  api: TotpApi;
  /** Whether `code` is right for the user's confirmed secret, accepting its time step once (atomically). */
  verify(userId: string, code: string): Promise<boolean>;
  /** Whether `code` is one of the user's recovery codes, taking it (atomically). */
  takeRecoveryCode(userId: string, code: string): Promise<boolean>;
}

/** A passkey as `auth.passkeys.list` shows it (no key material). */
export interface PasskeyInfo {
  id: string;
  name: string | null;
  deviceType: "singleDevice" | "multiDevice";
  backedUp: boolean;
  transports: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

/**
 * `auth.passkeys`: WebAuthn registration and sign-in. Configure it with `passkeys()` from `auth-skill/passkeys`. The
 * options are the JSON a browser passes to `navigator.credentials` (or `@simplewebauthn/browser`); the responses are
 * the browser's JSON answer, checked here.
 */
export interface PasskeysApi {
  /** Options to register a new passkey for a signed-in user (its challenge is stored, single use, five minutes). */
  registrationOptions(userId: string): Promise<Record<string, unknown>>;
  /** Checks the browser's answer to {@link PasskeysApi.registrationOptions} and stores the passkey. */
  verifyRegistration(userId: string, response: unknown, options?: { name?: string }): Promise<PasskeyInfo>;
  /** Options to sign in with a passkey; with `email`, limited to that account's passkeys. */
  authenticationOptions(input?: { email?: string }, context?: RequestContext): Promise<Record<string, unknown>>;
  /** Checks the browser's answer to {@link PasskeysApi.authenticationOptions} and signs the user in. */
  verifyAuthentication(response: unknown, context?: SigninContext): Promise<SigninResult>;
  /** The user's passkeys, oldest first. */
  list(userId: string): Promise<PasskeyInfo[]>;
  /** Removes one of the user's passkeys; resolves whether it existed. */
  remove(userId: string, passkeyId: string): Promise<boolean>;
}

/** Re-exported for the modules. */
export type { RequestContext };
