import type { SigninResult } from "../second-factor/types.js";
import type { AuthSkill } from "../auth-skill.js";
import type { Duration } from "../duration.js";
import { assertNotDisabled } from "../account/gates.js";
import { AuthError, isAuthError } from "../errors.js";
import type { StorageAdapter } from "../storage/adapter.js";
import type { AuthResult, PendingVerification, RequestContext } from "../types.js";
import { serializeSessionCookie } from "./cookie.js";
import { banUntil } from "./plugin-columns.js";
import { findById, type BetterAuthSessionCookie, type BetterAuthSessionResult, type SessionContext } from "./better-auth-sessions.js";

/**
 * Options of `bridge.issueTokens()`.
 *
 * @example
 * ```ts
 * const result = await bridge.issueTokens(auth, request, { ttl: "90d", context: { ip } });
 * ```
 */
export interface IssueTokensOptions {
  /** Absolute lifetime of the new session's refresh tokens (default: `auth`'s `refreshToken.ttl`, "30d" unless set). */
  ttl?: Duration | undefined;
  /** Where the new client is (default: the user agent of the request given). */
  context?: RequestContext | undefined;
}

/** What issuing needs from the bridge. */
export interface IssueSettings {
  storage: StorageAdapter;
  now: () => Date;
  /** Re-reads a Better Auth session (from a request, or to confirm one already read). */
  resolve: (input: Request | Headers | BetterAuthSessionResult) => Promise<BetterAuthSessionResult | null>;
}

const notOnBridgeStorage = (cause?: unknown) =>
  new AuthError("CONFIG_ERROR", "issueTokens: the AuthSkill instance does not use bridge.storage.", cause === undefined ? undefined : { cause });

/** The ban of a Better Auth user as read by `getSession`, as the gates read it. */
const gated = (user: BetterAuthSessionResult["user"]) => ({ emailVerified: user.emailVerified, disabledUntil: banUntil({ ...user }) ?? null });

/**
 * Starts AuthSkill tokens for a user already signed in to Better Auth (a web session handing over to a native
 * app, a SPA that wants refresh tokens): `auth.startSession` on the bridge's storage, so a new session — a Better
 * Auth session row plus a refresh family — with the same gates as any new session. Better Auth created the
 * session presented only after its own second factor, so that factor counts as checked
 * (`secondFactorVerified: true`). The new session is its own device: signing the web session out does not end
 * it; revoking it (or all the user's sessions) on either side does. Throws `TOKEN_INVALID` without a valid
 * Better Auth session, `ACCOUNT_DISABLED` for a user the admin plugin banned (nothing written),
 * `EMAIL_NOT_VERIFIED` for an unverified user under `requireEmailVerification`, and `CONFIG_ERROR` when `auth`
 * does not use `bridge.storage`.
 */
export async function issueTokens(
  s: IssueSettings,
  auth: AuthSkill<AuthResult | PendingVerification, SigninResult>,
  input: Request | Headers | BetterAuthSessionResult,
  options: IssueTokensOptions = {},
): Promise<AuthResult> {
  if (typeof auth?.startSession !== "function") throw new TypeError("issueTokens: pass the AuthSkill instance that uses bridge.storage");
  const current = await s.resolve(input);
  if (!current) throw new AuthError("TOKEN_INVALID", "There is no valid Better Auth session.");
  // A banned user's Better Auth session (one the ban did not delete) never becomes tokens; nothing is written.
  // Checked here on the session just read, whatever storage `auth` turns out to use.
  assertNotDisabled(gated(current.user), s.now());
  const headers = input instanceof Headers ? input : input instanceof Request ? input.headers : null;
  const userAgent = options.context?.userAgent ?? headers?.get("user-agent") ?? undefined;
  const ip = options.context?.ip;
  const context: RequestContext = { ...(ip !== undefined ? { ip } : {}), ...(userAgent !== undefined ? { userAgent } : {}) };
  const start = { secondFactorVerified: true, ...(options.ttl !== undefined ? { ttl: options.ttl } : {}) };
  let result: AuthResult;
  try {
    result = await auth.startSession(current.user.id, context, start);
  } catch (err) {
    // `auth` does not know a user the bridge has just read: it is not on bridge.storage (unless the user was
    // deleted meanwhile, and their Better Auth session with them).
    if (isAuthError(err, "INVALID_INPUT") && err.field === "userId" && (await s.storage.findUserById(current.user.id))) throw notOnBridgeStorage(err);
    throw err;
  }
  // The session must be a bridged one (a Better Auth row): else `auth` stores sessions elsewhere.
  if (!(await s.storage.findSession(result.sessionId))) {
    await auth.revokeSession(result.sessionId).catch(() => undefined);
    throw notOnBridgeStorage();
  }
  return result;
}

/**
 * The Better Auth cookie of a live session, by id: `null` for an unknown, ended or expired session (nothing to
 * hand out); `ACCOUNT_DISABLED` for a session of a user the admin plugin banned (the ban did not delete it).
 */
export async function cookieFor(
  c: SessionContext,
  sessionId: string,
  find: (id: string) => Promise<BetterAuthSessionResult | null> = (id) => findById(c, id),
): Promise<BetterAuthSessionCookie | null> {
  if (typeof sessionId !== "string" || sessionId === "") throw new TypeError("cookieFor: sessionId must be a non-empty string");
  if (sessionId.length > 255) return null; // no session has such an id
  const found = await find(sessionId);
  if (!found) return null;
  assertNotDisabled(gated(found.user), c.now());
  const { token } = found.session;
  return { token, setCookie: serializeSessionCookie(token, c.cookieSecret, c.cookies) };
}
