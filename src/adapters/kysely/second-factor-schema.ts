import type { Flag, Millis, TableSpec } from "./columns.js";

/**
 * The second-factor tables (schema version 5): a user's TOTP enrolment (one row per user), their recovery codes
 * (one row per keyed hash), and their passkeys. Each references `users.id` with `ON DELETE CASCADE`.
 */

/** A row of the totp table: one per user with an enrolment. */
export interface TotpTable {
  user_id: string;
  /** The confirmed secret, sealed; NULL while only a pending one exists. */
  secret: string | null;
  /** A secret enrolled but not confirmed yet, sealed. */
  pending_secret: string | null;
  /** The last accepted RFC 6238 time step (BIGINT: pg reads it as a string). */
  last_step: Millis | null;
  updated_at: Millis;
}

/** A row of the recovery_codes table: one unused code (its keyed hash) of a user; (user_id, code_hash) is the key. */
export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  created_at: Millis;
}

/** A row of the passkeys table. */
export interface PasskeysTable {
  /** The credential id, base64url. */
  id: string;
  user_id: string;
  user_handle: string;
  public_key: string;
  /** The signature counter, up to 2^32-1 (BIGINT). */
  counter: Millis;
  /** A JSON array of transport names. */
  transports: string;
  device_type: string;
  backed_up: Flag;
  name: string | null;
  created_at: Millis;
  last_used_at: Millis | null;
}

/**
 * The specs of the second-factor tables, in creation order.
 *
 * @example
 * ```ts
 * SECOND_FACTOR_SPECS.map((s) => s.table); // ["totp", "recovery_codes", "passkeys"]
 * ```
 */
export const SECOND_FACTOR_SPECS: readonly TableSpec[] = [
  {
    table: "totp",
    columns: [
      ["user_id", "id"],
      ["secret", "text", "null"],
      ["pending_secret", "text", "null"],
      ["last_step", "big", "null"],
      ["updated_at", "time"],
    ],
    primaryKey: ["user_id"],
    unique: [],
    indexed: [],
    userRef: "user_id",
  },
  {
    table: "recovery_codes",
    columns: [
      ["user_id", "id"],
      ["code_hash", "id"],
      ["created_at", "time"],
    ],
    primaryKey: ["user_id", "code_hash"], // also the index of a user's codes
    unique: [],
    indexed: [],
    userRef: "user_id",
  },
  {
    table: "passkeys",
    columns: [
      ["id", "credential"],
      ["user_id", "id"],
      ["user_handle", "id"],
      ["public_key", "text"],
      ["counter", "big"],
      ["transports", "text"],
      ["device_type", "id"],
      ["backed_up", "flag"],
      ["name", "text", "null"],
      ["created_at", "time"],
      ["last_used_at", "time", "null"],
    ],
    unique: [],
    indexed: ["user_id"],
    userRef: "user_id",
  },
];
