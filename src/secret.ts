import { randomBytes } from "node:crypto";
import process from "node:process";
import { AuthError } from "./errors.js";
import { secretProblem } from "./tokens/secret-strength.js";
import { secretsProblem } from "./tokens/secret-keys.js";

let processSecret: string | undefined;

/** Where the random per-process fallback secret is allowed: an unset NODE_ENV, `development` or `test`. */
const DEV_ENVIRONMENTS = new Set([undefined, "", "development", "test"]);

/** One secret, checked: `CONFIG_ERROR` naming `name` (never repeating the secret) when plainly weak. */
function checked(secret: string, name: string): string[] {
  const problem = secretProblem(secret);
  if (problem) throw configError(`${name} ${problem}`);
  return [secret];
}

/** A list of secrets, checked (1 to 8, each strong, none repeated); `CONFIG_ERROR` naming `name` otherwise. */
function checkedList(secrets: unknown, name: string): string[] {
  const problem = secretsProblem(secrets, name);
  if (problem) throw configError(problem);
  return [...(secrets as string[])];
}

/** `AUTH_SECRETS`: comma-separated, current first, each entry trimmed; an empty entry is an error. */
function splitList(value: string, name: string): string[] {
  const entries = value.split(",").map((entry) => entry.trim());
  if (entries.includes("")) throw configError(`${name} has an empty entry (comma-separated secrets, current first)`);
  return entries;
}

/** Better Auth's `BETTER_AUTH_SECRETS` ("2:new,1:old"): the values, in the given order (the first is current). */
function betterAuthList(value: string): string[] {
  return splitList(value, "BETTER_AUTH_SECRETS").map((entry, i) => {
    const m = /^(\d+):(.*)$/s.exec(entry);
    if (!m) throw configError(`BETTER_AUTH_SECRETS[${i}] must be "<version>:<secret>" (e.g. "2:new,1:old")`);
    return m[2]!.trim();
  });
}

/**
 * The secrets, current first: the `secrets` option, else the `secret` option, else from the environment —
 * `AUTH_SECRETS` (comma-separated, current first), `AUTH_SECRET`, `BETTER_AUTH_SECRETS` (Better Auth's
 * "2:new,1:old", in the given order), `BETTER_AUTH_SECRET`, the first one set (empty counts as unset).
 * Without any, a random per-process secret (with a warning) in development and test only, and `CONFIG_ERROR`
 * elsewhere. Both options at once, an empty or repeating list, more than 8 secrets or a plainly weak one are
 * `CONFIG_ERROR`, naming the option or variable and never repeating a secret.
 *
 * @example
 * ```ts
 * const secrets = resolveSecrets(options.secret, options.secrets); // ["current...", "previous..."]
 * ```
 */
export function resolveSecrets(secret: string | undefined, secrets: readonly string[] | undefined): string[] {
  const given = secret !== undefined && secret !== ""; // empty = unset, as for the variables
  if (given && secrets !== undefined) throw configError("set secret or secrets, not both (secrets: current first, then previous ones)");
  if (secrets !== undefined) return checkedList(secrets, "secrets");
  if (given) return checked(secret, "the secret");
  const env = globalThis.process?.env ?? {};
  const set = (name: string) => (env[name] === undefined || env[name] === "" ? undefined : env[name]);
  const authList = set("AUTH_SECRETS");
  if (authList !== undefined) return checkedList(splitList(authList, "AUTH_SECRETS"), "AUTH_SECRETS");
  const authOne = set("AUTH_SECRET");
  if (authOne !== undefined) return checked(authOne, "AUTH_SECRET");
  const baList = set("BETTER_AUTH_SECRETS");
  if (baList !== undefined) return checkedList(betterAuthList(baList), "BETTER_AUTH_SECRETS");
  const baOne = set("BETTER_AUTH_SECRET");
  if (baOne !== undefined) return checked(baOne, "BETTER_AUTH_SECRET");
  if (!DEV_ENVIRONMENTS.has(env.NODE_ENV)) {
    throw configError(
      "no secret: set the secret option or AUTH_SECRET (generate one with `openssl rand -base64 32`); the random fallback is for NODE_ENV development or test only",
    );
  }
  if (processSecret === undefined) {
    processSecret = randomBytes(32).toString("base64url");
    // process.emitWarning looked up when called (not a named import bound at load): a test or tool that replaces it
    // catches the warning on every runtime, Deno included (its node:process has no syncBuiltinESMExports).
    process.emitWarning(
      "auth-skill: no secret configured (secret or secrets option, AUTH_SECRETS, AUTH_SECRET, BETTER_AUTH_SECRETS or BETTER_AUTH_SECRET); using a random per-process secret, so tokens will not survive a restart.",
      "AuthSkillWarning",
    );
  }
  return [processSecret];
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
