import { AuthError } from "../../errors.js";
import { MODIFIERS, TYPES, type Flag, type Millis, type TableSpec } from "./columns.js";
import { isKyselyDialect, quote, type KyselyDialect } from "./dialect.js";
import { SECOND_FACTOR_SPECS, type PasskeysTable, type RecoveryCodesTable, type TotpTable } from "./second-factor-schema.js";

/**
 * The tables (users, sessions, single-use tokens, and the second factors of second-factor-schema.ts), their columns
 * and indexes. Portable types: ids and hashes are `VARCHAR(255)` (MySQL
 * cannot index TEXT without a length), timestamps are `BIGINT` epoch milliseconds, flags are each
 * dialect's boolean (`INTEGER` 0/1 on SQLite, `BOOLEAN` = `TINYINT(1)` on MySQL). MySQL tables use
 * `utf8mb4_bin`, so ids, hashes and emails compare byte for byte as they do on SQLite and PostgreSQL.
 */

export type { Flag, Millis } from "./columns.js";

/** A row of the users table. */
export interface UsersTable {
  id: string;
  email: string;
  username: string | null;
  name: string | null;
  email_verified: Flag;
  password_hash: string | null;
  created_at: Millis;
  updated_at: Millis;
  /** A JSON array of role names; NULL (rows from before schema version 2) reads as none. */
  roles: string | null;
  /** Whether the user has a confirmed TOTP secret (set with it); NULL (never set, or rows from before schema version 5) reads as absent. */
  two_factor_enabled?: Flag | null | undefined;
}

/** A row of the sessions table. */
export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  generation: number;
  rotated_at: Millis | null;
  successor: string | null;
  created_at: Millis;
  expires_at: Millis;
  last_used_at: Millis;
  revoked_at: Millis | null;
  ip_address: string | null;
  user_agent: string | null;
  /** "Remember me" (`SessionRecord.persistent`); NULL (rows from before schema version 3) reads as remember-me. */
  persistent: Flag | null;
  /** The sign-in's authentication methods (`SessionRecord.amr`), comma-joined; NULL (none, or rows from before version 4): unknown. */
  amr: string | null;
}

/** A row of the verifications table. */
export interface VerificationsTable {
  id: string;
  purpose: string;
  user_id: string | null;
  token_hash: string;
  created_at: Millis;
  expires_at: Millis;
  payload: string | null;
  /** Attempts counted by `reserveVerificationAttempt`; 0 for a new row (and rows from before schema version 4). */
  attempts?: number | string | bigint | undefined;
}

/** The database as the adapter's queries see it (table names are mapped to prefixed ones at runtime). */
export interface Tables {
  users: UsersTable;
  sessions: SessionsTable;
  verifications: VerificationsTable;
  totp: TotpTable;
  recovery_codes: RecoveryCodesTable;
  passkeys: PasskeysTable;
}

/** The default table prefix. */
export const DEFAULT_PREFIX = "auth_";

/**
 * Throws `CONFIG_ERROR` unless `prefix` is at most 32 of `[a-z0-9_]` starting with a letter or `_` (or empty):
 * lower case because MySQL may fold table names; short so every index name fits PostgreSQL's 63 bytes.
 *
 * @example
 * ```ts
 * checkPrefix("myapp_auth_"); // ok
 * ```
 */
export function checkPrefix(prefix: unknown, caller: string): asserts prefix is string {
  if (typeof prefix !== "string" || !/^(?:[a-z_][a-z0-9_]{0,31})?$/.test(prefix)) {
    throw new AuthError("CONFIG_ERROR", `${caller}: tablePrefix must be up to 32 lower-case letters, digits or '_', not starting with a digit`);
  }
}

const SPECS: readonly TableSpec[] = [
  {
    table: "users",
    columns: [
      ["id", "id"],
      ["email", "id"],
      ["username", "id", "null"],
      ["name", "text", "null"],
      ["email_verified", "flag"],
      ["password_hash", "text", "null"],
      ["created_at", "time"],
      ["updated_at", "time"],
      ["roles", "text", "null"],
      ["two_factor_enabled", "flag", "null"],
    ],
    unique: ["email", "username"],
    indexed: [],
  },
  {
    table: "sessions",
    columns: [
      ["id", "id"],
      ["user_id", "id"],
      ["token_hash", "id"],
      ["generation", "int"],
      ["rotated_at", "time", "null"],
      ["successor", "text", "null"],
      ["created_at", "time"],
      ["expires_at", "time"],
      ["last_used_at", "time"],
      ["revoked_at", "time", "null"],
      ["ip_address", "text", "null"],
      ["user_agent", "text", "null"],
      ["persistent", "flag", "null"],
      ["amr", "text", "null"],
    ],
    unique: [],
    indexed: ["user_id", "expires_at", "revoked_at"],
    userRef: "user_id",
  },
  {
    table: "verifications",
    columns: [
      ["id", "id"],
      ["purpose", "id"],
      ["user_id", "id", "null"],
      ["token_hash", "id"],
      ["created_at", "time"],
      ["expires_at", "time"],
      ["payload", "text", "null"],
      ["attempts", "int", "zero"],
    ],
    unique: ["token_hash"],
    indexed: ["user_id", "expires_at"],
    userRef: "user_id",
  },
  ...SECOND_FACTOR_SPECS,
];

