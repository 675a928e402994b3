import { sql, type Kysely } from "kysely";
import type { KyselyDialect, KyselyStorage } from "auth-skill/kysely";

/** The tables' columns and indexes, read from the database's catalog, as sorted lines. */
export interface SchemaSnapshot {
  /** "users.email varchar(255) not null" ... */
  columns: string[];
  /** "users.email unique" / "sessions.user_id index" (one line per indexed column, names left out). */
  indexes: string[];
  /** Index names, to compare two snapshots exactly. */
  indexNames: string[];
}

type Row = { tbl: string; name: string; type?: string; nullable?: unknown; unique?: unknown; col?: string };

const QUERIES: Record<
  KyselyDialect,
  { columns: (tables: string[]) => ReturnType<typeof sql<Row>>; indexes: (tables: string[]) => ReturnType<typeof sql<Row>> }
> = {
  sqlite: {
    columns: (tables) => sql<Row>`select m.name as tbl, c.name as name, c.type as type, c."notnull" = 0 as nullable
      from sqlite_master m join pragma_table_info(m.name) c where m.type = 'table' and m.name in (${sql.join(tables)})`,
    indexes: (tables) => sql<Row>`select m.name as tbl, il.name as name, il."unique" as "unique", ii.name as col
      from sqlite_master m join pragma_index_list(m.name) il join pragma_index_info(il.name) ii
      where m.type = 'table' and m.name in (${sql.join(tables)})`,
  },
  postgres: {
    columns: (tables) => sql<Row>`select table_name as tbl, column_name as name,
      data_type || coalesce('(' || character_maximum_length || ')', '') as type, is_nullable = 'YES' as nullable
      from information_schema.columns where table_schema = current_schema() and table_name in (${sql.join(tables)})`,
    indexes: (tables) => sql<Row>`select t.relname as tbl, i.relname as name, ix.indisunique as "unique", a.attname as col
      from pg_index ix join pg_class i on i.oid = ix.indexrelid join pg_class t on t.oid = ix.indrelid
      join pg_attribute a on a.attrelid = t.oid and a.attnum = any(ix.indkey)
      where t.relnamespace = current_schema()::regnamespace and t.relname in (${sql.join(tables)})`,
  },
  mysql: {
    columns: (tables) => sql<Row>`select table_name as tbl, column_name as name,
      concat(column_type, ' ', coalesce(collation_name, '')) as type, is_nullable = 'YES' as nullable
      from information_schema.columns where table_schema = database() and table_name in (${sql.join(tables)})`,
    indexes: (tables) => sql<Row>`select table_name as tbl, index_name as name, non_unique = 0 as "unique", column_name as col
      from information_schema.statistics where table_schema = database() and table_name in (${sql.join(tables)})`,
  },
};

/**
 * Reads the schema of `storage`'s tables from the catalog.
 */
export async function snapshot(db: Kysely<any>, storage: KyselyStorage): Promise<SchemaSnapshot> {
  const { users, sessions, verifications, totp, recoveryCodes, passkeys } = storage.tables;
  const byName = new Map<string, string>([
    [users, "users"],
    [sessions, "sessions"],
    [verifications, "verifications"],
    [totp, "totp"],
    [recoveryCodes, "recovery_codes"],
    [passkeys, "passkeys"],
  ]);
  const tables = [...byName.keys()];
  const short = (t: string) => byName.get(t) ?? t;
  const q = QUERIES[storage.dialect];
  const columns = (await q.columns(tables).execute(db)).rows;
  const indexes = (await q.indexes(tables).execute(db)).rows;
  const truthy = (v: unknown) => v === true || Number(v) === 1;
  return {
    columns: columns.map((c) => `${short(c.tbl)}.${c.name} ${String(c.type).toLowerCase()}${truthy(c.nullable) ? "" : " not null"}`).sort(),
    indexes: [...new Set(indexes.map((i) => `${short(i.tbl)}.${i.col} ${truthy(i.unique) ? "unique" : "index"}`))].sort(),
    indexNames: [...new Set(indexes.map((i) => `${short(i.tbl)}:${i.name}`))].sort(),
  };
}
