import { sql } from "kysely";
import { AuthError } from "../errors.js";
import type { Db } from "./db.js";

/**
 * Better Auth's optional plugin tables the bridge's second factors use: the twoFactor plugin's `twoFactor` and
 * the passkey plugin's `passkey` (`@better-auth/passkey`). Whether one exists is read from the database's catalogue
 * at the first use; a table found is remembered (Better Auth's migrations never drop one), a missing one is looked
 * for again next time, so that running the plugin's migration later needs no restart.
 */
export type PluginTable = "twoFactor" | "passkey";

const PLUGINS: Record<PluginTable, string> = {
  twoFactor: "Better Auth's twoFactor plugin (its `twoFactor` table)",
  passkey: "Better Auth's passkey plugin, @better-auth/passkey (its `passkey` table)",
};

const found = new WeakMap<Db, Map<PluginTable, ReadonlySet<string>>>();

/**
 * The columns of a plugin table, or `null` when the table does not exist (yet).
 *
 * @example
 * ```ts
 * const columns = await pluginTable(db, "passkey"); // Set { "id", "name", "publicKey", ... } or null
 * ```
 */
export async function pluginTable(db: Db, table: PluginTable): Promise<ReadonlySet<string> | null> {
  const known = found.get(db)?.get(table);
  if (known) return known;
  const rows =
    db.dialect === "sqlite"
      ? (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db.kysely)).rows
      : (
          await sql<{
            name: string;
          }>`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = ${table}`.execute(db.kysely)
        ).rows;
  if (rows.length === 0) return null;
  const columns = new Set(rows.map((r) => String(r.name)));
  if (!found.has(db)) found.set(db, new Map());
  found.get(db)!.set(table, columns);
  return columns;
}

/**
 * The columns of a plugin table a write needs: `CONFIG_ERROR` naming the plugin when the table is missing.
 *
 * @example
 * ```ts
 * await requirePluginTable(db, "twoFactor"); // throws CONFIG_ERROR without the twoFactor plugin's migration
 * ```
 */
export async function requirePluginTable(db: Db, table: PluginTable): Promise<ReadonlySet<string>> {
  const columns = await pluginTable(db, table);
  if (columns) return columns;
  throw new AuthError("CONFIG_ERROR", `betterAuthBridge: this second factor needs ${PLUGINS[table]}; add the plugin to Better Auth and run its migration.`);
}
