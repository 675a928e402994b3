/**
 * Second-factor records <-> Redis hashes, with the encoding of codec.ts (dates as epoch milliseconds, booleans
 * as "1"/"0", integers in decimal, a `null` field absent). Arguments are checked before anything is sent: a
 * step, counter or date Redis could not store exactly is a `TypeError` (the message names the argument, never
 * its value).
 */
import type { PasskeyRecord, TotpRecord } from "../../storage/second-factor.js";
import type { Fields } from "./codec.js";
import { date, flag, int, opt, optDate, req } from "./decode.js";

/** The largest signature counter (WebAuthn's is an unsigned 32-bit integer). */
const MAX_COUNTER = 2 ** 32 - 1;

/**
 * `at` as epoch milliseconds; a `TypeError` for an invalid Date.
 *
 * @example
 * ```ts
 * msOf(new Date(0), "now"); // 0
 * ```
 */
export function msOf(at: Date, name: string): number {
  const t = at instanceof Date ? at.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new TypeError(`auth-skill/redis: ${name} must be a valid Date`);
  return t;
}

/**
 * A TOTP time step as a script argument: a non-negative safe integer (Lua compares it as a double, exact below 2^53).
 *
 * @example
 * ```ts
 * stepArg(59_000_000); // "59000000"
 * ```
 */
export function stepArg(step: number): string {
  if (!Number.isSafeInteger(step) || step < 0) throw new TypeError("auth-skill/redis: step must be a non-negative integer");
  return String(step);
}

/**
 * A signature counter as a script argument: an integer from 0 to 2^32 - 1.
 *
 * @example
 * ```ts
 * counterArg(7); // "7"
 * ```
 */
export function counterArg(counter: number): string {
  if (!Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER)
    throw new TypeError("auth-skill/redis: counter must be an integer from 0 to 2^32 - 1");
  return String(counter);
}

/**
 * Keyed recovery-code hashes as script arguments (strings only).
 *
 * @example
 * ```ts
 * codesArgs(["h1", "h2"]); // ["h1", "h2"]
 * ```
 */
export function codesArgs(codes: readonly string[]): string[] {
  if (!Array.isArray(codes) || !codes.every((c) => typeof c === "string")) throw new TypeError("auth-skill/redis: recovery codes must be an array of strings");
  return [...codes];
}

/**
 * HSET arguments (`[field, value, ...]`) for a passkey; `name` and `lastUsedAt` are left out when null.
 *
 * @example
 * ```ts
 * encodePasskey(record); // ["id", "cred1", "userId", "u1", "userHandle", "...", "publicKey", "...", "counter", "0", ...]
 * ```
 */
export function encodePasskey(p: PasskeyRecord): string[] {
  if (!Array.isArray(p.transports) || !p.transports.every((t) => typeof t === "string"))
    throw new TypeError("auth-skill/redis: transports must be an array of strings");
  if (p.deviceType !== "singleDevice" && p.deviceType !== "multiDevice")
    throw new TypeError('auth-skill/redis: deviceType must be "singleDevice" or "multiDevice"');
  const fields = [
    ["id", p.id],
    ["userId", p.userId],
    ["userHandle", p.userHandle],
    ["publicKey", p.publicKey],
    ["counter", counterArg(p.counter)],
    ["transports", JSON.stringify(p.transports)],
    ["deviceType", p.deviceType],
    ["backedUp", p.backedUp ? "1" : "0"],
    ["name", p.name],
    ["createdAt", String(msOf(p.createdAt, "createdAt"))],
    ["lastUsedAt", p.lastUsedAt === null ? null : String(msOf(p.lastUsedAt, "lastUsedAt"))],
  ] as const;
  return fields.flatMap(([field, value]) => (value === null ? [] : [field, String(value)]));
}

/** Transports as stored (a JSON array of strings); anything else is an error. */
function transports(f: Fields): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(req(f, "transports"));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((t) => typeof t === "string"))
    throw new Error('auth-skill/redis: stored field "transports" is not a JSON array of strings');
  return parsed;
}

/**
 * A passkey from its hash, or null for an empty (missing) hash.
 *
 * @example
 * ```ts
 * const passkey = decodePasskey(await client.hgetall(keys.passkey(id)));
 * ```
 */
export function decodePasskey(f: Fields | null): PasskeyRecord | null {
  if (!f || f.id === undefined) return null;
  const deviceType = req(f, "deviceType");
  if (deviceType !== "singleDevice" && deviceType !== "multiDevice")
    throw new Error('auth-skill/redis: stored field "deviceType" is not "singleDevice" or "multiDevice"');
  return {
    id: f.id,
    userId: req(f, "userId"),
    userHandle: req(f, "userHandle"),
    publicKey: req(f, "publicKey"),
    counter: int(req(f, "counter"), "counter"),
    transports: transports(f),
    deviceType,
    backedUp: flag(req(f, "backedUp"), "backedUp"),
    name: opt(f, "name"),
    createdAt: date(f, "createdAt"),
    lastUsedAt: optDate(f, "lastUsedAt"),
  };
}

/**
 * A TOTP enrolment from its hash and the size of the user's recovery-code set, or null for an empty (missing)
 * hash. Codes count only beside a confirmed secret.
 *
 * @example
 * ```ts
 * const totp = decodeTotp(fieldsOf(reply[0]), Number(reply[1]));
 * ```
 */
export function decodeTotp(f: Fields | null, codes: number): TotpRecord | null {
  if (!f || f.userId === undefined) return null;
  const secret = opt(f, "secret");
  return {
    userId: f.userId,
    secret,
    pendingSecret: opt(f, "pendingSecret"),
    lastStep: f.lastStep === undefined ? null : int(f.lastStep, "lastStep"),
    recoveryCodes: secret === null ? 0 : codes,
    updatedAt: date(f, "updatedAt"),
  };
}
