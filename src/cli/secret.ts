import { randomBytes } from "node:crypto";

/**
 * A fresh 256-bit secret from the CSPRNG, as base64url (43 characters): fit for `AUTH_SECRET`.
 *
 * @example
 * ```ts
 * process.stdout.write(`${newSecret()}\n`);
 * ```
 */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}
