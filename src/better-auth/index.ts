/**
 * "auth-skill/better-auth": share one user base, one session table and one set of signing keys with a
 * Better Auth app. Reads and writes Better Auth's formats directly (its tables through Kysely, its cookie
 * HMAC, its jwt-plugin keys); `better-auth` itself is not needed at runtime.
 */
import type { SigninResult } from "../second-factor/types.js";
import type { JWK, JWTPayload } from "jose";
import type { AuthSkill } from "../auth-skill.js";
import type { StorageAdapter } from "../storage/adapter.js";
import type { AuthResult, PendingVerification, RequestContext } from "../types.js";
import { sessionCookieName, signSessionToken, type CookieSettings } from "./cookie.js";
import { migrate } from "./db.js";
import { run } from "./errors.js";
import { betterAuthPasswordHasher, type BetterAuthPasswordHasher } from "./hasher.js";
import { createJwtVerifier } from "./jwt.js";
import { signingKeys, type SigningKeysOptions } from "./jwt-plugin-keys.js";
import { resolveBridgeOptions, type BetterAuthBridgeOptions } from "./options.js";
import {
  findById,
  findByToken,
  insertSession,
  readSession,
  type BetterAuthSessionCookie,
  type BetterAuthSessionResult,
  type CreatedBetterAuthSession,
  type CreateSessionOptions,
  type SessionContext,
} from "./better-auth-sessions.js";
import { bridgeStorage } from "./storage.js";
import { cookieFor, issueTokens, type IssueTokensOptions } from "./tokens.js";

export type { BetterAuthBridgeOptions, VersionedSecret } from "./options.js";
export type {
  BetterAuthSession,
  BetterAuthSessionCookie,
  BetterAuthSessionResult,
  BetterAuthUser,
  CreatedBetterAuthSession,
  CreateSessionOptions,
} from "./better-auth-sessions.js";
export type { BetterAuthPasswordHasher } from "./hasher.js";
export type { SigningKeysOptions } from "./jwt-plugin-keys.js";
export type { IssueTokensOptions } from "./tokens.js";
export type { BridgeDialect } from "./db.js";
export { betterAuthPasswordHasher } from "./hasher.js";
export { BetterAuthBridgeError } from "./errors.js";

/**
 * What {@link betterAuthBridge} returns.
 *
 * @example
 * ```ts
 * const bridge: BetterAuthBridge = betterAuthBridge({ db, secret });
 * ```
 */
