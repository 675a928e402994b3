import type { TotpModule } from "./second-factor/host.js";
import type { JWK } from "jose";
import { AccountMethods } from "./account/account-methods.js";
import { SingleUseTokens } from "./account/single-use-tokens.js";
import { MAX_ACCESS_TTL_MS, toMilliseconds, type Duration } from "./duration.js";
import { AuthError } from "./errors.js";
import type { FlowParts } from "./flow-parts.js";
import { resolveOptions, type AuthSkillOptions } from "./options.js";
import { Passwords } from "./password/passwords.js";
import { SigninLimiter } from "./rate-limit/limiter.js";
import { sessionSigner } from "./session-claims.js";
import { secretCodec } from "./second-factor/codec.js";
import { installSecondFactors } from "./second-factor/install.js";
import type { SigninResult } from "./second-factor/types.js";
import { Sessions } from "./sessions.js";
import { signin, signup, startSession } from "./signin-flows.js";
import { AccessTokens } from "./tokens/access-token-service.js";
import { RefreshTokenCodec } from "./tokens/refresh-token.js";
import { deriveSecretKeys } from "./tokens/secret-keys.js";
import type {
  AccessTokenClaims,
  AuthResult,
  PendingVerification,
  RequestContext,
  SigninContext,
  SigninInput,
  SignupInput,
  StartSessionOptions,
} from "./types.js";

/**
 * Authentication for one service: password hashing, signup and signin, JWT access tokens and rotating
 * refresh tokens over a pluggable storage.
 *
 * @example
 * ```ts
 * import { AuthSkill } from "auth-skill";
 *
 * const auth = new AuthSkill({ secret: process.env.AUTH_SECRET });
 * const { accessToken } = await auth.signup({ email: "ada@example.com", password: "a long passphrase" });
 * const claims = await auth.verifyAccessToken(accessToken);
 * ```
 */
class AuthSkillClass<S extends AuthResult | PendingVerification = AuthResult, R extends SigninResult = AuthResult> extends AccountMethods<R> {
  readonly #checkRevocation: boolean;
  readonly #passwords: Passwords;
  readonly #sessions: Sessions;
  readonly #tokens: AccessTokens;
  readonly #flows: FlowParts;

  /** Validates the options; throws `CONFIG_ERROR` naming the first bad one. Each component gets its slice. */
  constructor(options?: AuthSkillOptions) {
    const o = resolveOptions(options ?? {});
    const passwords = new Passwords(o.passwords);
    const limiter = o.rateLimit === false ? null : new SigninLimiter(o.rateLimit);
    const keys = deriveSecretKeys(o.secrets); // every key of every secret, derived once
    const tokens = new AccessTokens(o.accessTokens, keys);
    const sessions = new Sessions(o.storage, new RefreshTokenCodec(keys), o.sessions, sessionSigner(tokens, o.customClaims, o.permissions), o.account.emit);
    const flows: FlowParts = {
      policy: o.policy,
      now: o.now,
      storage: o.storage,
      passwords,
      limiter,
      sessions,
      tokens: new SingleUseTokens(keys, o.storage, o.now),
      account: o.account,
      secondFactor: { totp: null, passkeys: null, factors: o.storage.secondFactors ?? null },
    };
    installSecondFactors(flows, secretCodec(keys), o.totp, o.passkeys);
    super(flows);
    this.#checkRevocation = o.checkRevocation;
    this.#passwords = passwords;
    this.#tokens = tokens;
    this.#sessions = sessions;
    this.#flows = flows;
  }

  // ---- passwords ---------------------------------------------------------------------------------

  /**
   * Hashes a password with the configured hasher (argon2id by default), after NFKC normalisation. Rejects
   * with `INVALID_INPUT` (before normalising) a password over 4,096 UTF-16 units, and with `WEAK_PASSWORD`
   * one the configured hasher cannot read in full (bcrypt: over 72 bytes).
   *
   * @example
   * ```ts
   * const hash = await auth.hashPassword("correct horse battery staple"); // "$argon2id$v=19$m=19456,t=2,p=1$..."
   * ```
   */
  hashPassword(password: string): Promise<string> {
    return this.#passwords.hash(password);
  }

  /**
   * Checks a password against a hash of any supported format (argon2id/i/d, bcrypt, Better Auth scrypt,
   * and your custom hasher's). Resolves `false`, never throws, for a wrong password or a bad hash — and,
   * without normalising or hashing anything, for a password over 4,096 UTF-16 units or a stored hash whose
   * costs exceed the limits (bcrypt above `password.maxBcryptCost`, 14 by default; absurd argon2 costs).
   *
   * @example
   * ```ts
   * if (await auth.verifyPassword(password, user.passwordHash)) { ... }
   * ```
   */
  verifyPassword(password: string, hash: string): Promise<boolean> {
    return this.#passwords.verify(password, hash);
  }

