/**
 * Records <-> Redis hashes. A record is one hash; each field a string: dates as epoch milliseconds,
 * booleans as "1"/"0", numbers in decimal. A `null` field is simply absent from the hash, so a patch
 * that sets something to null is an HDEL.
 */
import type { RotateSessionInput, SessionRecord, UserPatch, UserRecord, VerificationRecord } from "../../storage/adapter.js";
import { amrText } from "../../storage/memory.js";

/**
 * A hash as HGETALL returns it.
 *
 * @example
 * ```ts
 * const fields: Fields = await client.hgetall(key); // { id: "s1", generation: "0", ... }
 * ```
 */
export type Fields = Record<string, string>;

/**
 * A change to a hash: field/value pairs to HSET and field names to HDEL.
 *
 * @example
 * ```ts
 * const patch: HashPatch = { set: ["name", "Ada"], del: ["passwordHash"] };
 * ```
 */
export interface HashPatch {
  set: string[];
  del: string[];
}

type Value = string | number | boolean | Date | null;

function text(value: Value): string {
  if (value instanceof Date) {
    const t = value.getTime();
    if (!Number.isFinite(t)) throw new TypeError("auth-skill/redis: invalid date");
    return String(t);
  }
  if (typeof value === "boolean") return value ? "1" : "0";
  return String(value);
}

/** Non-null entries as HSET arguments; nulls (and undefined patch entries) become HDEL names. */
function toPatch(entries: Record<string, Value | undefined>): HashPatch {
  const patch: HashPatch = { set: [], del: [] };
  for (const [field, value] of Object.entries(entries)) {
    if (value === undefined) continue;
    if (value === null) patch.del.push(field);
    else patch.set.push(field, text(value));
  }
  return patch;
}

const USER_FIELDS = ["id", "email", "username", "name", "emailVerified", "passwordHash", "createdAt", "updatedAt"] as const;
const SESSION_FIELDS = [
  "id",
  "userId",
  "tokenHash",
  "generation",
  "rotatedAt",
  "successor",
  "createdAt",
  "expiresAt",
  "lastUsedAt",
  "revokedAt",
  "ipAddress",
  "userAgent",
  "persistent",
] as const; // prettier-ignore
const VERIFICATION_FIELDS = ["id", "purpose", "userId", "tokenHash", "createdAt", "expiresAt", "payload"] as const;

function pick<T extends object>(record: T, fields: readonly (keyof T & string)[]): string[] {
  return toPatch(Object.fromEntries(fields.map((f) => [f, record[f] as Value]))).set;
}

/**
 * HSET arguments (`[field, value, ...]`) for a user; null fields are left out, unknown properties ignored.
 *
 * @example
 * ```ts
 * encodeUser(user); // ["id", "u1", "email", "ada@example.com", "emailVerified", "0", ...]
 * ```
 */
export const encodeUser = (user: UserRecord): string[] => [...pick(user, USER_FIELDS), "roles", JSON.stringify(user.roles ?? [])];

/**
 * HSET arguments for a session (see {@link encodeUser}).
 *
 * @example
 * ```ts
 * encodeSession(session); // ["id", "s1", "userId", "u1", "tokenHash", "...", "generation", "0", ...]
 * ```
 */
export function encodeSession(session: SessionRecord): string[] {
  const amr = amrText(session.amr, "auth-skill/redis"); // comma-joined; none (or []) is no field: unknown
  return [...pick(session, SESSION_FIELDS), ...(amr === null ? [] : ["amr", amr])];
}

/**
 * HSET arguments for a verification (see {@link encodeUser}).
 *
 * @example
 * ```ts
 * encodeVerification(record); // ["id", "v1", "purpose", "password-reset", ...]
 * ```
 */
export const encodeVerification = (record: VerificationRecord): string[] => pick(record, VERIFICATION_FIELDS);

/** The patchable fields of a user (`email` moves its index key too: the script does that). */
const USER_PATCHABLE = ["passwordHash", "emailVerified", "name", "updatedAt", "email"] as const;

/**
 * The HSET/HDEL of {@link UserPatch} (roles as a JSON array); any other key (such as `id`) is ignored.
 *
 * @example
 * ```ts
 * userPatch({ passwordHash: null, updatedAt: now }); // { set: ["updatedAt", "1767225600000"], del: ["passwordHash"] }
 * ```
 */
export function userPatch(patch: UserPatch): HashPatch {
  const result = toPatch(Object.fromEntries(USER_PATCHABLE.map((field) => [field, patch[field]])));
  if (patch.roles !== undefined) result.set.push("roles", JSON.stringify(patch.roles));
  return result;
}

/**
 * The HSET/HDEL of a rotation's `next`.
 *
 * @example
 * ```ts
 * rotationPatch({ tokenHash: "h2", successor: null, rotatedAt: now, lastUsedAt: now });
 * ```
 */
export function rotationPatch(next: RotateSessionInput["next"]): HashPatch {
  const { tokenHash, successor, rotatedAt, lastUsedAt } = next;
  return toPatch({ tokenHash, successor, rotatedAt, lastUsedAt });
}

/**
 * A patch as script arguments: the number of HSET values, the pairs, then the fields to HDEL.
 *
 * @example
 * ```ts
 * patchArgs({ set: ["name", "Ada"], del: ["passwordHash"] }); // ["2", "name", "Ada", "passwordHash"]
 * ```
 */
export function patchArgs(patch: HashPatch): string[] {
  return [String(patch.set.length), ...patch.set, ...patch.del];
}

/**
 * A flat `[field, value, ...]` reply (HGETALL inside Lua) as an object; an empty reply is null.
 *
 * @example
 * ```ts
 * fieldsOf(["id", "s1", "generation", "2"]); // { id: "s1", generation: "2" }
 * ```
 */
export function fieldsOf(reply: unknown): Fields | null {
  if (!Array.isArray(reply) || reply.length === 0) return null;
  const fields: Fields = {};
  for (let i = 0; i + 1 < reply.length; i += 2) fields[String(reply[i])] = String(reply[i + 1]);
  return fields;
}
