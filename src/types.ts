import type { Duration } from "./duration.js";

/**
 * Where a request came from: stored with the session, and the client address that throttling counts. A field
 * set to `undefined` means unknown, as a field left out does.
 */
export interface RequestContext {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/**
 * The second argument of `signin` and `signup`: where the request came from (see {@link RequestContext}) and
 * whether the user ticked "remember me".
 *
 * @example
 * ```ts
 * const result = await auth.signin({ email, password }, { ip, userAgent, rememberMe: form.rememberMe === "on" });
 * ```
 */
export interface SigninContext extends RequestContext {
  /**
   * `false`: a session that ends with the browser — its refresh tokens live at most `refreshToken.shortTtl`
   * (default one day) from sign-in, refreshes do not extend that, and `AuthResult.rememberMe` is `false` so a
   * cookie can be set without `Max-Age`/`Expires`. `true` or left out (default): the usual lifetimes. Anything
   * else is a `TypeError`.
   */
  rememberMe?: boolean | undefined;
}

/** The public view of a user: never includes the password hash. */
export interface User {
  id: string;
  email: string;
  username: string | null;
  name: string | null;
  emailVerified: boolean;
  /** The user's role names, as stored (`[]` for none). */
  roles: string[];
  createdAt: Date;
}

/** What signup, signin, startSession and refresh resolve to: a session and its two tokens. */
export interface AuthResult {
  user: User;
  sessionId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  tokenType: "Bearer";
  /**
   * The session's "remember me" choice, kept through every refresh: `false` for a session started with
   * `rememberMe: false` (keep its refresh token in a cookie without `Max-Age`/`Expires`, which ends with the
   * browser), `true` otherwise.
   */
  rememberMe: boolean;
}

/**
 * What `signup` resolves under `requireEmailVerification`: the new user, signed out until they verify.
 *
 * @example
 * ```ts
 * const result = await auth.signup({ email, password });
 * if (!("accessToken" in result)) return Response.json({ checkYourMail: true }, { status: 202 });
 * ```
 */
export interface PendingVerification {
  user: User;
}

/** The claims of a verified access token (RFC 9068), plus any custom claims you added. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  /** The session id; absent for tokens minted without a session. */
  sid?: string;
  /** The user's roles, in tokens of a session whose user has any (see `hasRole`). */
  roles?: string[];
  /** The permissions the user's roles grant under the `permissions` option, when any (see `can`). */
  permissions?: string[];
  /**
   * How the session's user signed in (RFC 8176): `["pwd"]` for a password, `["email"]` for a magic link or an
   * email code, `startSession`'s `amr` as given; absent for tokens minted without a session (see `requireAmr`).
   */
  amr?: string[];
  nbf?: number;
  [claim: string]: unknown;
}

/** Input of {@link AuthSkill.signup}. */
export interface SignupInput {
  email: string;
  password: string;
  username?: string | undefined;
  name?: string | undefined;
}

/** Input of {@link AuthSkill.signin}: an email or a username, and the password. */
export interface SigninInput {
  email?: string | undefined;
  username?: string | undefined;
  password: string;
}

/**
 * Options of {@link AuthSkill.startSession}.
 *
 * @example
 * ```ts
 * const options: StartSessionOptions = { secondFactorVerified: true, ttl: "7d", rememberMe: true, amr: ["pwd", "otp", "mfa"] };
 * ```
 */
export interface StartSessionOptions {
  /**
   * You checked this user's second factor yourself (a TOTP code, a passkey that verifies the user, another
   * system's 2FA step). Without it, a user whose record has `twoFactorEnabled` gets no session: `MFA_REQUIRED`
   * (default false).
   */
  secondFactorVerified?: boolean | undefined;
  /** Absolute lifetime of this session's refresh tokens (default: the `refreshToken.ttl` option; at most 400 days). */
  ttl?: Duration | undefined;
  /**
   * As `signin`'s `rememberMe`: `false` caps the session's absolute lifetime at `refreshToken.shortTtl` (a shorter
   * `ttl` still wins) and makes `AuthResult.rememberMe` `false`; `true` or left out (default): the usual lifetime.
   */
  rememberMe?: boolean | undefined;
  /**
   * How you authenticated the user, as RFC 8176 `amr` values (`"pwd"`, `"otp"`, `"hwk"`, `"swk"`, `"mfa"`, or a
   * value of your own): the session's access tokens carry them, refreshed ones too. Up to 8 values of 1-16
   * characters `[a-z0-9_-]`, duplicates dropped. Left out: the tokens carry no `amr`.
   */
  amr?: readonly string[] | undefined;
}
