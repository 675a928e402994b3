import { it } from "vitest";
import { runStorageConformance } from "auth-skill/testing";
import type { KyselyStorage } from "auth-skill/kysely";
import { dropTables, freshStorage, serverTarget } from "./helpers.js";

// One shared pool; a fresh random table prefix per test, its tables dropped afterwards.
const target = serverTarget("pg");
if (target) {
  const teardown = (storage: unknown) => dropTables(target.db(), storage as KyselyStorage);
  runStorageConformance("kysely postgres (migrate)", () => freshStorage(target.db()), { teardown });
  runStorageConformance("kysely postgres (kyselySchemaSql)", () => freshStorage(target.db(), "schema-sql"), { teardown });
} else {
  it.skip("storage conformance: kysely postgres (needs AUTH_SKILL_PG_URL)", () => undefined);
}
