/**
 * auth-skill on PostgreSQL: the Kysely adapter over a `pg` pool. Creates its tables, signs a user up and
 * in, rotates and revokes a session, and prints what happened.
 *
 *   DATABASE_URL=postgres://user:password@127.0.0.1:5432/app npx tsx examples/postgres/index.ts
 *
 * (or AUTH_SKILL_PG_URL, as `bash scripts/services.sh up` writes it). AUTH_TABLE_PREFIX picks the tables'
 * prefix (default "auth_"). Running it twice is fine: the second run signs the existing user in.
 */
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { AuthError, AuthSkill } from "auth-skill";
import { kyselyStorage } from "auth-skill/kysely";

const url = process.env.DATABASE_URL ?? process.env.AUTH_SKILL_PG_URL;
if (!url) {
  console.error("Set DATABASE_URL (or AUTH_SKILL_PG_URL) to a PostgreSQL connection string.");
  process.exit(2);
}
const tablePrefix = process.env.AUTH_TABLE_PREFIX ?? "auth_";

const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 10 }) }) });
const storage = kyselyStorage({ db, tablePrefix });
const auth = new AuthSkill({
  // In a real service: secret: process.env.AUTH_SECRET (at least 32 random characters).
  secret: "postgres-example-secret-0123456789-abcdefghijkl",
  storage,
});

const show = (label: string, value: string) => console.log(`${label.padEnd(18)} ${value}`);
const short = (token: string) => `${token.slice(0, 16)}… (${token.length} chars)`;

/** Runs a call that must fail, and prints the AuthError code it gives. */
async function refused(label: string, attempt: () => Promise<unknown>): Promise<void> {
  try {
    await attempt();
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    return show(label, `refused: ${err.code} (${err.status})`);
  }
  throw new Error(`${label}: expected an AuthError`);
}

try {
  await storage.migrate(); // creates the tables and indexes if missing; safe to run on every start
  show("migrate", `tables ${tablePrefix}users, ${tablePrefix}sessions, ${tablePrefix}verifications ready`);

  const email = "ada@example.com";
  const password = "correct horse battery staple";
  try {
    const signedUp = await auth.signup({ email, password, name: "Ada Lovelace" });
    show("signup", `created ${signedUp.user.email} (user ${signedUp.user.id})`);
  } catch (err) {
    if (!(err instanceof AuthError && err.code === "USER_EXISTS")) throw err;
    show("signup", `${email} already exists (USER_EXISTS): signing in`);
  }

  const session = await auth.signin({ email, password }, { ip: "203.0.113.7", userAgent: "examples/postgres" });
  show("signin", `session ${session.sessionId}, refresh token ${short(session.refreshToken)}`);
  const claims = await auth.verifyAccessToken(session.accessToken, { checkRevocation: true });
  show("access token", `valid: sub=${claims.sub} sid=${claims.sid}`);

  const rotated = await auth.refresh(session.refreshToken);
  show("refresh", `rotated: same session ${rotated.sessionId === session.sessionId}, new token ${short(rotated.refreshToken)}`);

  await auth.revoke(rotated.refreshToken);
  show("revoke", "session ended");
  await refused("refresh again", () => auth.refresh(rotated.refreshToken));
  await refused("access token", () => auth.verifyAccessToken(rotated.accessToken, { checkRevocation: true }));
  console.log("Done.");
} finally {
  await db.destroy(); // closes the pool, so the process exits
}
