// The options of `new AuthSkill(options)` as a user writes them: the one documented description of every
// field, its default and its bounds. `options.ts` validates them and fills in the defaults with a zod schema
// whose input type is checked at compile time to be exactly this one, so the two cannot drift. (A type
// inferred from the schema would reach the .d.ts as `z.input<typeof schema>`, without these comments.)
import type { PasskeysModule, TotpModule } from "./second-factor/host.js";
import type { JWK } from "jose";
import type { AuthEvent } from "./account/events.js";
import type { EmailOptions } from "./account/mail.js";
import type { Duration } from "./duration.js";
import type { Argon2Params } from "./password/argon2.js";
import type { HasherChoice } from "./password/hasher.js";
import type { PepperKey } from "./password/pepper.js";
import type { RateLimitStore } from "./rate-limit/store.js";
import type { StorageAdapter } from "./storage/adapter.js";

import type { SigningAlgorithm } from "./tokens/algorithms.js";
import type { User } from "./types.js";

/** Argon2id costs as an option: any of the three, each at least its default (m=19456 KiB, t=2, p=1). */
export type Argon2Options = { [K in keyof Argon2Params]?: Argon2Params[K] | undefined };

/** Brute-force limits for signin, signup and the requests that send mail. Every field is optional. */
export interface RateLimitOptions {
  /** Where counters live (default: this process's memory, `memoryRateLimitStore()`). */
  store?: RateLimitStore | undefined;
  /** Signin attempts per account — one budget whichever identifier names it — per window (default 10 per "15m"). */
  account?: { max: number; window: Duration } | undefined;
  /** Failed signins per client address, IPv6 collapsed to /64 (default 100 per "15m"). */
  client?: { max: number; window: Duration } | undefined;
  /** Signups per client address, IPv6 collapsed to /64 (default 20 per "1h"). */
  signup?: { max: number; window: Duration } | undefined;
  /** Consecutive failures after which an account is locked until `unlock` (default 100, at most 100). */
  lockAfter?: number | undefined;
  /** Mail-sending requests (password reset, verification, email change) per email address (default 5 per "1h"). */
  emailAddress?: { max: number; window: Duration } | undefined;
  /** Mail-sending requests per client address, IPv6 collapsed to /64 (default 30 per "1h"). */
  emailClient?: { max: number; window: Duration } | undefined;
}

/** Lifetimes of the single-use tokens sent by mail. */
export interface TokenLifetimes {
  /** Default "1h"; at most 7 days. */
  passwordReset?: Duration | undefined;
  /** Default "24h"; at most 7 days. */
  emailVerification?: Duration | undefined;
  /** Default "1h"; at most 7 days. */
  emailChange?: Duration | undefined;
  /** Sign-in links (`requestMagicLink`). Default "15m"; at most 1 hour. */
  magicLink?: Duration | undefined;
  /** Sign-in codes (`requestEmailCode`). Default "15m"; at most 1 hour. */
  emailCode?: Duration | undefined;
}

/**
 * Options of `new AuthSkill(options)`. Every field is optional; see each for its default. A field set to
 * `undefined` means the same as a field left out (so `secret: process.env.AUTH_SECRET` compiles under
 * `exactOptionalPropertyTypes`).
 */
