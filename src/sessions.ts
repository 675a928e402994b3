import type { Emit } from "./account/events.js";
import { accountDisabled, isDisabled, signinGate } from "./account/gates.js";
import { readClock } from "./clock.js";
import { AuthError, storageCall } from "./errors.js";
import { randomId } from "./ids.js";
import type { SessionRecord, StorageAdapter, UserRecord } from "./storage/adapter.js";
import type { RefreshTokenCodec } from "./tokens/refresh-token.js";
import type { AuthResult, RequestContext, User } from "./types.js";

/** Signs an access token for a user's session (with the user's roles and the custom claims). */
export type AccessTokenSigner = (user: UserRecord, sessionId: string, amr: readonly string[]) => Promise<{ token: string; expiresAt: Date }>;

/** The sessions' slice of the configuration (`refreshToken.*` and the clock), durations in milliseconds. */
export interface SessionSettings {
  /** Absolute lifetime of a session from its start. */
  refreshTtlMs: number;
  /** Absolute lifetime of a session started without "remember me" (at most `refreshTtlMs`). */
  shortTtlMs: number;
  /** Lifetime since the last use. */
  idleTtlMs: number;
  /** How long a just-rotated token may be presented again without counting as reuse (0: never). */
  reuseIntervalMs: number;
  /** New sessions need a verified email (`EMAIL_NOT_VERIFIED` otherwise). */
  requireEmailVerification: boolean;
  /** The checked clock. */
  now: () => Date;
}

/** How {@link Sessions.start} starts a session. */
export interface StartOptions {
  /** The caller checked the user's second factor: a user with `twoFactorEnabled` may have a session. */
  secondFactorVerified?: boolean;
  /** Absolute lifetime of this session, in milliseconds (default: the `refreshToken.ttl` option). */
  ttlMs?: number;
  /**
   * "Remember me" (default true). `false` caps the absolute lifetime at `shortTtlMs` (a shorter `ttlMs` still
   * wins) and is stored with the session (`persistent: false`), so every refresh reports it.
   */
  persistent?: boolean;
  /**
   * How the user proved who they are (RFC 8176 `amr` values: `pwd`, `email`, ...), stored with the session so that
   * every access token of it, refreshed ones included, says so. Default: none (the claim is left out).
   */
  amr?: readonly string[];
}

const invalidRefresh = () => new AuthError("TOKEN_INVALID", "The refresh token is invalid.");
const ended = () => new AuthError("TOKEN_REVOKED", "This session has been ended.");
const reused = () => new AuthError("REFRESH_TOKEN_REUSED", "This refresh token was already used; the session has been ended.");

/** The request fields an event carries. */
export function where(context: RequestContext): { ip?: string; userAgent?: string } {
  return {
    ...(typeof context.ip === "string" ? { ip: context.ip.slice(0, 64) } : {}),
    ...(typeof context.userAgent === "string" ? { userAgent: context.userAgent.slice(0, 512) } : {}),
  };
}

/** The public view of a stored user: everything but the password hash. */
export function toUser(u: UserRecord): User {
  // A copy: the caller may change its User without touching the record. A record from an adapter written
  // before roles existed (no array) reads as no roles.
  const roles = Array.isArray(u.roles) ? [...u.roles] : [];
  return { id: u.id, email: u.email, username: u.username, name: u.name, emailVerified: u.emailVerified, roles, createdAt: u.createdAt };
}

/**
 * Sessions and their refresh-token families: start, rotate (with reuse detection), revoke.
 * Holds no crypto of its own (the codec does) and no SQL (the storage adapter does).
 */
export class Sessions {
  constructor(
    private readonly storage: StorageAdapter,
    private readonly codec: RefreshTokenCodec,
    private readonly times: SessionSettings,
    private readonly sign: AccessTokenSigner,
    private readonly emit: Emit,
  ) {}

