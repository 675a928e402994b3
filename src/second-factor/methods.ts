/**
 * The second-factor methods `AuthSkill` inherits (through `AccountMethods` and `PasswordlessMethods`):
 * `verifySecondFactor`, and the `totp` and `passkeys` APIs of the configured modules.
 */
import { AuthError } from "../errors.js";
import type { FlowParts } from "../flow-parts.js";
import type { AuthResult, RequestContext } from "../types.js";
import { verifySecondFactor } from "./challenge.js";
import type { PasskeysApi, SecondFactorInput, TotpApi } from "./types.js";

/** The stand-ins of modules that are not configured. */
const UNCONFIGURED = new WeakSet<object>();

/** An API whose every method rejects with `CONFIG_ERROR` naming the option to set. */
function unconfigured<T extends object>(option: string, methods: readonly (keyof T & string)[]): T {
  const refuse = () => Promise.reject(new AuthError("CONFIG_ERROR", `auth-skill configuration: set the ${option} option to use auth.${option}`));
  const api = Object.freeze(Object.fromEntries(methods.map((m) => [m, refuse]))) as T;
  UNCONFIGURED.add(api);
  return api;
}

/**
 * Whether `auth.totp` or `auth.passkeys` is a configured module's API (not the stand-in that answers `CONFIG_ERROR`):
 * the HTTP handler's passkey routes do not exist (404) without it.
 *
 * @example
 * ```ts
 * if (isConfigured(auth.passkeys)) showPasskeyButton();
 * ```
 */
export function isConfigured(api: object): boolean {
  return !UNCONFIGURED.has(api);
}

const TOTP_METHODS = ["enroll", "confirm", "disable", "regenerateRecoveryCodes", "status"] as const;
const PASSKEY_METHODS = ["registrationOptions", "verifyRegistration", "authenticationOptions", "verifyAuthentication", "list", "remove"] as const;

/** The second-factor methods of `AuthSkill`; not constructed on its own. */
export abstract class SecondFactorMethods {
  readonly #flows: FlowParts;
  /**
   * Authenticator-app codes and recovery codes (the `totp` option). Every method rejects with `CONFIG_ERROR` when the
   * option is not set.
   *
   * @example
   * ```ts
   * const { uri } = await auth.totp.enroll(userId); // show it as a QR code
   * const { recoveryCodes } = await auth.totp.confirm(userId, codeFromTheApp); // show them once
   * ```
   */
  readonly totp: TotpApi;
  /**
   * Passkeys (the `passkeys` option). Every method rejects with `CONFIG_ERROR` when the option is not set.
   *
   * @example
   * ```ts
   * const options = await auth.passkeys.registrationOptions(userId); // hand to navigator.credentials.create
   * ```
   */
  readonly passkeys: PasskeysApi;

  protected constructor(flows: FlowParts) {
    this.#flows = flows;
    this.totp = flows.secondFactor.totp?.api ?? unconfigured<TotpApi>("totp", TOTP_METHODS);
    this.passkeys = flows.secondFactor.passkeys ?? unconfigured<PasskeysApi>("passkeys", PASSKEY_METHODS);
  }

  /**
   * Finishes a sign-in that answered `{ mfaRequired: true, mfaToken }`: with a code from the user's authenticator app
   * (each time step is accepted once per user, ±1 step of clock drift) or one of their recovery codes (each works once).
   * Resolves the session, whose access tokens carry `amr` with `otp` (or `rc`) and `mfa`. A wrong code is
   * `INVALID_CREDENTIALS`; the token allows five attempts in five minutes, then `TOKEN_INVALID` (sign in again); an
   * unknown, used or expired token is `TOKEN_INVALID` / `TOKEN_EXPIRED`; `RATE_LIMITED` past the signin limits of the
   * account or client; `CONFIG_ERROR` without the `totp` option.
   *
   * @example
   * ```ts
   * const result = await auth.signin({ email, password });
   * if ("mfaRequired" in result) {
   *   const session = await auth.verifySecondFactor({ mfaToken: result.mfaToken, code: "123456" });
   * }
   * ```
   */
  verifySecondFactor(input: SecondFactorInput, context: RequestContext = {}): Promise<AuthResult> {
    return verifySecondFactor(this.#flows, input, context);
  }
}