  /**
   * True when `hash` is not from the configured hasher or uses weaker parameters than configured.
   *
   * @example
   * ```ts
   * if (auth.needsRehash(stored)) stored = await auth.hashPassword(password);
   * ```
   */
  needsRehash(hash: string): boolean {
    return this.#passwords.needsRehash(hash);
  }

  // ---- signup and signin -------------------------------------------------------------------------

  /**
   * Creates a user and signs them in. Throws `INVALID_INPUT`, `WEAK_PASSWORD` or `USER_EXISTS`. Under
   * `requireEmailVerification` it signs nobody in: it sends the verification message and resolves `{ user }`
   * (the type says so: see {@link AuthSkillConstructor}). `context.rememberMe: false` starts a session that
   * ends with the browser (see {@link SigninContext}).
   *
   * @example
   * ```ts
   * const { user, accessToken, refreshToken } = await auth.signup({ email, password, name: "Ada" });
   * ```
   */
  signup(input: SignupInput, context: SigninContext = {}): Promise<S> {
    return signup(this.#flows, input, context) as Promise<S>;
  }

  /**
   * Signs a user in by email or username. An unknown user and a wrong password give the same
   * `INVALID_CREDENTIALS` in the same time. Hashes in an outdated format are upgraded transparently.
   * `context.rememberMe: false` ("remember me" unticked) caps the session at `refreshToken.shortTtl` (one day by
   * default) and resolves `rememberMe: false`, for a cookie that ends with the browser (see {@link SigninContext}).
   *
   * @example
   * ```ts
   * const { accessToken, refreshToken, rememberMe } = await auth.signin({ email, password }, { ip, userAgent, rememberMe: false });
   * ```
   */
  signin(input: SigninInput, context: SigninContext = {}): Promise<R> {
    return signin(this.#flows, input, context) as Promise<R>;
  }

  /**
   * Starts a session for a user you have already authenticated another way — a social login, a magic link, a
   * passkey, another system's session (the Better Auth bridge's `issueTokens`) — and issues its tokens, as
   * signin does after a password. The same gates apply: `ACCOUNT_DISABLED` for a disabled account,
   * `EMAIL_NOT_VERIFIED` where the storage's policy requires verification, and `MFA_REQUIRED` for a user with
   * `twoFactorEnabled` unless you pass `{ secondFactorVerified: true }` after checking that factor yourself.
   * `{ rememberMe: false }` starts a session that ends with the browser, as signin's does.
   * An unknown user is `INVALID_INPUT`; a `userId` that is not a non-empty string is a `TypeError`. Never
   * call it with an id the client chose: it signs that user in.
   *
   * @example
   * ```ts
   * const profile = await verifyGoogleIdToken(idToken); // your own proof of who this is
   * const { accessToken, refreshToken } = await auth.startSession(userIdOf(profile), { ip, userAgent });
   * ```
   */
  startSession(userId: string, context: RequestContext = {}, options: StartSessionOptions = {}): Promise<AuthResult> {
    return startSession(this.#flows, userId, context, options);
  }

  // ---- access tokens -----------------------------------------------------------------------------

  /**
   * Signs an access token (RFC 9068) for a user, optionally tied to a session and with custom claims
   * (which never override registered ones). A `ttl` that is not a finite duration of at most 24 hours is a
   * `TypeError`.
   *
   * @example
   * ```ts
   * const token = await auth.createAccessToken({ userId, claims: { role: "admin" }, ttl: "5m" });
   * ```
   */
  async createAccessToken(input: {
    userId: string;
    sessionId?: string | undefined;
    claims?: Record<string, unknown> | undefined;
    ttl?: Duration | undefined;
  }): Promise<string> {
    if (typeof input?.userId !== "string" || input.userId === "") throw new TypeError("createAccessToken: userId must be a non-empty string");
    const { token } = await this.#tokens.sign({
      userId: input.userId,
      ...(input.sessionId !== undefined ? { sessionId: input.sessionId } : {}),
      ...(input.claims !== undefined ? { claims: input.claims } : {}),
      ...(input.ttl !== undefined ? { ttlMs: toMilliseconds(input.ttl, MAX_ACCESS_TTL_MS) } : {}),
    });
    return token;
  }

  /**
   * Verifies an access token and resolves its claims. Throws `TOKEN_EXPIRED`, `TOKEN_INVALID`, or — when
   * revocation checks are on — `TOKEN_REVOKED` for a token whose session was revoked or has ended.
   *
   * @example
   * ```ts
   * const claims = await auth.verifyAccessToken(bearer, { checkRevocation: true });
   * const { sub: userId, sid: sessionId } = claims;
   * ```
   */
  verifyAccessToken(token: string, options?: { checkRevocation?: boolean | undefined }): Promise<AccessTokenClaims> {
    const verified = this.#tokens.verify(token);
    if (!(options?.checkRevocation ?? this.#checkRevocation)) return verified; // the hot path: no extra await
    return verified.then(async (claims) => {
      if (claims.sid !== undefined && !(await this.#sessions.isLive(claims.sid, claims.sub))) {
        throw new AuthError("TOKEN_REVOKED", "The session of this token has ended.");
      }
      return claims;
    });
  }

  /**
   * The public signing keys as a JWKS, for services that verify our tokens. Empty for HS256.
   *
   * @example
   * ```ts
   * app.get("/.well-known/jwks.json", async (c) => c.json(await auth.jwks()));
   * ```
   */
  async jwks(): Promise<{ keys: JWK[] }> {
    return this.#tokens.jwks();
  }

  // ---- refresh and revocation ------------------------------------------------------------------

  /**
   * Exchanges a refresh token for a new refresh token and access token of the same session (rotation).
   * A rotated token presented again after `reuseInterval` revokes the session: `REFRESH_TOKEN_REUSED`.
   * Within the interval the duplicate receives the same successor refresh token the first caller got. The
   * session keeps its "remember me" choice (`rememberMe`) and its absolute expiry: a refresh never extends it.
   *
   * @example
   * ```ts
   * const next = await auth.refresh(cookies.refresh_token);
   * ```
   */
  async refresh(refreshToken: string, context: RequestContext = {}): Promise<AuthResult> {
    return this.#sessions.refresh(refreshToken, context);
  }

  /**
   * Ends the session a refresh token belongs to (sign out this device): the token revocation of RFC 7009,
   * safe to expose as a public endpoint. Only a refresh token we issued counts; an unknown, malformed or
   * already revoked token resolves without error (RFC 7009 §2.2). A session id does not revoke anything here
   * (every access token carries it as `sid`): use {@link AuthSkill.revokeSession} for that.
   *
   * @example
   * ```ts
   * await auth.revoke(refreshToken); // sign out this device
   * ```
   */
  async revoke(refreshToken: string): Promise<void> {
    await this.#sessions.revoke(refreshToken);
  }
}

/**
 * `new AuthSkill(options)`: the instance's `signup` resolves `AuthResult` (tokens), or `PendingVerification`
 * (`{ user }`, signed out) when `requireEmailVerification` is `true`, or either when the option is a `boolean`
 * not known at compile time (narrow with `"accessToken" in result`).
 *
 * @example
 * ```ts
 * const auth = new AuthSkill({ requireEmailVerification: true, email: { send } }); // AuthSkill<PendingVerification>
 * const { user } = await auth.signup({ email, password }); // no tokens until the address is verified
 * ```
 */
export interface AuthSkillConstructor {
  new (options: AuthSkillOptions & { requireEmailVerification: true; totp?: undefined }): AuthSkill<PendingVerification>;
  new (options?: AuthSkillOptions & { requireEmailVerification?: false | undefined; totp?: undefined }): AuthSkill<AuthResult>;
  new (options: AuthSkillOptions & { requireEmailVerification: true; totp: TotpModule }): AuthSkill<PendingVerification, SigninResult>;
  new (options: AuthSkillOptions & { requireEmailVerification?: false | undefined; totp: TotpModule }): AuthSkill<AuthResult, SigninResult>;
  new (options?: AuthSkillOptions & { totp?: undefined }): AuthSkill<AuthResult | PendingVerification>;
  new (options?: AuthSkillOptions): AuthSkill<AuthResult | PendingVerification, SigninResult>;
  readonly prototype: AuthSkill<AuthResult | PendingVerification, SigninResult>;
}

/**
 * An `AuthSkill` instance; `S` is what its `signup` resolves (see {@link AuthSkillConstructor}). A function
 * that takes any instance takes `AuthSkill<AuthResult | PendingVerification, SigninResult>`. `R` is what its `signin`
 * (and the mail sign-ins) resolve: `AuthResult`, or `SigninResult` (a session or an `MfaChallenge`) when the `totp` option
 * is set.
 *
 * @interface
 */
export type AuthSkill<S extends AuthResult | PendingVerification = AuthResult, R extends SigninResult = AuthResult> = AuthSkillClass<S, R>;
/**
 * The class: `new AuthSkill(options)` (see {@link AuthSkillConstructor} for its overloads).
 *
 * @example
 * ```ts
 * const auth = new AuthSkill({ secret: process.env.AUTH_SECRET });
 * ```
 */
export const AuthSkill: AuthSkillConstructor = AuthSkillClass;