/**
 * The prefixed table names, and the constraint name of each unique column (`<table>_<column>_key`).
 *
 * @example
 * ```ts
 * tableNames("auth_").users; // "auth_users"
 * ```
 */
export function tableNames(prefix: string) {
  return {
    users: `${prefix}users`,
    sessions: `${prefix}sessions`,
    verifications: `${prefix}verifications`,
    totp: `${prefix}totp`,
    recoveryCodes: `${prefix}recovery_codes`,
    passkeys: `${prefix}passkeys`,
    migrations: `${prefix}migrations`,
    emailKey: `${prefix}users_email_key`,
    usernameKey: `${prefix}users_username_key`,
  } as const;
}

/**
 * Every name the schema defines (tables, columns, constraints, indexes): the identifiers that may stay
 * in a sanitised driver error message.
 *
 * @example
 * ```ts
 * schemaNames("auth_").has("auth_users_email_key"); // true
 * ```
 */
export function schemaNames(prefix: string): ReadonlySet<string> {
  const names = new Set<string>([`${prefix}migrations`, "version", "applied_at"]);
  for (const spec of SPECS) {
    const table = `${prefix}${spec.table}`;
    names.add(table);
    names.add(`${table}_pkey`); // PostgreSQL's name for the primary key
    for (const [column] of spec.columns) names.add(column);
    for (const c of spec.unique) names.add(`${table}_${c}_key`);
    for (const c of spec.indexed) names.add(`${table}_${c}_idx`);
    if (spec.userRef) names.add(`${table}_${spec.userRef}_fk`);
  }
  return names;
}

function statementsFor(spec: TableSpec, dialect: KyselyDialect, prefix: string): string[] {
  const q = (name: string) => quote(dialect, name);
  const table = `${prefix}${spec.table}`;
  const lines = spec.columns.map(([name, type, modifier]) => `  ${q(name)} ${TYPES[dialect][type]} ${MODIFIERS[modifier ?? "none"]}`);
  lines.push(`  PRIMARY KEY (${(spec.primaryKey ?? ["id"]).map(q).join(", ")})`);
  for (const c of spec.unique) lines.push(`  CONSTRAINT ${q(`${table}_${c}_key`)} UNIQUE (${q(c)})`);
  if (spec.userRef) {
    lines.push(
      `  CONSTRAINT ${q(`${table}_${spec.userRef}_fk`)} FOREIGN KEY (${q(spec.userRef)}) REFERENCES ${q(`${prefix}users`)} (${q("id")}) ON DELETE CASCADE`,
    );
  }
  // MySQL has no CREATE INDEX IF NOT EXISTS (MariaDB does), so there the indexes live inside CREATE TABLE.
  const indexes = spec.indexed.map((c) => [q(`${table}_${c}_idx`), q(c)] as const);
  if (dialect === "mysql") for (const [name, c] of indexes) lines.push(`  INDEX ${name} (${c})`);
  const options = dialect === "mysql" ? " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" : "";
  const create = `CREATE TABLE IF NOT EXISTS ${q(table)} (\n${lines.join(",\n")}\n)${options}`;
  if (dialect === "mysql") return [create];
  return [create, ...indexes.map(([name, c]) => `CREATE INDEX IF NOT EXISTS ${name} ON ${q(table)} (${c})`)];
}

/**
 * The schema's statements, in order (users first: the others reference it).
 *
 * @example
 * ```ts
 * for (const statement of schemaStatements("postgres", "auth_")) await sql.raw(statement).execute(db);
 * ```
 */
export function schemaStatements(dialect: KyselyDialect, prefix: string): string[] {
  return SPECS.flatMap((spec) => statementsFor(spec, dialect, prefix));
}

/**
 * The adapter's schema as plain SQL (`CREATE TABLE/INDEX IF NOT EXISTS` statements separated by `;`), for
 * projects that run their own migrations. `kyselyStorage(...).migrate()` creates exactly these tables, so
 * it is a no-op on a database where this SQL has run.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * import { kyselySchemaSql } from "auth-skill/kysely";
 * writeFileSync("migrations/001_auth.sql", kyselySchemaSql("postgres"));
 * ```
 */
export function kyselySchemaSql(dialect: KyselyDialect, tablePrefix: string = DEFAULT_PREFIX): string {
  if (!isKyselyDialect(dialect)) throw new AuthError("CONFIG_ERROR", 'kyselySchemaSql: dialect must be "sqlite", "postgres" or "mysql"');
  checkPrefix(tablePrefix, "kyselySchemaSql");
  return `${schemaStatements(dialect, tablePrefix).join(";\n\n")};\n`;
}
