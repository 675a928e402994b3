import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from "kysely";

const SLOT = "\u0000auth-skill-slot:";

/** Runs a {@link template}'s statement with `values` for its slots, on `db` or on a transaction. */
export type TemplateRunner<DB, Row, Name extends string> = (values: Record<Name, unknown>, on?: Kysely<DB>) => Promise<QueryResult<Row>>;

/**
 * A statement built and compiled once, its values filled in on each call. Kysely otherwise builds an
 * operation tree and compiles it on every call, which on SQLite costs about as much as running the
 * statement. The query is built with a marker string in each slot; compiling it records where each
 * marker landed among the parameters, and every other parameter (such as the `1` of `generation + 1`)
 * is kept as it was. It is built through the adapter's Kysely instance, so that instance's plugins
 * (e.g. `withSchema`) shape the SQL as they would per call.
 *
 * @example
 * ```ts
 * const findSession = template(db, ["id"], (slot) => db.selectFrom("auth_sessions").selectAll().where("id", "=", slot.id));
 * const { rows } = await findSession({ id });
 * ```
 */
export function template<DB, Row, Name extends string>(
  db: Kysely<DB>,
  names: readonly Name[],
  build: (slot: Readonly<Record<Name, string>>) => Compilable<Row>,
): TemplateRunner<DB, Row, Name> {
  const slot = Object.fromEntries(names.map((name) => [name, SLOT + name])) as Record<Name, string>;
  const { sql, parameters } = build(slot).compile();
  const fill = parameters.map((p) => (typeof p === "string" && p.startsWith(SLOT) ? { name: p.slice(SLOT.length) as Name } : { value: p }));
  for (const name of names) {
    if (!fill.some((f) => "name" in f && f.name === name)) throw new TypeError(`template: slot "${name}" is not used by the query`);
  }
  return (values, on = db) =>
    on.executeQuery(
      CompiledQuery.raw(
        sql,
        fill.map((f) => ("name" in f ? values[f.name] : f.value)),
      ) as CompiledQuery<Row>,
    );
}
