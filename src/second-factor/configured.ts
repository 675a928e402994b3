/**
 * Which second-factor APIs are stand-ins for modules that are not configured. On its own (no imports) so that
 * `auth-skill/http` can ask without pulling in the flows.
 */

/** The stand-ins of modules that are not configured (`auth.totp`, `auth.passkeys` without their option). */
const UNCONFIGURED = new WeakSet<object>();

/** Records `api` as the stand-in of a module that is not configured; resolves it. */
export function markUnconfigured<T extends object>(api: T): T {
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
