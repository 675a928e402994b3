/**
 * `auth-skill/passkeys`: WebAuthn registration and sign-in for `AuthSkill`, on `@simplewebauthn/server` (an optional
 * peer dependency, loaded only by this subpath).
 *
 * @example
 * ```ts
 * import { AuthSkill } from "auth-skill";
 * import { passkeys } from "auth-skill/passkeys";
 *
 * const auth = new AuthSkill({ passkeys: passkeys({ rpID: "example.com", rpName: "Example", origins: ["https://example.com"] }) });
 * ```
 */
export type { PasskeysModule } from "../second-factor/host.js";
export type { PasskeyInfo, PasskeysApi } from "../second-factor/types.js";
export type { PasskeysOptions } from "./options.js";
export { passkeys } from "./module.js";