export interface AuthSkillOptions {
  /**
   * At least 32 characters holding at least 128 bits: repeated pieces and tiny alphabets are refused.
   * Make one with `openssl rand -base64 32`. Every key is derived from it (HKDF, one per use: see
   * docs/tokens.md). Set this or `secrets`, not both. Default (neither set): from the environment, the first
   * of `AUTH_SECRETS` (comma-separated, current first), `AUTH_SECRET`, `BETTER_AUTH_SECRETS` (Better Auth's
   * "2:new,1:old", in that order) and `BETTER_AUTH_SECRET`; without any, a random per-process secret when
   * `NODE_ENV` is unset, `development` or `test` (with a warning), and `CONFIG_ERROR` otherwise.
   */
  secret?: string | undefined;
  /**
   * Secret rotation: the current secret first, then previous ones still accepted (1 to 8, each as strong as
   * `secret`, none repeated). New tokens use the first; tokens made under a previous one keep verifying and
   * refreshing until they expire or its secret is dropped, and a refresh re-issues them under the first.
   * Set this or `secret`, not both. See "Rotating the secret" in docs/tokens.md.
   */
  secrets?: string[] | undefined;
  /** Where users and sessions live. Default: `memoryStorage()` (this process's memory, for tests and demos). */
  storage?: StorageAdapter | undefined;
  /** Password hashing and the policy for new passwords. */
  password?:
    | {
        /** Hasher for new hashes: "argon2id" (default), "bcrypt" (compat), or your own `{ hash, verify }`. */
        hasher?: HasherChoice | undefined;
        /** Fewest code points after NFKC: default 8, from 8 to 64. */
        minLength?: number | undefined;
        /** Most code points after NFKC: default 128, from 64 to 4,096. Any password input over 4,096 UTF-16 units is refused before NFKC. */
        maxLength?: number | undefined;
        /** Argon2id costs, at least (and by default) m=19456 KiB, t=2, p=1. */
        argon2?: Argon2Options | undefined;
        /** bcrypt cost when `hasher: "bcrypt"` (default 12 or `maxBcryptCost` if lower; from 10 to `maxBcryptCost`). */
        bcryptCost?: number | undefined;
        /**
         * Highest cost a stored bcrypt hash may have to be verified (default 14, from 10 to 31); a hash above it
         * fails verification without being computed, on every path (signin, `verifyPassword`).
         */
        maxBcryptCost?: number | undefined;
        /** Refuse the ~11,600 most common passwords (default true). */
        blockCommon?: boolean | undefined;
        /**
         * Optional pepper keys (secrets kept outside the database): the first peppers new hashes, every one
         * verifies the hashes it made. Ids are unique. Default: none. See docs/passwords.md.
         */
        pepper?: PepperKey[] | undefined;
      }
    | undefined;
  /** Signin and signup brute-force limits (on by default, in memory); `false` turns every limit off. */
  rateLimit?: false | RateLimitOptions | undefined;
  /** Access tokens (RFC 9068 JWTs). */
  accessToken?:
    | {
        /** Default "HS256" (keyed from `secret`/`secrets`); "EdDSA", "ES256" and "RS256" sign with `keys`. */
        algorithm?: SigningAlgorithm | undefined;
        /** Private JWKs with `kid` for asymmetric algorithms: keys[0] signs, every key verifies. Not for HS256. */
        keys?: JWK[] | undefined;
        /** Default "auth-skill". */
        issuer?: string | undefined;
        /** Default "auth-skill". */
        audience?: string | string[] | undefined;
        /** Default "15m"; at most 24 hours. */
        ttl?: Duration | undefined;
        /** Default 5 seconds; at most 5 minutes. */
        clockTolerance?: Duration | undefined;
        /** Check the session on every verification (default false: stateless). */
        checkRevocation?: boolean | undefined;
        /**
         * Custom claims for the tokens of every session (signin, signup, startSession, refresh), made from the user
         * and the session. Registered claims (iss, sub, aud, exp, nbf, iat, jti, sid) and `roles` (the user's
         * roles) cannot be set this way: they are left out. Keep them small and never secret (anyone holding the
         * token can read them). A hook that throws fails the signin or refresh that called it.
         */
        claims?: ((user: User, session: { id: string }) => Record<string, unknown> | Promise<Record<string, unknown>>) | undefined;
      }
    | undefined;
  /** Refresh tokens and the sessions they belong to. */
  refreshToken?:
    | {
        /** Absolute lifetime of a session from sign-in (default "30d"; at most 400 days). */
        ttl?: Duration | undefined;
        /**
         * Absolute lifetime of a session signed in with `rememberMe: false` ("remember me" unticked), from sign-in;
         * refreshes do not extend it (default "1d", or `ttl` when shorter; longer than 0 and at most `ttl`).
         */
        shortTtl?: Duration | undefined;
        /** Lifetime since the last use (default: same as `ttl`; at most 400 days). */
        idleTtl?: Duration | undefined;
        /** How long a just-rotated token may be presented again without counting as reuse (default 0). */
        reuseInterval?: Duration | undefined;
      }
    | undefined;
  /**
   * How mail leaves: `send(message)` delivers a password reset, an email verification or an email change
   * (see `EmailMessage`). The library never sends mail itself. Required by the flows that send mail.
   */
  email?: EmailOptions | undefined;
  /**
   * Signup leaves the account unverified and signed out: it resolves `{ user }` without tokens and sends the
   * verification message, and signin answers `EMAIL_NOT_VERIFIED` (once the password is right) until the user
   * verifies. Default false. Must be true when the storage's policy requires verification (the Better Auth
   * bridge's `requireEmailVerification`).
   */
  requireEmailVerification?: boolean | undefined;
  /**
   * Roles to the permissions they grant, e.g. `{ admin: ["*"], editor: ["posts:*", "media:upload"] }`. A
   * session's access tokens carry the permissions of the user's roles (a `permissions` claim), which `can` and
   * `requirePermission` check. A segment `*` grants every value of that segment and the ones after it. Default: none.
   */
  permissions?: Record<string, string[]> | undefined;
  /** Lifetimes of the tokens sent by mail. */
  tokens?: TokenLifetimes | undefined;
  /**
   * Audit events (`AuthEvent`): signups, signins, refreshes, revocations, resets, changes. Delivered after the
   * flow has moved on; a handler that throws or is slow never breaks or delays a flow. Never carries a
   * password, token, hash or secret.
   */
  onEvent?: ((event: AuthEvent) => unknown) | undefined;
  /**
   * Clock, for tests. Default `() => new Date()`. Every read is checked: a time that is not a valid `Date`
   * (NaN, beyond year 9999, not a Date at all) throws `CONFIG_ERROR` instead of being compared.
   */
  now?: (() => Date) | undefined;
  /**
   * Authenticator-app codes (TOTP) with recovery codes, as a second factor: `totp({ issuer: "Example" })` from
   * `auth-skill/totp` (an optional peer, `otplib`). Enables `auth.totp` and `verifySecondFactor`.
   */
  totp?: TotpModule | undefined;
  /**
   * Passkeys (WebAuthn): `passkeys({ rpID, rpName, origins })` from `auth-skill/passkeys` (an optional peer,
   * `@simplewebauthn/server`). Enables `auth.passkeys`.
   */
  passkeys?: PasskeysModule | undefined;
}
