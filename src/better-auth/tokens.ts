import type { AuthSkill } from "../auth-skill.js";
import { toMilliseconds, type Duration } from "../duration.js";
import { assertNotDisabled } from "../account/gates.js";
import { AuthError, isAuthError } from "../errors.js";
import { randomId } from "../ids.js";
import type { SessionRecord, StorageAdapter } from "../storage/adapter.js";
import { RefreshTokenCodec } from "../tokens/refresh-token.js";
import type { AuthResult, RequestContext } from "../types.js";
import { banUntil } from "./plugin-columns.js";
import type { BetterAuthSessionResult } from "./session.js";

/**
 * Options of `bridge.issueTokens()`.
 *
 * @example
 * ```ts
 * const result = await bridge.issueTokens(auth, request, { ttl: "90d", context: { ip } });
 * ```
 */
export interface IssueTokensOptions {
  /** Absolute lifetime of the new session's refresh tokens (default "30d", AuthSkill's default). */
  ttl?: Duration;
  /** Where the new client is (default: the user agent of the request given). */
  context?: RequestContext;
}

/** What issuing needs from the bridge. */
export interface IssueSettings {
  storage: StorageAdapter;
  authSkillSecret: string;
  now: () => Date;
  /** Re-reads a Better Auth session (from a request, or to confirm one already read). */
  resolve: (input: Request | Headers | BetterAuthSessionResult) => Promise<BetterAuthSessionResult | null>;
}

/**
 * Starts AuthSkill tokens for a user already signed in to Better Auth (a web session handing over to a native
 * app, a SPA that wants refresh tokens): a new session — a Better Auth session row plus a refresh family, as
 * AuthSkill's signin on the bridge's storage creates — whose first refresh token is minted here and
 * immediately rotated through `auth.refresh`, so the caller receives an ordinary `AuthResult` (access token,
 * rotating refresh token, `betterAuth` cookie of the new session). The new session is its own device: signing
 * the web session out does not end it; revoking it (or all the user's sessions) on either side does.
 * Throws `TOKEN_INVALID` without a valid Better Auth session, `ACCOUNT_DISABLED` for a user the admin plugin
 * banned (the refresh of any session of theirs is refused too), and `CONFIG_ERROR` when `auth` does not use the
 * bridge's `authSkillSecret`.
 */
export async function issueTokens(
  s: IssueSettings,
  auth: AuthSkill,
  input: Request | Headers | BetterAuthSessionResult,
  options: IssueTokensOptions = {},
): Promise<AuthResult> {
  if (typeof auth?.refresh !== "function") throw new TypeError("issueTokens: pass the AuthSkill instance that uses bridge.storage");
  const current = await s.resolve(input);
  if (!current) throw new AuthError("TOKEN_INVALID", "There is no valid Better Auth session.");
  // A banned user's Better Auth session (one the ban did not delete) never becomes tokens; nothing is written.
  // A second factor and email verification were Better Auth's to check before it created that session.
  assertNotDisabled({ emailVerified: current.user.emailVerified, disabledUntil: banUntil({ ...current.user }) ?? null }, s.now());
  const ttlMs = toMilliseconds(options.ttl ?? "30d");
  const codec = new RefreshTokenCodec(s.authSkillSecret);
  const headers = input instanceof Headers ? input : input instanceof Request ? input.headers : null;
  const userAgent = options.context?.userAgent ?? headers?.get("user-agent") ?? undefined;
  const now = s.now();
  const id = randomId();
  const token = codec.mint(id, 0);
  const record: SessionRecord = {
    id,
    userId: current.user.id,
    tokenHash: codec.hash(token),
    generation: 0,
    rotatedAt: null,
    successor: null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttlMs),
    lastUsedAt: now,
    revokedAt: null,
    ipAddress: typeof options.context?.ip === "string" ? options.context.ip.slice(0, 64) : null,
    userAgent: typeof userAgent === "string" ? userAgent.slice(0, 512) : null,
  };
  await s.storage.createSession(record);
  try {
    return await auth.refresh(token);
  } catch (err) {
    await s.storage.revokeSession(id, s.now()).catch(() => undefined);
    if (isAuthError(err, "TOKEN_INVALID")) {
      throw new AuthError("CONFIG_ERROR", "issueTokens: the AuthSkill instance does not use the bridge's storage and authSkillSecret.", { cause: err });
    }
    throw err;
  }
}
