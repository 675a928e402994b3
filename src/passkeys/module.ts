/** `passkeys()`: the configured module `AuthSkill` takes, and the API it builds over the host. */
import type { PasskeysModule, SecondFactorHost } from "../second-factor/host.js";
import type { PasskeysApi } from "../second-factor/types.js";
import { authenticationOptions, verifyAuthentication } from "./authentication.js";
import { listPasskeys, removePasskey } from "./manage.js";
import { checkOptions, type PasskeysOptions, type PasskeysSettings } from "./options.js";
import { registrationOptions, verifyRegistration } from "./registration.js";

/** The API over one host: each method a flow of its own file. */
function createApi(host: SecondFactorHost, settings: PasskeysSettings): PasskeysApi {
  return {
    registrationOptions: (userId) => registrationOptions(host, settings, userId),
    verifyRegistration: (userId, response, options) => verifyRegistration(host, settings, userId, response, options),
    authenticationOptions: (input, context) => authenticationOptions(host, settings, input, context),
    verifyAuthentication: (response, context) => verifyAuthentication(host, settings, response, context),
    list: (userId) => listPasskeys(host, userId),
    remove: (userId, passkeyId) => removePasskey(host, userId, passkeyId),
  };
}

/**
 * Passkeys (WebAuthn) for `AuthSkill`: pass the result as its `passkeys` option, then use `auth.passkeys`. The RP ID
 * and the origins come from here only (never from a request's `Host`). Challenges are stored server-side as
 * single-use tokens (five minutes by default); user verification is `"preferred"`: a passkey that verified its user
 * (biometrics, PIN) is multi-factor and skips the TOTP step, one that did not is a first factor like a password.
 * A bad option is a `TypeError`.
 *
 * @example
 * ```ts
 * import { AuthSkill } from "auth-skill";
 * import { passkeys } from "auth-skill/passkeys";
 *
 * const auth = new AuthSkill({
 *   secret: process.env.AUTH_SECRET,
 *   passkeys: passkeys({ rpID: "example.com", rpName: "Example", origins: ["https://example.com"] }),
 * });
 * const options = await auth.passkeys.authenticationOptions(); // to the browser, for navigator.credentials.get()
 * ```
 */
export function passkeys(options: PasskeysOptions): PasskeysModule {
  const settings = checkOptions(options);
  return Object.freeze({ kind: "passkeys" as const, create: (host: SecondFactorHost) => createApi(host, settings) });
}
