import type { KyselyDialect } from "./dialect.js";

/**
 * The portable column types and table specs the schema is written in (schema.ts renders them per dialect).
 */

/** A timestamp as stored (epoch milliseconds) and as drivers return it: pg reads BIGINT as a string. */
export type Millis = number | string | bigint;
/** A boolean as stored: `BOOLEAN` on PostgreSQL, 0/1 on SQLite and MySQL. */
export type Flag = boolean | number;

/** A column's portable type (see {@link TYPES}). */
export type Type = "id" | "text" | "time" | "int" | "big" | "flag" | "credential";
/** `"null"`: nullable; `"zero"`: NOT NULL DEFAULT 0 (a counter rows from before it read as 0); none: NOT NULL. */
export type Modifier = "null" | "zero";
/** A column: name, type, modifier. */
export type Column = readonly [name: string, type: Type, modifier?: Modifier];

/** One table: its columns, primary key (default `id`), unique and indexed columns, and the column referencing users. */
export interface TableSpec {
  /** The table's name without the prefix. */
  table: string;
  columns: readonly Column[];
  /** The primary key's columns; `["id"]` when absent. */
  primaryKey?: readonly string[];
  unique: readonly string[];
  indexed: readonly string[];
  /** A column referencing `users.id`, `ON DELETE CASCADE`. */
  userRef?: string;
}

/**
 * Each portable type in each dialect. `big` holds integers up to 2^53 (TOTP steps, WebAuthn counters up to
 * 2^32-1); `credential` a WebAuthn credential id (base64url of up to 1,023 bytes: 1,364 characters), ASCII on
 * MySQL so its primary key fits InnoDB's 3,072-byte index limit.
 *
 * @example
 * ```ts
 * TYPES.postgres.big; // "BIGINT"
 * ```
 */
export const TYPES: Record<KyselyDialect, Record<Type, string>> = {
  sqlite: { id: "TEXT", text: "TEXT", time: "INTEGER", int: "INTEGER", big: "INTEGER", flag: "INTEGER", credential: "TEXT" },
  postgres: { id: "VARCHAR(255)", text: "TEXT", time: "BIGINT", int: "INTEGER", big: "BIGINT", flag: "BOOLEAN", credential: "VARCHAR(1400)" },
  mysql: {
    id: "VARCHAR(255)",
    text: "TEXT",
    time: "BIGINT",
    int: "INTEGER",
    big: "BIGINT",
    flag: "BOOLEAN",
    credential: "VARCHAR(1400) CHARACTER SET ascii COLLATE ascii_bin",
  },
};

/**
 * Each column modifier as SQL (the same in every dialect).
 *
 * @example
 * ```ts
 * MODIFIERS.zero; // "NOT NULL DEFAULT 0"
 * ```
 */
export const MODIFIERS: Record<Modifier | "none", string> = { null: "NULL", zero: "NOT NULL DEFAULT 0", none: "NOT NULL" };
