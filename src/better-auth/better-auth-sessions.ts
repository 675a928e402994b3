import { signinGate } from "../account/gates.js";
import { AuthError } from "../errors.js";
import { randomId } from "../ids.js";
import type { RequestContext } from "../types.js";
import { serializeSessionCookie, sessionTokenFrom, type CookieSettings } from "./cookie.js";
import { boolFromDb, fromDb, fromDbNullable, toDb, type Db } from "./db.js";
import { bannedFlag, gateFields, secondFactorOn } from "./plugin-columns.js";

/**
 * A row of Better Auth's `user` table (core columns).
 *
 * @example
 * ```ts
 * const user: BetterAuthUser | undefined = (await bridge.getSession(request))?.user;
 * ```
 */
export interface BetterAuthUser {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  image: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** The admin plugin's ban (present when its columns exist). Better Auth's `getSession` does not check it. */
  banned?: boolean;
  /** When the admin plugin's ban ends (`null`: never), present with `banned`. */
  banExpires?: Date | null;
  /** The twoFactor plugin's flag (present when its column exists). */
  twoFactorEnabled?: boolean;
}

/**
 * A row of Better Auth's `session` table. `token` is the bearer secret of the session: never log it.
 *
 * @example
 * ```ts
 * const { session } = (await bridge.getSession(request))!;
 * const { id, expiresAt } = session; // never expose session.token
 * ```
 */
export interface BetterAuthSession {
  id: string;
  userId: string;
  token: string;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
}

/**
 * What `getSession` resolves: the session and its user, as Better Auth's `auth.api.getSession` does.
 *
 * @example
 * ```ts
 * const current: BetterAuthSessionResult | null = await bridge.getSession(request);
 * ```
 */
export interface BetterAuthSessionResult {
  user: BetterAuthUser;
  session: BetterAuthSession;
}

/**
 * A Better Auth session as a browser or a native client takes it: what `bridge.cookieFor` resolves.
 *
 * @example
 * ```ts
 * const cookie: BetterAuthSessionCookie | null = await bridge.cookieFor(result.sessionId);
 * ```
 */
export interface BetterAuthSessionCookie {
  /** Better Auth's session token (the `session.token` column): a bearer secret, never log it. */
  token: string;
  /** A complete `Set-Cookie` header value, with Better Auth's name and attributes, that signs a browser in. */
  setCookie: string;
}

/**
 * What `createSession` resolves: the new session, its token, and the cookie that signs a browser in.
 *
 * @example
 * ```ts
 * const { setCookie }: CreatedBetterAuthSession = await bridge.createSession(userId);
 * ```
 */
export interface CreatedBetterAuthSession extends BetterAuthSessionCookie {
  session: BetterAuthSession;
}

/**
 * Options of `bridge.createSession()`.
 *
 * @example
 * ```ts
 * await bridge.createSession(userId, { ip }, { secondFactorVerified: true }); // after your own second-factor step
 * ```
 */
export interface CreateSessionOptions {
  /**
   * The caller has itself checked this user's second factor. Without it, a user with Better Auth's
   * `twoFactorEnabled` is refused with `MFA_REQUIRED` (default false).
   */
  secondFactorVerified?: boolean | undefined;
}

