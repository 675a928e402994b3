import { randomBytes } from "node:crypto";
import { emitWarning } from "node:process";
import { AuthError } from "./errors.js";
import { secretProblem } from "./tokens/secret-strength.js";

let processSecret: string | undefined;

/** Where the random per-process fallback secret is allowed: an unset NODE_ENV, `development` or `test`. */
const DEV_ENVIRONMENTS = new Set([undefined, "", "development", "test"]);

/**
 * The secret option's value: the one given, else `AUTH_SECRET`, else `BETTER_AUTH_SECRET` (an empty one counts
 * as unset); without any, a random per-process secret (with a warning) in development and test only, and
 * `CONFIG_ERROR` elsewhere. A plainly weak secret is `CONFIG_ERROR`, which never repeats it.
 *
 * @example
 * ```ts
 * const secret = resolveSecret(options.secret); // throws AuthError CONFIG_ERROR in production without one
 * ```
 */
export function resolveSecret(given: string | undefined): string {
  const env = globalThis.process?.env ?? {};
  const secret = [given, env.AUTH_SECRET, env.BETTER_AUTH_SECRET].find((s) => s !== undefined && s !== ""); // empty = unset
  if (secret === undefined) {
    if (!DEV_ENVIRONMENTS.has(env.NODE_ENV)) {
      throw configError(
        "no secret: set the secret option or AUTH_SECRET (generate one with `openssl rand -base64 32`); the random fallback is for NODE_ENV development or test only",
      );
    }
    if (processSecret === undefined) {
      processSecret = randomBytes(32).toString("base64url");
      emitWarning(
        "auth-skill: no secret configured (secret option, AUTH_SECRET or BETTER_AUTH_SECRET); using a random per-process secret, so tokens will not survive a restart.",
        "AuthSkillWarning",
      );
    }
    return processSecret;
  }
  const problem = secretProblem(secret);
  if (problem) throw configError(`the secret ${problem}`);
  return secret;
}

/**
 * `CONFIG_ERROR` for a bad option, its message prefixed with "auth-skill configuration: ".
 *
 * @example
 * ```ts
 * throw configError("password.minLength must be at least 8");
 * ```
 */
export function configError(message: string): AuthError {
  return new AuthError("CONFIG_ERROR", `auth-skill configuration: ${message}`);
}
