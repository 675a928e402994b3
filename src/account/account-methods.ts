/**
 * The account lifecycle's public door: the methods `AuthSkill` inherits from here (reset, verification,
 * password and email change, sessions, roles, deletion). Each is a thin call into its flow in this folder.
 */
import type { FlowParts } from "../flow-parts.js";
import { policyVerdict } from "../flow-parts.js";
import type { PolicyViolation } from "../password/policy.js";
import type { RequestContext, User } from "../types.js";
import { changePassword, confirmEmailChange, requestEmailChange } from "./credentials-change.js";
import { requestEmailVerification, verifyEmail } from "./email-verification.js";
import { requestPasswordReset, resetPassword } from "./password-reset.js";
import type { SigninResult } from "../second-factor/types.js";
import { PasswordlessMethods } from "./passwordless-methods.js";
import { deleteUser, getUser, listSessions, setRoles, type SessionInfo } from "./users.js";

/** The account methods of `AuthSkill`; not constructed on its own. */
export abstract class AccountMethods<R extends SigninResult = SigninResult> extends PasswordlessMethods<R> {
  readonly #flows: FlowParts;

  protected constructor(flows: FlowParts) {
    super(flows);
    this.#flows = flows;
  }

  /**
   * Sends a password-reset message to the account with this email, if there is one. Resolves the same way,
   * in the same time, whether or not there is: the account is looked up, its token stored and the message
   * started only after this has resolved (a failure then is an `email.send_failed` event). A new request voids
   * the link sent before. `RATE_LIMITED` past the per-address or per-client limit (`rateLimit.emailAddress`,
   * `rateLimit.emailClient`); `CONFIG_ERROR` without the `email` option.
   *
   * @example
   * ```ts
   * await auth.requestPasswordReset({ email: body.email }, { ip });
   * return new Response("If this address has an account, we have sent it a link.", { status: 202 });
   * ```
   */
  requestPasswordReset(input: { email: string }, context: RequestContext = {}): Promise<void> {
    return requestPasswordReset(this.#flows, input, context);
  }

  /**
   * Sets a new password with the token of a reset message. Checks everything before spending the token
   * (`WEAK_PASSWORD` leaves it usable), then ends every session of the user, voids a pending email change and
   * lifts a signin lock. Does not sign the user in. `TOKEN_INVALID` for an unknown, used or voided token,
   * `TOKEN_EXPIRED` after `tokens.passwordReset` (default 1 hour).
   *
   * @example
   * ```ts
   * const { user } = await auth.resetPassword({ token: form.token, password: form.password });
   * ```
   */
  resetPassword(input: { token: string; password: string }, context: RequestContext = {}): Promise<{ user: User }> {
    return resetPassword(this.#flows, input, context);
  }

  /**
   * Sends an email-verification message to a user's address, voiding the one sent before; resolves without
   * sending when the address is already verified. `INVALID_INPUT` for an unknown user, `RATE_LIMITED` past
   * `rateLimit.emailAddress`, `CONFIG_ERROR` without the `email` option.
   *
   * @example
   * ```ts
   * await auth.requestEmailVerification(claims.sub);
   * ```
   */
  requestEmailVerification(userId: string): Promise<void> {
    return requestEmailVerification(this.#flows, userId);
  }

  /**
   * Marks the address verified with the token of a verification message. A token sent to an address the
   * account has since left is `TOKEN_INVALID`; `TOKEN_EXPIRED` after `tokens.emailVerification` (default 24h).
   *
   * @example
   * ```ts
   * const { user } = await auth.verifyEmail({ token: form.token }); // user.emailVerified === true
   * ```
   */
  verifyEmail(input: { token: string }): Promise<{ user: User }> {
    return verifyEmail(this.#flows, input);
  }

  /**
   * Changes the password of a signed-in user: the current password is required (`INVALID_CREDENTIALS`, on the
   * account's signin budget), the new one must pass the policy (`WEAK_PASSWORD`, field `newPassword`). Ends
   * every other session: all of them, or all but `keepSessionId` (the session making the request), and voids a
   * pending email change (whoever knew the old password may have started it).
   *
   * @example
   * ```ts
   * await auth.changePassword({ userId: claims.sub, currentPassword, newPassword, keepSessionId: claims.sid });
   * ```
   */
  changePassword(input: { userId: string; currentPassword: string; newPassword: string; keepSessionId?: string | undefined }): Promise<void> {
    return changePassword(this.#flows, input);
  }

  /**
   * Starts an email change: checks the password, then sends a confirmation to the new address. The address
   * switches only when that is confirmed. Whether the new address is taken is not told here (no message is
   * sent to a taken one); `confirmEmailChange` answers `USER_EXISTS`. Each request voids the confirmation sent
   * before, whether or not a new one is sent. `CONFIG_ERROR` without `email`.
   *
   * @example
   * ```ts
   * await auth.requestEmailChange({ userId: claims.sub, newEmail: form.email, password: form.password });
   * ```
   */
  requestEmailChange(input: { userId: string; newEmail: string; password: string }): Promise<void> {
    return requestEmailChange(this.#flows, input);
  }

  /**
   * Switches the account to the address a confirmation was sent to, marks it verified and tells the old
   * address (an `email-change` message without a token). `USER_EXISTS` when another account has the address
   * (the token stays usable), `TOKEN_INVALID` / `TOKEN_EXPIRED` as for the other tokens.
   *
   * @example
   * ```ts
   * const { user } = await auth.confirmEmailChange({ token: form.token });
   * ```
   */
  confirmEmailChange(input: { token: string }): Promise<{ user: User }> {
    return confirmEmailChange(this.#flows, input);
  }

  /**
   * Lifts the lock that `rateLimit.lockAfter` consecutive failed signins put on an account. Call it when
   * the user proves control another way (a password reset).
   *
   * @example
   * ```ts
   * await auth.unlock(user.id);
   * ```
   */
  async unlock(userId: string): Promise<void> {
    await this.#flows.limiter?.unlock(`user:${userId}`);
  }

  /**
   * Ends a session by its id, for the server's own use (an admin panel, "sign out that device" from a list
   * of the user's sessions after checking they own it). Never expose it to callers who only hold an access
   * token: its `sid` claim names the session. Idempotent; an unknown id resolves without error.
   *
   * @example
   * ```ts
   * const claims = await auth.verifyAccessToken(bearer);
   * await auth.revokeSession(claims.sid!); // sign out the session this request was made with
   * ```
   */
  async revokeSession(sessionId: string): Promise<void> {
    if (typeof sessionId !== "string" || sessionId === "") throw new TypeError("revokeSession: sessionId must be a non-empty string");
    if (sessionId.length > 200) return; // no session has such an id
    await this.#flows.sessions.revokeSession(sessionId);
  }

  /**
   * Ends every session of a user (sign out everywhere).
   *
   * @example
   * ```ts
   * await auth.revokeAll(user.id);
   * ```
   */
  async revokeAll(userId: string): Promise<void> {
    if (typeof userId !== "string" || userId === "") throw new TypeError("revokeAll: userId must be a non-empty string");
    await this.#flows.sessions.revokeAll(userId);
  }

  /**
   * The user with this id, without the password hash, or `null`.
   *
   * @example
   * ```ts
   * const user = await auth.getUser(claims.sub);
   * ```
   */
  getUser(userId: string): Promise<User | null> {
    return getUser(this.#flows, userId);
  }

  /**
   * A user's live sessions (neither revoked nor past their absolute or idle expiry), newest first, for a
   * "where you're signed in" page. End one with `revokeSession` after checking it is in this list.
   *
   * @example
   * ```ts
   * const sessions = await auth.listSessions(claims.sub); // [{ id, createdAt, lastUsedAt, expiresAt, ip, userAgent }]
   * ```
   */
  listSessions(userId: string): Promise<SessionInfo[]> {
    return listSessions(this.#flows, userId);
  }

  /**
   * Replaces a user's roles; access tokens carry them (`roles` claim) from the next signin or refresh. Names
   * are 1-64 of letters, digits, `_ . : -`, at most 32 (`INVALID_INPUT`, field `roles`); duplicates are dropped.
   *
   * @example
   * ```ts
   * await auth.setRoles(userId, ["admin"]);
   * ```
   */
  setRoles(userId: string, roles: string[]): Promise<User> {
    return setRoles(this.#flows, userId, roles);
  }

  /**
   * Deletes a user with their sessions, refresh tokens and pending tokens; their email and username are free
   * again. An unknown id resolves without error.
   *
   * @example
   * ```ts
   * await auth.deleteUser(claims.sub);
   * ```
   */
  deleteUser(userId: string): Promise<void> {
    return deleteUser(this.#flows, userId);
  }

  /**
   * The password policy's verdict on a new password, for forms: `null` when acceptable, else a reason and a
   * message. `identity` (email, username) refuses passwords built from them. The same check signup, reset and
   * change apply.
   *
   * @example
   * ```ts
   * const problem = auth.checkPassword(form.password, { email: form.email }); // { reason: "common", message } | null
   * ```
   */
  checkPassword(password: string, identity: { email?: string | undefined; username?: string | null | undefined } = {}): PolicyViolation | null {
    if (typeof password !== "string") throw new TypeError("checkPassword: password must be a string");
    return policyVerdict(this.#flows, password, {
      ...(typeof identity?.email === "string" ? { email: identity.email } : {}),
      ...(typeof identity?.username === "string" ? { username: identity.username } : {}),
    });
  }
}
