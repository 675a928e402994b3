/**
 * Audit events: what happened to an account or a session, delivered to the `onEvent` option. An event never
 * carries a password, token, hash, key or secret — only ids, the request's address and user agent, and
 * reasons. Delivery is fire-and-forget: the handler runs after the flow has moved on, and a handler that
 * throws, rejects or takes its time never breaks or delays a flow.
 */

/** Why a signin failed. Only the first is told to someone who does not know the password. */
export type SigninFailureReason = "invalid_credentials" | "rate_limited" | "locked" | "unverified" | "disabled" | "mfa_required" | "invalid_second_factor";

/** Fields every event has. */
export interface AuthEventBase {
  /** When it happened (the instance's clock). */
  at: Date;
  userId?: string | undefined;
  sessionId?: string | undefined;
  /** The client address of the request, when the flow was given one. */
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** The kinds of message `email.send` receives. */
export type EmailKind = "password-reset" | "email-verification" | "email-change" | "magic-link" | "email-code";

/** How a session was signed in to: a password, a mailed link, a mailed code, or a passkey. */
export type SigninMethod = "password" | "magic-link" | "email-code" | "passkey";

/** A second factor: an authenticator app's code, a recovery code, or a passkey. */
export type SecondFactorKind = "totp" | "recovery-code" | "passkey";

/**
 * Everything `onEvent` receives: a union on `type`, so `switch (event.type)` narrows.
 *
 * @example
 * ```ts
 * const onEvent = (event: AuthEvent) => {
 *   if (event.type === "refresh.reused") alertSecurityTeam(event.userId, event.sessionId);
 * };
 * ```
 */
export type AuthEvent = AuthEventBase &
  (
    | { type: "user.created"; userId: string }
    /** `secondFactor`: the factor verified after `method`, for an account that has one. */
    | { type: "signin.succeeded"; userId: string; sessionId: string; method?: SigninMethod | undefined; secondFactor?: SecondFactorKind | undefined }
    /** The first factor was right; the sign-in waits for the second (`verifySecondFactor`). */
    | { type: "signin.mfa_required"; userId: string; method: SigninMethod }
    /** A second factor was enrolled, removed, or (`recovery-code`) its codes were replaced. */
    | { type: "second_factor.changed"; userId: string; factor: SecondFactorKind; change: "enabled" | "disabled" | "regenerated" }
    /**
     * A passkey signed with a counter not above the one last seen (a possible clone of the authenticator). The sign-in
     * is not refused; the stored counter keeps the highest value seen.
     */
    | { type: "passkey.counter_regressed"; userId: string; passkeyId: string }
    | { type: "signin.failed"; reason: SigninFailureReason }
    | { type: "session.refreshed"; userId: string; sessionId: string }
    /** `sessionId` for one session; `count` when every session of a user was ended. */
    | { type: "session.revoked"; reason: "signout" | "revoke" | "all" | "password"; count?: number | undefined }
    | { type: "refresh.reused"; sessionId: string }
    /** `userId` is absent when the address names no account (the requester is answered the same). */
    | { type: "password.reset_requested" }
    /** A magic link or an email code was asked for; `userId` is absent when the address names no account. */
    | { type: "signin.requested"; method: "magic-link" | "email-code" }
    | { type: "password.reset"; userId: string }
    | { type: "password.changed"; userId: string }
    | { type: "email.verification_requested"; userId: string }
    | { type: "email.verified"; userId: string }
    | { type: "email.change_requested"; userId: string }
    | { type: "email.changed"; userId: string }
    | { type: "roles.changed"; userId: string; roles: string[] }
    | { type: "user.deleted"; userId: string }
    /** A message could not be made or sent (`email.send` threw or rejected, or the storage failed first). */
    | { type: "email.send_failed"; kind: EmailKind }
  );

/** The type names of {@link AuthEvent}. */
export type AuthEventType = AuthEvent["type"];

/** Delivers an event; never throws. */
export type Emit = (event: AuthEvent) => void;

/** An emitter that does nothing: no `onEvent` option. */
export const silent: Emit = () => undefined;

/**
 * Wraps an `onEvent` handler: each event is delivered on a later turn of the event loop, so the flow that
 * emitted it never waits for the handler, and whatever the handler throws or rejects with is dropped.
 *
 * @example
 * ```ts
 * const emit = emitter((event) => auditLog.write(event));
 * emit({ type: "user.deleted", userId, at: new Date() });
 * ```
 */
export function emitter(onEvent: ((event: AuthEvent) => unknown) | undefined): Emit {
  if (onEvent === undefined) return silent;
  return (event) => {
    const frozen = Object.freeze(event); // one handler, one copy: nothing it does reaches the flow
    setTimeout(() => {
      try {
        const result = onEvent(frozen);
        if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") (result as PromiseLike<unknown>).then(undefined, () => undefined);
      } catch {
        // a handler's failure is the handler's: the flow has already moved on
      }
    }, 0);
  };
}
