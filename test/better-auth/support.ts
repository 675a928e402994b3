/**
 * A real Better Auth (1.7.25, in-process) and the bridge on one database: a fresh in-memory SQLite database,
 * or a fresh schema of the PostgreSQL server at AUTH_SKILL_PG_URL, per call. Better Auth creates its own
 * tables with its migration API (`getMigrations`); the bridge adds its refresh table with `migrate()`.
 * Both get the same Kysely instance, as the docs recommend.
 */
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { betterAuth, type BetterAuthOptions } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { bearer, jwt, username } from "better-auth/plugins";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { betterAuthBridge, type BetterAuthBridge, type BetterAuthBridgeOptions, type BetterAuthSessionCookie } from "auth-skill/better-auth";
import { serverUrl } from "../support/servers.js";

export type DialectName = "sqlite" | "postgres";

/** The PostgreSQL URL, read once (a notice, or a failing test under CI, when unset). */
export const PG_URL = serverUrl("pg");
/** The dialects this run can test. */
export const DIALECTS: DialectName[] = PG_URL ? ["sqlite", "postgres"] : ["sqlite"];

export const BASE_URL = "http://localhost:3000";
export const ORIGIN = new URL(BASE_URL).origin;

/** A fresh random secret (Better Auth's and, by default, AuthSkill's). */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

export interface TestDatabase {
  dialect: DialectName;
  db: Kysely<any>;
  /** The driver object under `db` (a better-sqlite3 Database or a pg Pool), as apps often hand Better Auth. */
  raw?: Database.Database | pg.Pool;
  close(): Promise<void>;
}

/** An empty database: in-memory SQLite, or a new PostgreSQL schema (dropped on close). */
export async function freshDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === "sqlite") {
    const raw = new Database(":memory:");
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: raw }) });
    return { dialect, db, raw, close: () => db.destroy() };
  }
  if (!PG_URL) throw new Error("AUTH_SKILL_PG_URL is not set");
  const schema = `ba_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: PG_URL, options: `-c search_path=${schema}`, max: 10 });
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect,
    db,
    raw: pool,
    async close() {
      await db.destroy();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema "${schema}" cascade`);
      await c.end();
    },
  };
}

export interface Stack {
  dialect: DialectName;
  db: Kysely<any>;
  secret: string;
  auth: ReturnType<typeof betterAuth>;
  bridge: BetterAuthBridge;
  close(): Promise<void>;
}

export interface StackOptions {
  secret?: string;
  baseURL?: string;
  /** Extra Better Auth options (merged shallowly). */
  betterAuth?: Partial<BetterAuthOptions>;
  /** Extra bridge options. */
  bridge?: Partial<BetterAuthBridgeOptions>;
  /** Plug bridge.passwordHasher into Better Auth (default false: Better Auth's own scrypt). */
  argon2?: boolean;
  /** Add Better Auth's username plugin (and the bridge's usernames option). */
  usernames?: boolean;
  /** More Better Auth plugins (admin, twoFactor...), after jwt and bearer. */
  plugins?: BetterAuthOptions["plugins"];
}

/** Better Auth's options for a database, as an app would configure them. */
export function betterAuthOptions(db: TestDatabase, secret: string, o: StackOptions, bridge?: BetterAuthBridge): BetterAuthOptions {
  return {
    database: { db: db.db, type: db.dialect },
    secret,
    baseURL: o.baseURL ?? BASE_URL,
    plugins: [jwt(), bearer(), ...(o.usernames ? [username()] : []), ...(o.plugins ?? [])],
    logger: { disabled: true },
    telemetry: { enabled: false },
    ...o.betterAuth,
    // merged, so that a test's emailAndPassword settings keep the argon2 hasher
    emailAndPassword: { enabled: true, ...(o.argon2 && bridge ? { password: bridge.passwordHasher } : {}), ...o.betterAuth?.emailAndPassword },
  };
}

/** A fresh database with Better Auth's tables (its own migrations) and ours, a Better Auth instance and a bridge. */
export async function stack(dialect: DialectName, o: StackOptions = {}): Promise<Stack> {
  const database = await freshDatabase(dialect);
  const secret = o.secret ?? newSecret();
  const bridge = betterAuthBridge({ db: database.db, secret, baseURL: o.baseURL ?? BASE_URL, usernames: o.usernames === true, ...o.bridge });
  const options = betterAuthOptions(database, secret, o, bridge);
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  await bridge.migrate();
  const auth = betterAuth(options);
  let closing: Promise<void> | undefined;
  return { dialect, db: database.db, secret, auth, bridge, close: () => (closing ??= database.close()) };
}

/** The `name=value` part of a Set-Cookie header, for a request's Cookie header. */
export function cookiePair(setCookie: string): string {
  return setCookie.split(";")[0]!;
}

/** The session cookie (`name=value`, any prefix) from a Better Auth response's headers. */
export function sessionCookieFrom(headers: Headers): string {
  const cookie = headers.getSetCookie().find((c) => /^[^=;]*\.session_token=/.test(c));
  if (!cookie) throw new Error("no session_token cookie in the response");
  return cookiePair(cookie);
}

/** Signs a user up through Better Auth; resolves the user id, the cookie pair and the bearer token. */
export async function betterAuthSignup(s: Stack, email: string, password: string, name = "Ada") {
  const res = await s.auth.api.signUpEmail({ body: { email, password, name }, returnHeaders: true });
  return { userId: res.response.user.id, cookie: sessionCookieFrom(res.headers), bearer: res.headers.get("set-auth-token")!, headers: res.headers };
}

/** Signs in through Better Auth. */
export async function betterAuthSignin(s: Stack, email: string, password: string) {
  const res = await s.auth.api.signInEmail({ body: { email, password }, returnHeaders: true });
  return { userId: res.response.user.id, cookie: sessionCookieFrom(res.headers), bearer: res.headers.get("set-auth-token")! };
}

/** Better Auth's own verdict on a cookie pair: the session's user id, or null. */
export async function betterAuthUserOf(s: Stack, cookie: string): Promise<string | null> {
  const result = await s.auth.api.getSession({ headers: new Headers({ cookie }) });
  return result?.user.id ?? null;
}

/** The Better Auth cookie of a bridged session (`bridge.cookieFor`), which must exist. */
export async function cookieOf(s: Stack, sessionId: string): Promise<BetterAuthSessionCookie> {
  const cookie = await s.bridge.cookieFor(sessionId);
  if (!cookie) throw new Error("the session has no live Better Auth row");
  return cookie;
}
