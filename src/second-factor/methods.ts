/**
 * The second-factor methods `AuthSkill` inherits (through `AccountMethods` and `PasswordlessMethods`):
 * `verifySecondFactor`, and the `totp` and `passkeys` APIs of the configured modules.
 */
import { AuthError } from "../errors.js";
import type { FlowParts } from "../flow-parts.js";
import type { AuthResult, RequestContext } from "../types.js";
import { verifySecondFactor } from "./challenge.js";
import { markUnconfigured } from "./configured.js";
import type { PasskeysApi, SecondFactorInput, TotpApi } from "./types.js";

/** An API whose every method rejects with `CONFIG_ERROR` naming the option to set. */
function unconfigured<T extends object>(option: string, methods: readonly (keyof T & string)[]): T {
  const refuse = () => Promise.reject(new AuthError("CONFIG_ERROR", `auth-skill configuration: set the ${option} option to use auth.${option}`));
  return markUnconfigured(Object.freeze(Object.fromEntries(methods.map((m) => [m, refuse]))) as T);
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