/** What session reading and writing need. */
export interface SessionContext {
  db: Db;
  /** Better Auth's `requireEmailVerification`: `createSession` refuses unverified users. */
  requireEmailVerification: boolean;
  cookies: CookieSettings;
  cookieSecret: string;
  sessionExpiresInMs: number;
  now: () => Date;
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * The session a request carries (bearer credential or cookie), or `null` when there is none, its signature
 * is wrong, the session is unknown, or it has expired. Read-only: unlike Better Auth's own `getSession`, it
 * neither slides `expiresAt` (updateAge) nor deletes an expired row.
 */
export async function readSession(
  c: SessionContext,
  input: Request | Headers,
  lookup: (token: string) => Promise<BetterAuthSessionResult | null> = (token) => findByToken(c, token),
): Promise<BetterAuthSessionResult | null> {
  const headers = input instanceof Headers ? input : (input as Request | undefined)?.headers;
  if (!(headers instanceof Headers)) throw new TypeError("getSession: pass a Request or a Headers object");
  const token = sessionTokenFrom(headers, c.cookies, c.cookieSecret);
  return token === null ? null : lookup(token);
}

/** The live session with this (already verified) token, joined to its user; `null` if unknown or expired. */
export function findByToken(c: SessionContext, token: string): Promise<BetterAuthSessionResult | null> {
  return findBy(c, "s.token", token);
}

/** The live session with this id, joined to its user; `null` if unknown, ended or expired. */
export function findById(c: SessionContext, id: string): Promise<BetterAuthSessionResult | null> {
  return findBy(c, "s.id", id);
}

async function findBy(c: SessionContext, column: "s.token" | "s.id", value: string): Promise<BetterAuthSessionResult | null> {
  const row = await c.db.kysely
    .selectFrom("session as s")
    .innerJoin("user as u", "u.id", "s.userId")
    // u.* first (plugin columns included when they exist); the session's columns, aliased, come after and win.
    .selectAll("u")
    .select([
      "s.id as sId",
      "s.userId as sUserId",
      "s.token as sToken",
      "s.expiresAt as sExpiresAt",
      "s.createdAt as sCreatedAt",
      "s.updatedAt as sUpdatedAt",
      "s.ipAddress as sIp",
      "s.userAgent as sUa",
    ])
    .where(column, "=", value)
    .executeTakeFirst();
  if (!row) return null;
  const expiresAt = fromDb(row.sExpiresAt);
  if (!(expiresAt.getTime() > c.now().getTime())) return null;
  return {
    user: toBetterAuthUser(row as Record<string, unknown>),
    session: {
      id: row.sId,
      userId: row.sUserId,
      token: row.sToken,
      expiresAt,
      createdAt: fromDb(row.sCreatedAt),
      updatedAt: fromDb(row.sUpdatedAt),
      ipAddress: text(row.sIp),
      userAgent: text(row.sUa),
    },
  };
}

/** A `user` row (`user.*`) as Better Auth's `getSession` shows it, with the gating plugin fields that exist. */
function toBetterAuthUser(row: Record<string, unknown>): BetterAuthUser {
  const user: BetterAuthUser = {
    id: String(row.id),
    name: String(row.name ?? ""),
    email: String(row.email),
    emailVerified: boolFromDb(row.emailVerified),
    image: text(row.image),
    createdAt: fromDb(row.createdAt),
    updatedAt: fromDb(row.updatedAt),
  };
  if ("banned" in row) {
    user.banned = bannedFlag(row);
    user.banExpires = fromDbNullable(row.banExpires);
  }
  const twoFactorEnabled = secondFactorOn(row);
  if (twoFactorEnabled !== undefined) user.twoFactorEnabled = twoFactorEnabled;
  return user;
}

/** A Better Auth `session` row's values for a new session (token: 32 random [A-Za-z0-9], like Better Auth's). */
export function newSessionRow(c: Pick<SessionContext, "db">, s: Omit<BetterAuthSession, "token" | "updatedAt">): Record<string, unknown> & { token: string } {
  return {
    id: s.id,
    userId: s.userId,
    token: randomId(32),
    expiresAt: toDb(c.db, s.expiresAt),
    createdAt: toDb(c.db, s.createdAt),
    updatedAt: toDb(c.db, s.createdAt),
    ipAddress: s.ipAddress,
    userAgent: s.userAgent,
  };
}

function clip(value: unknown, max: number): string | null {
  return typeof value === "string" ? value.slice(0, max) : null;
}

/**
 * Inserts a Better Auth session for a user (as Better Auth's sign-in does) and resolves its token and cookie.
 * Throws `INVALID_INPUT` for an unknown user, and honours Better Auth's guards first: `ACCOUNT_DISABLED` for a
 * user the admin plugin banned (Better Auth's own session-create hook refuses them too), `EMAIL_NOT_VERIFIED`
 * with `requireEmailVerification`, `MFA_REQUIRED` for a twoFactor user unless `secondFactorVerified`.
 */
export async function insertSession(
  c: SessionContext,
  userId: string,
  context: RequestContext = {},
  options: CreateSessionOptions = {},
): Promise<CreatedBetterAuthSession> {
  const user = await c.db.kysely.selectFrom("user").selectAll().where("id", "=", userId).executeTakeFirst();
  if (!user) throw new AuthError("INVALID_INPUT", "There is no user with this id.", { field: "userId" });
  const now = c.now();
  const gated = { emailVerified: boolFromDb(user.emailVerified), ...gateFields(user as Record<string, unknown>) };
  signinGate(options.secondFactorVerified === true ? { ...gated, twoFactorEnabled: false } : gated, now, c.requireEmailVerification);
  const session = {
    id: randomId(),
    userId,
    expiresAt: new Date(now.getTime() + c.sessionExpiresInMs),
    createdAt: now,
    ipAddress: clip(context.ip, 64),
    userAgent: clip(context.userAgent, 512),
  };
  const row = newSessionRow(c, session);
  await c.db.kysely.insertInto("session").values(row).execute();
  return {
    token: row.token,
    setCookie: serializeSessionCookie(row.token, c.cookieSecret, c.cookies),
    session: { ...session, token: row.token, updatedAt: now },
  };
}
