import { AuthError } from "../errors.js";

type Argon2Addon = typeof import("@node-rs/argon2");
type BcryptAddon = typeof import("@node-rs/bcrypt");

/** The part of Deno's global this module reads; absent under Node and Bun. */
interface DenoLike {
  permissions?: { querySync?: (descriptor: { name: "ffi" }) => { state: string } };
}

/**
 * The error to throw when a native addon failed to load: under Deno without the FFI permission, an
 * `AuthError` `CONFIG_ERROR` that says which flags to run with (the addon's own message blames npm and
 * optional dependencies, which is not the cause); otherwise `cause` unchanged.
 *
 * @example
 * ```ts
 * throw addonLoadError("@node-rs/argon2", err, (globalThis as { Deno?: unknown }).Deno);
 * ```
 */
export function addonLoadError(addon: string, cause: unknown, deno: unknown): unknown {
  if (typeof deno !== "object" || deno === null) return cause;
  const query = (deno as DenoLike).permissions?.querySync;
  let state = "unknown";
  try {
    state = query ? query({ name: "ffi" }).state : "unknown";
  } catch {
    // an old Deno without querySync: keep "unknown"
  }
  if (state === "granted") return cause;
  return new AuthError(
    "CONFIG_ERROR",
    `the native addon ${addon} could not be loaded: run Deno with --allow-ffi (auth-skill needs --allow-env --allow-read --allow-ffi)`,
    { cause },
  );
}

function lazy<T>(addon: string, load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined; // a later call may try again (e.g. after the permission was granted)
      throw addonLoadError(addon, err, (globalThis as { Deno?: unknown }).Deno);
    });
    return loading;
  };
}

/** `@node-rs/argon2`, imported at first use so that a load failure becomes a clear error. */
export const argon2Addon: () => Promise<Argon2Addon> = lazy("@node-rs/argon2", () => import("@node-rs/argon2"));

/** `@node-rs/bcrypt`, imported at first use so that a load failure becomes a clear error. */
export const bcryptAddon: () => Promise<BcryptAddon> = lazy("@node-rs/bcrypt", () => import("@node-rs/bcrypt"));