export interface BetterAuthBridge {
  /**
   * The Better Auth session of a request — a signed `Authorization: Bearer` credential (bearer plugin) or
   * the session cookie — with its user; `null` when absent, wrongly signed, unknown or expired. Read-only.
   * Like Better Auth's own `getSession`, it does not check a ban (the admin plugin deletes a user's sessions
   * when banning them); `user.banned`, `user.banExpires` and `user.twoFactorEnabled` are there when the
   * plugins' columns exist.
   *
   * @example
   * ```ts
   * const current = await bridge.getSession(request);
   * if (!current) return new Response("Unauthorized", { status: 401 });
   * ```
   */
  getSession(input: Request | Headers): Promise<BetterAuthSessionResult | null>;
  /**
   * Creates a Better Auth session for a user (say, after your own login step) and resolves its token and a
   * `Set-Cookie` value Better Auth accepts. Throws `INVALID_INPUT` for an unknown user, and keeps Better Auth's
   * guards: `ACCOUNT_DISABLED` for a banned user, `EMAIL_NOT_VERIFIED` for an unverified one with
   * `requireEmailVerification`, `MFA_REQUIRED` for a user with two-factor enabled unless you pass
   * `{ secondFactorVerified: true }` after checking their second factor yourself. Arguments of the wrong type
   * (a `userId` that is not a non-empty string, a `context` or `options` that is not an object) are a `TypeError`.
   *
   * @example
   * ```ts
   * const { setCookie } = await bridge.createSession(user.id, { ip, userAgent });
   * return new Response(null, { status: 204, headers: { "set-cookie": setCookie } });
   * ```
   */
  createSession(userId: string, context?: RequestContext, options?: CreateSessionOptions): Promise<CreatedBetterAuthSession>;
  /**
   * Verifies a Better Auth jwt-plugin token (EdDSA by default; key from the `jwks` table or `jwt.jwksUrl`;
   * issuer and audience default to the baseURL origin). Throws `TOKEN_EXPIRED` or `TOKEN_INVALID`.
   *
   * @example
   * ```ts
   * const claims = await bridge.verifyJWT(bearerToken); // claims.sub is the Better Auth user id
   * ```
   */
  verifyJWT(token: string): Promise<JWTPayload>;
  /**
   * Better Auth's private jwt-plugin keys, decrypted with the secret, newest live key first: pass them as
   * AuthSkill's `accessToken.keys` and its tokens verify with Better Auth's `verifyJWT` and `/jwks`.
   *
   * @example
   * ```ts
   * const auth = new AuthSkill({ storage: bridge.storage, accessToken: { algorithm: "EdDSA", keys: await bridge.signingKeys(), issuer: origin, audience: origin } });
   * ```
   */
  signingKeys(options?: SigningKeysOptions): Promise<JWK[]>;
  /**
   * Starts AuthSkill tokens (rotating refresh token with reuse detection, access token) for a user signed in
   * to Better Auth, in a new session of their own, through `auth.startSession` (the Better Auth session stands
   * for the second factor): `TOKEN_INVALID` without a valid Better Auth session, `ACCOUNT_DISABLED` for a banned
   * user, `EMAIL_NOT_VERIFIED` under `requireEmailVerification`, `CONFIG_ERROR` when `auth` is not on
   * `bridge.storage`. See `tokens.ts`.
   *
   * @example
   * ```ts
   * const { accessToken, refreshToken } = await bridge.issueTokens(auth, request);
   * ```
   */
  issueTokens(
    auth: AuthSkill<AuthResult | PendingVerification, SigninResult>,
    input: Request | Headers | BetterAuthSessionResult,
    options?: IssueTokensOptions,
  ): Promise<AuthResult>;
  /**
   * The Better Auth session cookie of a session, by id — say `result.sessionId` of an AuthSkill signin, signup,
   * startSession or refresh on `bridge.storage`, which is a Better Auth session too — so that the browser is
   * signed in to Better Auth as well. Resolves `null` for an unknown, ended or expired session; rejects with
   * `ACCOUNT_DISABLED` for a banned user's session, and with a `TypeError` for a `sessionId` that is not a
   * non-empty string. Server-side only, like `revokeSession`: never for an id a client chose.
   *
   * @example
   * ```ts
   * const result = await auth.signin({ email, password });
   * const cookie = await bridge.cookieFor(result.sessionId);
   * if (cookie) headers.append("set-cookie", cookie.setCookie);
   * ```
   */
  cookieFor(sessionId: string): Promise<BetterAuthSessionCookie | null>;
  /**
   * Creates auth-skill's refresh-token table if it is missing (idempotent; Better Auth's tables must exist
   * already — run Better Auth's migrations first; they are never altered).
   *
   * @example
   * ```ts
   * await bridge.migrate();
   * ```
   */
  migrate(): Promise<void>;
  /**
   * An auth-skill storage adapter over Better Auth's tables: `new AuthSkill({ storage: bridge.storage })`.
   * Its signin refuses banned users (`ACCOUNT_DISABLED`), two-factor users (`MFA_REQUIRED`) and, with
   * `requireEmailVerification`, unverified ones (`EMAIL_NOT_VERIFIED`) once the password is right; a banned
   * user's refresh ends that session (`ACCOUNT_DISABLED`).
   *
   * @example
   * ```ts
   * const result = await new AuthSkill({ secret, storage: bridge.storage }).signin({ email, password });
   * (await bridge.cookieFor(result.sessionId))?.setCookie; // the same signin, as a Better Auth session cookie
   * ```
   */
  readonly storage: StorageAdapter;
  /**
   * Better Auth's `emailAndPassword.password`: argon2id for new hashes, old scrypt hashes still verify.
   *
   * @example
   * ```ts
   * betterAuth({ emailAndPassword: { enabled: true, password: bridge.passwordHasher } });
   * ```
   */
  readonly passwordHasher: BetterAuthPasswordHasher;
  /**
   * The signed form of a Better Auth session token that its bearer plugin accepts (`Authorization: Bearer ...`,
   * what Better Auth's `set-auth-token` header carries): for native clients given a token of `cookieFor`.
   *
   * @example
   * ```ts
   * const { token } = (await bridge.cookieFor(result.sessionId))!;
   * const headers = { authorization: `Bearer ${bridge.bearerToken(token)}` };
   * ```
   */
  bearerToken(sessionToken: string): string;
  /**
   * The session cookie's name, as Better Auth sets it (`better-auth.session_token`, `__Secure-` on https).
   *
   * @example
   * ```ts
   * res.setHeader("set-cookie", `${bridge.cookieName}=; Max-Age=0; Path=/`);
   * ```
   */
  readonly cookieName: string;
}

