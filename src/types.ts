/** Where a request came from; used for sessions and, later, throttling. */
export interface RequestContext {
  ip?: string;
  userAgent?: string;
}

/** The public view of a user: never includes the password hash. */
export interface User {
  id: string;
  email: string;
  username: string | null;
  name: string | null;
  emailVerified: boolean;
  createdAt: Date;
}

/** What signup, signin and refresh resolve to: a session and its two tokens. */
export interface AuthResult {
  user: User;
  sessionId: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  tokenType: "Bearer";
  /** With the Better Auth bridge's storage: the Better Auth session of this signin, as a cookie to set. */
  betterAuth?: BetterAuthSessionCookie;
}

/** A Better Auth session cookie for the front end (see `auth-skill/better-auth`). */
export interface BetterAuthSessionCookie {
  /** Better Auth's session token (the `session.token` column). */
  token: string;
  /** A complete `Set-Cookie` header value that signs the browser in to Better Auth. */
  setCookie: string;
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
  nbf?: number;
  [claim: string]: unknown;
}

/** Input of {@link AuthSkill.signup}. */
export interface SignupInput {
  email: string;
  password: string;
  username?: string;
  name?: string;
}

/** Input of {@link AuthSkill.signin}: an email or a username, and the password. */
export interface SigninInput {
  email?: string;
  username?: string;
  password: string;
}