  /**
   * Starts a session for a user who just proved who they are, and issues its first tokens. Every path to a new
   * session passes here (signin, signup, startSession), so the gates apply to all: `ACCOUNT_DISABLED`,
   * `EMAIL_NOT_VERIFIED` under `requireEmailVerification`, and `MFA_REQUIRED` for a user with
   * `twoFactorEnabled` unless the caller says the second factor was checked: a pending factor is no session.
   */
  async start(user: UserRecord, context: RequestContext, options: StartOptions = {}): Promise<AuthResult> {
    const now = this.admit(user, options.secondFactorVerified === true);
    const id = randomId();
    const token = this.codec.mint(id, 0);
    const persistent = options.persistent !== false;
    const ttlMs = options.ttlMs ?? this.times.refreshTtlMs;
    const session: SessionRecord = {
      id,
      userId: user.id,
      tokenHash: this.codec.hash(token),
      generation: 0,
      rotatedAt: null,
      successor: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + (persistent ? ttlMs : Math.min(ttlMs, this.times.shortTtlMs))),
      lastUsedAt: now,
      revokedAt: null,
      ipAddress: typeof context.ip === "string" ? context.ip.slice(0, 64) : null,
      userAgent: typeof context.userAgent === "string" ? context.userAgent.slice(0, 512) : null,
      persistent,
      ...(options.amr !== undefined && options.amr.length > 0 ? { amr: [...options.amr] } : {}),
    };
    await storageCall(() => this.storage.createSession(session));
    return this.result(user, session, token);
  }

  /**
   * The gates of {@link Sessions.start} alone (ban, email verification, and — unless `secondFactorVerified` — the second
   * factor), for a flow that checks them before it asks for a second factor. Resolves the checked clock's time.
   */
  admit(user: UserRecord, secondFactorVerified: boolean): Date {
    const now = new Date(readClock(this.times.now)); // checked: a broken clock is CONFIG_ERROR
    signinGate(secondFactorVerified ? { ...user, twoFactorEnabled: false } : user, now, this.times.requireEmailVerification);
    return now;
  }

  /**
   * Rotates a refresh token. The current generation rotates through the storage's compare-and-set, so
   * of concurrent calls exactly one wins. A loser, or any older token, is a replay: the session is
   * revoked — unless it is the generation just rotated, within `reuseInterval`, in which case it gets the
   * same successor token the winner got (decrypted from the session) and a fresh access token.
   */
  async refresh(token: string, context: RequestContext = {}): Promise<AuthResult> {
    const parsed = this.codec.parse(token);
    if (!parsed) throw invalidRefresh();
    const now = new Date(readClock(this.times.now)); // checked: a broken clock is CONFIG_ERROR
    let session = await this.live(parsed.sessionId, now, parsed.generation);
    if (session.generation === parsed.generation) {
      if (!this.codec.matches(token, parsed, session.tokenHash)) throw invalidRefresh();
      const user = await this.userOf(session, now); // before rotating: a refused refresh leaves the token as it was
      const generation = session.generation + 1;
      const next = this.codec.mint(session.id, generation);
      const rotated = await storageCall(() =>
        this.storage.rotateSession({
          id: session.id,
          generation: session.generation,
          tokenHash: session.tokenHash,
          next: {
            tokenHash: this.codec.hash(next),
            successor: this.times.reuseIntervalMs > 0 ? this.codec.seal(next, session.id, generation) : null,
            rotatedAt: now,
            lastUsedAt: now,
          },
        }),
      );
      if (rotated) {
        this.emit({ type: "session.refreshed", userId: user.id, sessionId: session.id, at: now, ...where(context) });
        return this.result(user, rotated, next);
      }
      session = await this.live(parsed.sessionId, now, parsed.generation); // lost the race: judged as a duplicate below
    }
    if (session.generation === parsed.generation + 1 && this.withinReuseInterval(session, now)) {
      const successor = this.codec.unseal(session.successor!, session.id, session.generation);
      if (successor) return this.resultFor(session, successor);
    }
    if (parsed.generation < session.generation) {
      await storageCall(() => this.storage.revokeSession(session.id, now));
      this.emit({ type: "refresh.reused", userId: session.userId, sessionId: session.id, at: now, ...where(context) });
      throw reused();
    }
    throw invalidRefresh();
  }

  /**
   * Revokes the session a refresh token names. Only a token we minted counts (its tag is checked): a session
   * id alone, which every access token carries as `sid`, revokes nothing. Unknown or malformed tokens are
   * ignored (RFC 7009 §2.2).
   */
  async revoke(refreshToken: unknown): Promise<void> {
    const parsed = this.codec.parse(refreshToken);
    if (parsed) await this.revokeSession(parsed.sessionId, "signout");
  }

  /** Revokes a session by id (the server's own use); an unknown id is ignored. */
  async revokeSession(sessionId: string, reason: "signout" | "revoke" | "password" = "revoke"): Promise<void> {
    const at = this.times.now();
    if (await storageCall(() => this.storage.revokeSession(sessionId, at))) this.emit({ type: "session.revoked", reason, sessionId, at });
  }

  /** Revokes every session of a user; resolves how many were live. */
  async revokeAll(userId: string, reason: "all" | "password" = "all"): Promise<number> {
    const at = this.times.now();
    const count = await storageCall(() => this.storage.revokeUserSessions(userId, at));
    if (count > 0) this.emit({ type: "session.revoked", reason, userId, count, at });
    return count;
  }

  /** True when the session exists, belongs to `userId`, and is neither revoked nor expired. */
  async isLive(sessionId: string, userId: string): Promise<boolean> {
    const s = await storageCall(() => this.storage.findSession(sessionId));
    return s !== null && s.userId === userId && s.revokedAt === null && this.expiry(s).getTime() > readClock(this.times.now);
  }

  /** When a session's current refresh token stops working: absolute or idle expiry, whichever is first. */
  expiry(s: Pick<SessionRecord, "expiresAt" | "lastUsedAt">): Date {
    return new Date(Math.min(s.expiresAt.getTime(), s.lastUsedAt.getTime() + this.times.idleTtlMs));
  }

  /** The session a token of `generation` names, if live; a revoked one answers reuse for an older generation. */
  private async live(id: string, now: Date, generation: number): Promise<SessionRecord> {
    const session = await storageCall(() => this.storage.findSession(id));
    if (!session) throw invalidRefresh();
    // An older generation was rotated away: a replay, even when a concurrent replay already revoked the
    // session — reported the same way whatever the interleaving.
    if (session.revokedAt !== null) throw generation < session.generation ? reused() : ended();
    // Written as "not after now" so a stored date that is not a number (NaN) counts as expired, never as live.
    if (!(this.expiry(session).getTime() > now.getTime())) throw new AuthError("TOKEN_EXPIRED", "This session has expired.");
    return session;
  }

  private withinReuseInterval(s: SessionRecord, now: Date): boolean {
    const { reuseIntervalMs } = this.times;
    // NaN anywhere makes this false: outside the interval, so a replay is treated as reuse (fails closed).
    return reuseIntervalMs > 0 && s.successor !== null && s.rotatedAt !== null && now.getTime() - s.rotatedAt.getTime() <= reuseIntervalMs;
  }

  private async resultFor(session: SessionRecord, refreshToken: string): Promise<AuthResult> {
    return this.result(await this.userOf(session, this.times.now()), session, refreshToken);
  }

  /**
   * The user of a session being refreshed. A disabled account's session is revoked and refused with
   * `ACCOUNT_DISABLED`. A second factor or an unverified email does not end a session already granted: they
   * gate sign-in only, as in Better Auth (enabling 2FA there keeps the user's other sessions).
   */
  private async userOf(session: SessionRecord, now: Date): Promise<UserRecord> {
    const user = await storageCall(() => this.storage.findUserById(session.userId));
    if (!user) throw ended();
    if (isDisabled(user, now)) {
      await storageCall(() => this.storage.revokeSession(session.id, now));
      throw accountDisabled();
    }
    return user;
  }

  private async result(user: UserRecord, session: SessionRecord, refreshToken: string): Promise<AuthResult> {
    // a stored list that is not one of strings (a foreign row) says nothing: no claim rather than a wrong one
    const amr = Array.isArray(session.amr) && session.amr.every((m) => typeof m === "string") ? session.amr : [];
    const access = await this.sign(user, session.id, amr);
    return {
      user: toUser(user),
      sessionId: session.id,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt: this.expiry(session),
      tokenType: "Bearer",
      // the choice made at sign-in, as stored: a record without it (an older adapter or release) is remember-me
      rememberMe: session.persistent !== false,
    };
  }
}
