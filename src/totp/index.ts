/**
 * "auth-skill/totp": authenticator-app codes (RFC 6238: SHA-1, 6 digits, 30-second steps) with recovery codes, as a
 * second factor. Built on `otplib` (an optional peer: `npm install otplib`), imported only here.
 */
import { AuthError } from "../errors.js";
import type { TotpModule } from "../second-factor/host.js";
import { totpRuntime } from "./runtime.js";

/** Options of {@link totp}. */
export interface TotpOptions {
  /** Your service's name, as authenticator apps show it (1-64 characters, no colon). */
  issuer: string;
  /** How many recovery codes a user gets (default 10, at most 20). */
  recoveryCodes?: number | undefined;
}

/**
 * The TOTP second factor, for `new AuthSkill({ totp: totp({ issuer }) })`. Then `auth.totp` enrolls, confirms and
 * removes authenticators, and a sign-in of an account with one answers `{ mfaRequired: true, mfaToken }` until
 * `auth.verifySecondFactor` gets a code (or a recovery code). Secrets are kept encrypted (AES-256-GCM, a key derived
 * from your `secret`); recovery codes as keyed hashes.
 *
 * @example
 * ```ts
 * import { AuthSkill } from "auth-skill";
 * import { totp } from "auth-skill/totp";
 * const auth = new AuthSkill({ secret: process.env.AUTH_SECRET, totp: totp({ issuer: "Example" }) });
 * ```
 */
export function totp(options: TotpOptions): TotpModule {
  const problem = optionsProblem(options);
  if (problem) throw new AuthError("CONFIG_ERROR", `auth-skill configuration: totp ${problem}`);
  const settings = { issuer: options.issuer, recoveryCodes: options.recoveryCodes ?? 10 };
  return Object.freeze({ kind: "totp" as const, create: (host: Parameters<TotpModule["create"]>[0]) => totpRuntime(host, settings) });
}

function optionsProblem(options: unknown): string | null {
  if (typeof options !== "object" || options === null) return "options must be an object { issuer }";
  const { issuer, recoveryCodes } = options as TotpOptions;
  if (typeof issuer !== "string" || issuer.trim() === "" || issuer.length > 64 || issuer.includes(":")) return "issuer must be 1-64 characters without a colon";
  if (recoveryCodes !== undefined && (!Number.isInteger(recoveryCodes) || recoveryCodes < 1 || recoveryCodes > 20))
    return "recoveryCodes must be an integer from 1 to 20";
  return null;
}

export type { TotpApi, TotpStatus } from "../second-factor/types.js";
