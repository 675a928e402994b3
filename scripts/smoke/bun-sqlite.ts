// Bun only: auth-skill's Kysely storage on Bun's built-in SQLite (bun:sqlite), through the recipe in
// docs/storage.md ("SQLite on Bun"), against the BUILT package (dist/, reached through the package's own
// name). Signup, signin, refresh and a duplicate signup on a fresh in-memory database.
//
//   node_modules/.bin/bun scripts/smoke/bun-sqlite.ts   (run.mjs runs it after smoke.mjs under Bun)

process.env.AUTH_SECRET ??= "smoke-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

// --- the recipe (docs/storage.md) ---
import { Database, type SQLQueryBindings } from "bun:sqlite";
import { Kysely, SqliteDialect, type SqliteDatabase } from "kysely";
import { AuthSkill } from "auth-skill";
import { kyselyStorage, sqliteStatementCache } from "auth-skill/kysely";

/** bun:sqlite's Database in the shape Kysely's SqliteDialect expects (that of better-sqlite3). */
function bunSqlite(database: Database): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare(sql) {
      const statement = database.prepare(sql);
      const bind = (parameters: ReadonlyArray<unknown>) => parameters as SQLQueryBindings[];
      return {
        reader: statement.columnNames.length > 0, // a SELECT, or a statement with RETURNING
        all: (parameters) => statement.all(...bind(parameters)),
        run: (parameters) => statement.run(...bind(parameters)),
        iterate: (parameters) => statement.iterate(...bind(parameters)),
      };
    },
  };
}

const database = new Database(":memory:"); // or a file: new Database("auth.db", { create: true })
database.exec("PRAGMA journal_mode = WAL");
const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqliteStatementCache(bunSqlite(database)) }) });
const storage = kyselyStorage({ db });
await storage.migrate();
const auth = new AuthSkill({ secret: process.env.AUTH_SECRET, storage });
// --- end of the recipe ---

import { AuthError } from "auth-skill";

function check(condition: boolean, step: string, detail = ""): void {
  if (!condition) throw new Error(`smoke (bun:sqlite): ${step} failed${detail ? `: ${detail}` : ""}`);
}

const started = Date.now();
const email = "ada@example.com";
const password = "correct horse battery staple";
const signedUp = await auth.signup({ email, password, name: "Ada" });
check(signedUp.user.email === email, "signup user.email", signedUp.user.email);
const signedIn = await auth.signin({ email, password });
check(signedIn.user.id === signedUp.user.id, "signin user.id");
check((await auth.verifyAccessToken(signedIn.accessToken)).sub === signedUp.user.id, "verifyAccessToken sub");
const refreshed = await auth.refresh(signedIn.refreshToken);
check(refreshed.sessionId === signedIn.sessionId, "refresh keeps the session");
let duplicate: unknown;
try {
  await auth.signup({ email, password });
} catch (err) {
  duplicate = err;
}
check(duplicate instanceof AuthError && duplicate.code === "USER_EXISTS", "signup twice", String(duplicate));
const rows = await db.selectFrom("auth_users").select("email").execute();
check(rows.length === 1 && rows[0]?.email === email, "one row in auth_users", JSON.stringify(rows));
await db.destroy();
console.log(`smoke OK: bun ${Bun.version} bun:sqlite through kyselyStorage (migrate, signup, signin, refresh, USER_EXISTS) in ${Date.now() - started} ms`);
