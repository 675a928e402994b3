import type { ExpressionBuilder, Kysely } from "kysely";

/**
 * A Kysely instance over any database type. The adapters and the bridge name their tables themselves, so a
 * user's `Kysely<MyDatabase>` (or an untyped `Kysely<any>`) is accepted as it is.
 */
// biome-ignore lint/suspicious/noExplicitAny: Kysely's database type parameter is invariant; `any` is how Kysely itself takes every schema.
export type AnyKysely = Kysely<any>;

/** An expression builder over any table of {@link AnyKysely}. */
// biome-ignore lint/suspicious/noExplicitAny: as above, for the database and the table.
export type AnyExpressionBuilder = ExpressionBuilder<any, any>;
