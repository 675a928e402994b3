import type { PasskeyRecord, TotpRecord } from "../../storage/second-factor.js";
import type { Flag, Millis } from "./columns.js";
import { millis, type FlagWriter } from "./rows.js";
import type { PasskeysTable, TotpTable } from "./second-factor-schema.js";

/** Second-factor records <-> rows. BIGINT columns come back from pg as strings; JSON text is checked on read. */

const num = (value: Millis) => Number(value);
const flag = (value: Flag | string | bigint) => value === true || Number(value) === 1;

/**
 * A totp row, with the user's count of recovery codes, as a record (no codes while only a pending secret exists).
 *
 * @example
 * ```ts
 * const record = toTotp(row, Number(row.codes));
 * ```
 */
export function toTotp(row: TotpTable, codes: number): TotpRecord {
  return {
    userId: row.user_id,
    secret: row.secret,
    pendingSecret: row.pending_secret,
    lastStep: row.last_step === null ? null : num(row.last_step),
    recoveryCodes: row.secret === null ? 0 : codes,
    updatedAt: new Date(num(row.updated_at)),
  };
}

/**
 * Transports as stored: a JSON array of strings. Anything else is an error, never read as some other list.
 *
 * @example
 * ```ts
 * readTransports('["internal","hybrid"]'); // ["internal", "hybrid"]
 * ```
 */
export function readTransports(value: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((t) => typeof t === "string"))
    throw new Error("auth-skill/kysely: a stored passkey's transports value is not a JSON array of strings");
  return parsed;
}

/**
 * A passkey record as a row to insert. Throws `TypeError` for a counter that is not an integer in [0, 2^32-1].
 *
 * @example
 * ```ts
 * await db.insertInto("auth_passkeys").values(passkeyRow(record, flagWriter("postgres"))).execute();
 * ```
 */
export function passkeyRow(p: PasskeyRecord, writeFlag: FlagWriter): PasskeysTable {
  return {
    id: p.id,
    user_id: p.userId,
    user_handle: p.userHandle,
    public_key: p.publicKey,
    counter: counterValue(p.counter),
    transports: JSON.stringify(p.transports),
    device_type: p.deviceType,
    backed_up: writeFlag(p.backedUp),
    name: p.name,
    created_at: millis(p.createdAt),
    last_used_at: p.lastUsedAt === null ? null : millis(p.lastUsedAt),
  };
}

/**
 * A signature counter as stored: an integer from 0 to 2^32-1, else `TypeError` (a caller's mistake).
 *
 * @example
 * ```ts
 * counterValue(4294967295); // 4294967295
 * ```
 */
export function counterValue(counter: number): number {
  if (!Number.isInteger(counter) || counter < 0 || counter > 0xffff_ffff) throw new TypeError("auth-skill/kysely: invalid passkey counter");
  return counter;
}

const deviceType = (value: string): PasskeyRecord["deviceType"] => {
  if (value === "multiDevice" || value === "singleDevice") return value;
  throw new Error("auth-skill/kysely: a stored passkey's device type is neither singleDevice nor multiDevice");
};

/**
 * A TOTP time step as stored: a non-negative safe integer, else `TypeError` (a caller's mistake).
 *
 * @example
 * ```ts
 * stepValue(59_000_000); // 59000000
 * ```
 */
export function stepValue(step: number): number {
  if (!Number.isSafeInteger(step) || step < 0) throw new TypeError("auth-skill/kysely: invalid TOTP step");
  return step;
}

/**
 * A passkeys row as a record.
 *
 * @example
 * ```ts
 * const passkey = row ? toPasskey(row) : null;
 * ```
 */
export function toPasskey(row: PasskeysTable): PasskeyRecord {
  return {
    id: row.id,
    userId: row.user_id,
    userHandle: row.user_handle,
    publicKey: row.public_key,
    counter: num(row.counter),
    transports: readTransports(row.transports),
    deviceType: deviceType(row.device_type),
    backedUp: flag(row.backed_up),
    name: row.name,
    createdAt: new Date(num(row.created_at)),
    lastUsedAt: row.last_used_at === null ? null : new Date(num(row.last_used_at)),
  };
}
