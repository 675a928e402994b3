/** RFC 8176 authentication method references: how the user of a session proved who they are. */
import { AuthError } from "../errors.js";

/**
 * Throws `FORBIDDEN` (403) unless the verified claims' `amr` lists every one of `methods` — for routes that
 * want a particular way of signing in, e.g. `requireAmr(claims, "mfa")` once second factors exist. The values
 * auth-skill sets: `"pwd"` (a password), `"email"` (a magic link or an email code; not registered by RFC 8176,
 * as Okta uses it), and whatever `startSession`'s `amr` said. Called with no method, it throws.
 *
 * @example
 * ```ts
 * const claims = await auth.verifyAccessToken(bearer);
 * requireAmr(claims, "pwd"); // AuthError FORBIDDEN for a session signed in by mail
 * ```
 */
export function requireAmr(claims: { amr?: unknown }, ...methods: string[]): void {
  const held = claims?.amr;
  const ok = methods.length > 0 && Array.isArray(held) && methods.every((m) => typeof m === "string" && held.includes(m));
  if (!ok) throw new AuthError("FORBIDDEN", "This action needs another way of signing in.");
}