/** An argument that may be left out, or else must be an object. */
const optionalObject = (v: unknown) => v === undefined || (typeof v === "object" && v !== null);

/**
 * Connects auth-skill to a Better Auth app's database and secret. Mirror your Better Auth configuration in
 * the options (baseURL, cookie prefix, session lifetime); pass the same Kysely instance Better Auth uses
 * (`betterAuth({ database: { db, type } })`) so both share one connection pool.
 *
 * @example
 * ```ts
 * import { Kysely, SqliteDialect } from "kysely";
 * import Database from "better-sqlite3";
 * import { betterAuthBridge } from "auth-skill/better-auth";
 *
 * const db = new Kysely({ dialect: new SqliteDialect({ database: new Database("auth.db") }) });
 * const bridge = betterAuthBridge({ db, secret: process.env.BETTER_AUTH_SECRET!, baseURL: "https://app.example.com" });
 * await bridge.migrate();
 * const current = await bridge.getSession(request);
 * ```
 */
export function betterAuthBridge(options: BetterAuthBridgeOptions): BetterAuthBridge {
  const o = resolveBridgeOptions(options);
  const cookies: CookieSettings = { prefix: o.cookiePrefix, secure: o.secureCookies, maxAgeSec: o.sessionExpiresInMs / 1000 };
  const sessions: SessionContext = {
    db: o.db,
    requireEmailVerification: o.requireEmailVerification,
    cookies,
    cookieSecret: o.cookieSecret,
    sessionExpiresInMs: o.sessionExpiresInMs,
    now: o.now,
  };
  const storage = bridgeStorage({ ...sessions, usernames: o.usernames });
  const verifyJWT = createJwtVerifier(o.db, o);
  const t = o.db.refresh;
  const getSession = (input: Request | Headers) => readSession(sessions, input, (token) => run("getSession", () => findByToken(sessions, token), t));
  const resolve = (input: Request | Headers | BetterAuthSessionResult) =>
    input instanceof Request || input instanceof Headers
      ? getSession(input)
      : run("issueTokens", () => findByToken(sessions, String(input?.session?.token ?? "")), t);

  return {
    getSession,
    createSession: (userId, context, createOptions) => {
      // argument types first, outside `run`: a caller's mistake is a TypeError, never reported as a storage failure
      const misuse =
        typeof userId !== "string" || userId === ""
          ? "userId must be a non-empty string"
          : !optionalObject(context)
            ? "context must be an object"
            : !optionalObject(createOptions)
              ? "options must be an object"
              : null;
      return misuse
        ? Promise.reject(new TypeError(`createSession: ${misuse}`))
        : run("createSession", () => insertSession(sessions, userId, context, createOptions), t);
    },
    verifyJWT,
    signingKeys: (keyOptions) => run("signingKeys", () => signingKeys(o.db, o.keySecrets, o.now(), keyOptions), t),
    issueTokens: (auth, input, issueOptions) => issueTokens({ storage, now: o.now, resolve }, auth, input, issueOptions),
    cookieFor: (sessionId) => cookieFor(sessions, sessionId, (id) => run("cookieFor", () => findById(sessions, id), t)),
    migrate: () => run("migrate", () => migrate(o.db), t),
    storage,
    passwordHasher: betterAuthPasswordHasher(o.argon2),
    bearerToken(sessionToken) {
      if (typeof sessionToken !== "string" || sessionToken === "") throw new TypeError("bearerToken: sessionToken must be a non-empty string");
      return decodeURIComponent(signSessionToken(sessionToken, o.cookieSecret));
    },
    cookieName: sessionCookieName(cookies),
  };
}
