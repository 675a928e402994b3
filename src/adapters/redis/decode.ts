/**
 * Redis hashes -> records (see codec.ts for the encoding). A field the record lacks is absent from the hash; a
 * field that is present but malformed is an error, never read as some other value.
 */
import type { SessionRecord, UserRecord, VerificationRecord } from "../../storage/adapter.js";
import { amrOf } from "../../storage/memory.js";
import type { Fields } from "./codec.js";

/**
 * A field the record must have (an error when it is absent; the message names the field, never its value).
 *
 * @example
 * ```ts
 * const userId = req(fields, "userId");
 * ```
 */
export function req(f: Fields, name: string): string {
  const value = f[name];
  if (value === undefined) throw new Error(`auth-skill/redis: stored record lacks "${name}"`);
  return value;
}
/**
 * An optional field: its value, or `null` when absent.
 *
 * @example
 * ```ts
 * opt({ name: "Ada" }, "name"); // "Ada"
 * ```
 */
export const opt = (f: Fields, name: string): string | null => f[name] ?? null;

/**
 * A stored integer (an error unless it is a safe integer).
 *
 * @example
 * ```ts
 * int("59999999", "lastStep"); // 59999999
 * ```
 */
export function int(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`auth-skill/redis: stored field "${name}" is not an integer`);
  return n;
}
/**
 * A required date (epoch milliseconds).
 *
 * @example
 * ```ts
 * date({ createdAt: "1767225600000" }, "createdAt"); // 2026-01-01T00:00:00.000Z
 * ```
 */
export const date = (f: Fields, name: string) => new Date(int(req(f, name), name));

/**
 * An optional date (epoch milliseconds), `null` when absent.
 *
 * @example
 * ```ts
 * optDate({}, "lastUsedAt"); // null
 * ```
 */
export const optDate = (f: Fields, name: string) => (f[name] === undefined ? null : new Date(int(f[name], name)));

/**
 * A stored boolean ("1"/"0"); anything else is an error, never read as either value.
 *
 * @example
 * ```ts
 * flag("1", "backedUp"); // true
 * ```
 */
export function flag(value: string, name: string): boolean {
  if (value !== "1" && value !== "0") throw new Error(`auth-skill/redis: stored field "${name}" is not "1" or "0"`);
  return value === "1";
}

/**
 * The user's second-factor flag, set to "1" by activateTotp and "0" by deleteTotp (in their scripts). A user that
 * never had either has no field and reads without the property, as memoryStorage's users do.
 */
function twoFactor(f: Fields): { twoFactorEnabled?: boolean } {
  return f.twoFactorEnabled === undefined ? {} : { twoFactorEnabled: flag(f.twoFactorEnabled, "twoFactorEnabled") };
}

/**
 * A session's "remember me" as stored ("1"/"0"); a record written before it existed has none and is left
 * without it (remember-me). Anything else is an error, never read as either choice.
 */
function persistent(f: Fields): { persistent?: boolean } {
  const value = f.persistent;
  if (value === undefined) return {};
  if (value !== "1" && value !== "0") throw new Error('auth-skill/redis: stored field "persistent" is not "1" or "0"');
  return { persistent: value === "1" };
}

/** Roles as stored (a JSON array); a record written before roles existed has none. Anything else is an error. */
function roles(f: Fields): string[] {
  if (f.roles === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(f.roles);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((r) => typeof r === "string"))
    throw new Error('auth-skill/redis: stored field "roles" is not a JSON array of strings');
  return parsed;
}

/**
 * A user from its hash, or null for an empty (missing) hash.
 *
 * @example
 * ```ts
 * const user = decodeUser(await client.hgetall(key));
 * ```
 */
export function decodeUser(f: Fields | null): UserRecord | null {
  if (!f || f.id === undefined) return null;
  return {
    id: f.id,
    email: req(f, "email"),
    username: opt(f, "username"),
    name: opt(f, "name"),
    emailVerified: req(f, "emailVerified") === "1",
    passwordHash: opt(f, "passwordHash"),
    createdAt: date(f, "createdAt"),
    updatedAt: date(f, "updatedAt"),
    roles: roles(f),
    ...twoFactor(f),
  };
}

/**
 * A session from its hash, or null for an empty (missing) hash.
 *
 * @example
 * ```ts
 * const session = decodeSession(await client.hgetall(key));
 * ```
 */
export function decodeSession(f: Fields | null): SessionRecord | null {
  if (!f || f.id === undefined) return null;
  return {
    id: f.id,
    userId: req(f, "userId"),
    tokenHash: req(f, "tokenHash"),
    generation: int(req(f, "generation"), "generation"),
    rotatedAt: optDate(f, "rotatedAt"),
    successor: opt(f, "successor"),
    createdAt: date(f, "createdAt"),
    expiresAt: date(f, "expiresAt"),
    lastUsedAt: date(f, "lastUsedAt"),
    revokedAt: optDate(f, "revokedAt"),
    ipAddress: opt(f, "ipAddress"),
    userAgent: opt(f, "userAgent"),
    ...persistent(f),
    ...amrOf(f.amr),
  };
}

/**
 * A verification from its hash, or null for an empty (missing) hash.
 *
 * @example
 * ```ts
 * const v = decodeVerification(fieldsOf(reply));
 * ```
 */
export function decodeVerification(f: Fields | null): VerificationRecord | null {
  if (!f || f.id === undefined) return null;
  return {
    id: f.id,
    purpose: req(f, "purpose"),
    userId: opt(f, "userId"),
    tokenHash: req(f, "tokenHash"),
    createdAt: date(f, "createdAt"),
    expiresAt: date(f, "expiresAt"),
    payload: opt(f, "payload"),
  };
}
