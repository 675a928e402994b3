/**
 * The configuration, described once: `option-types.ts` documents what a user writes (`AuthSkillOptions`),
 * and the schema below validates it, holds every default (rate limits included) and cuts the result into the
 * slices each component takes (`PasswordSettings`, `AccessTokensSettings`, `SessionSettings`,
 * `LimiterSettings`…, each defined next to its component). The schema's input type is checked at compile time
 * to be exactly `AuthSkillOptions`; `ResolvedOptions` is its output type. Nothing below `AuthSkill` imports
 * this file.
 */
import type { PasskeysModule, TotpModule } from "./second-factor/host.js";
import type { JWK } from "jose";
import { z } from "zod";
import { emitter, type AuthEvent } from "./account/events.js";
import type { EmailOptions } from "./account/mail.js";
import { permissionMapProblem } from "./account/permissions.js";
import { checkedClock, systemClock } from "./clock.js";
import { withEnvironment } from "./environment.js";
import { MAX_ACCESS_TTL_MS, toMilliseconds } from "./duration.js";
import type { AuthSkillOptions } from "./option-types.js";
import { ARGON2_DEFAULTS, ARGON2_VERIFY_LIMITS } from "./password/argon2.js";
import { BCRYPT_MAX_COST } from "./password/bcrypt.js";
import type { PasswordHasher } from "./password/hasher.js";
import { MAX_PASSWORD_INPUT } from "./password/limits.js";
import type { PasswordSettings } from "./password/passwords.js";
import type { PolicySettings } from "./password/policy.js";
import type { LimiterSettings, LimitRule } from "./rate-limit/limiter.js";
import { memoryRateLimitStore, type RateLimitStore } from "./rate-limit/store.js";
import { configError, resolveSecrets } from "./secret.js";
import type { SessionSettings } from "./sessions.js";

import type { StorageAdapter } from "./storage/adapter.js";
import { memoryStorage } from "./storage/memory.js";
import type { AccessTokensSettings } from "./tokens/access-token-service.js";
import type { User } from "./types.js";
import { checkJwks } from "./tokens/key-ring.js";
import { secretProblem } from "./tokens/secret-strength.js";

export type { Argon2Options, AuthSkillOptions, RateLimitOptions } from "./option-types.js";

/** Longest clock tolerance: beyond minutes, a tolerance only hides a broken clock and lengthens every token. */
const MAX_CLOCK_TOLERANCE_MS = 300_000;

/** A duration option (seconds or "15m"), resolved to milliseconds; at most `maxMs` (default: 400 days). */
const durationMs = (maxMs?: number) =>
  z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
    try {
      return toMilliseconds(v, maxMs);
    } catch (err) {
      const tooLong = err instanceof TypeError && err.message.includes("at most");
      // `continue`: the issue does not abort, so a surrounding union (`rateLimit`) still names this field
      ctx.addIssue({
        code: "custom",
        continue: true,
        message: tooLong ? err.message.replace("A duration must be", "must be") : 'must be seconds or a string such as "15m" or "30d"',
      });
      return z.NEVER;
    }
  });

const isObject = (v: unknown): v is object => typeof v === "object" && v !== null;
const hasMethods = (v: unknown, names: string[]) => isObject(v) && names.every((m) => typeof (v as Record<string, unknown>)[m] === "function");

/** One `rateLimit` rule: `max` attempts per `window` (longer than 0). */
const limitRule = z
  .strictObject({ max: z.number().int().min(1), window: durationMs().refine((ms) => ms > 0, "must be longer than 0") })
  .transform(({ max, window }): LimitRule => ({ max, windowMs: window }));

const password = z
  .strictObject({
    hasher: z
      .union([
        z.literal("argon2id"),
        z.literal("bcrypt"),
        z.custom<PasswordHasher>((v) => hasMethods(v, ["hash", "verify"]), 'must be "argon2id", "bcrypt" or an object with hash() and verify()'),
      ])
      .default("argon2id"),
    minLength: z.number().int().min(8).max(64).default(8),
    maxLength: z.number().int().min(64).max(MAX_PASSWORD_INPUT).default(128),
    argon2: z
      .strictObject({
        memoryCost: z.number().int().min(ARGON2_DEFAULTS.memoryCost).max(ARGON2_VERIFY_LIMITS.memoryCost).default(ARGON2_DEFAULTS.memoryCost),
        timeCost: z.number().int().min(ARGON2_DEFAULTS.timeCost).max(ARGON2_VERIFY_LIMITS.timeCost).default(ARGON2_DEFAULTS.timeCost),
        parallelism: z.number().int().min(ARGON2_DEFAULTS.parallelism).max(255).default(ARGON2_DEFAULTS.parallelism),
      })
      .prefault({}),
    bcryptCost: z.number().int().min(10).max(31).optional(), // default: 12, or maxBcryptCost if lower
    maxBcryptCost: z.number().int().min(10).max(31).default(BCRYPT_MAX_COST),
    blockCommon: z.boolean().default(true),
    pepper: z
      .array(
        z.strictObject({
          id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "must be 1-32 of [A-Za-z0-9_-]"),
          // the same strength rule as the secret option: a pepper guards every hash it wraps
          secret: z.string().superRefine((v, ctx) => {
            const problem = secretProblem(v);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
          }),
        }),
      )
      .min(1)
      .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, "ids must be unique")
      .default([]),
  })
  .refine((p) => p.bcryptCost === undefined || p.bcryptCost <= p.maxBcryptCost, {
    message: `must not exceed password.maxBcryptCost (default ${BCRYPT_MAX_COST})`,
    path: ["bcryptCost"],
  })
  .transform(({ minLength, maxLength, blockCommon, bcryptCost, ...p }) => ({
    hashing: { ...p, bcryptCost: bcryptCost ?? Math.min(12, p.maxBcryptCost) } satisfies PasswordSettings,
    policy: { minLength, maxLength, blockCommon } satisfies PolicySettings,
  }))
  .prefault({});

const rateLimit = z
  .union([
    z.literal(false),
    z.strictObject({
      store: z
        .custom<RateLimitStore>((v) => hasMethods(v, ["reserve", "refund", "reset"]), "must be a rate-limit store with reserve(), refund() and reset()")
        .default(() => memoryRateLimitStore()),
      account: limitRule.prefault({ max: 10, window: "15m" }),
      client: limitRule.prefault({ max: 100, window: "15m" }),
      signup: limitRule.prefault({ max: 20, window: "1h" }),
      lockAfter: z.number().int().min(1).max(100).default(100),
      emailAddress: limitRule.prefault({ max: 5, window: "1h" }),
      emailClient: limitRule.prefault({ max: 30, window: "1h" }),
    }),
  ])
  .prefault({});

const accessToken = z
  .strictObject({
    algorithm: z.enum(["HS256", "EdDSA", "ES256", "RS256"]).default("HS256"),
    keys: z.array(z.custom<JWK>((v) => isObject(v) && !Array.isArray(v), "must hold JWK objects")).optional(),
    issuer: z.string().min(1).default("auth-skill"),
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).default("auth-skill"),
    ttl: durationMs(MAX_ACCESS_TTL_MS).prefault("15m"),
    clockTolerance: durationMs(MAX_CLOCK_TOLERANCE_MS).prefault(5),
    checkRevocation: z.boolean().default(false),
    claims: z
      .custom<(user: User, session: { id: string }) => Record<string, unknown> | Promise<Record<string, unknown>>>(
        (v) => typeof v === "function",
        "must be a function (user, session) => claims",
      )
      .optional(),
  })
  .prefault({});

/** Longest life of a token sent by mail: a week (a link older than that is a liability, not a convenience). */
const MAX_MAIL_TOKEN_MS = 7 * 86_400_000;
const lifetime = (fallback: string) =>
  durationMs(MAX_MAIL_TOKEN_MS)
    .refine((ms) => ms > 0, "must be longer than 0")
    .prefault(fallback);
/** Longest life of a sign-in token sent by mail (magic link, email code): an hour. */
const MAX_SIGNIN_TOKEN_MS = 3_600_000;
const signinLifetime = (fallback: string) =>
  durationMs(MAX_SIGNIN_TOKEN_MS)
    .refine((ms) => ms > 0, "must be longer than 0")
    .prefault(fallback);
const tokens = z
  .strictObject({
    passwordReset: lifetime("1h"),
    emailVerification: lifetime("24h"),
    emailChange: lifetime("1h"),
    magicLink: signinLifetime("15m"),
    emailCode: signinLifetime("15m"),
  })
  .prefault({});

/** Default `refreshToken.shortTtl` (sessions without "remember me"), as Better Auth's: one day, or `ttl` when shorter. */
const SHORT_TTL_MS = 86_400_000;

const refreshToken = z
  .strictObject({
    ttl: durationMs().prefault("30d"),
    shortTtl: durationMs()
      .refine((ms) => ms > 0, "must be longer than 0")
      .optional(),
    idleTtl: durationMs().optional(),
    reuseInterval: durationMs().prefault(0),
  })
  .refine((r) => r.shortTtl === undefined || r.shortTtl <= r.ttl, { message: "must not exceed refreshToken.ttl", path: ["shortTtl"] })
  .prefault({});

const optionsSchema = z
  .strictObject({
    secret: z.string().optional(),
    secrets: z.array(z.string()).optional(), // the rules (1 to 8, strong, unique, not with secret) live in resolveSecrets
    storage: z.custom<StorageAdapter>(isObject, "must be a storage adapter").default(() => memoryStorage()),
    password,
    rateLimit,
    accessToken,
    refreshToken,
    email: z.strictObject({ send: z.custom<EmailOptions["send"]>((v) => typeof v === "function", "must be a function (message) => void") }).optional(),
    requireEmailVerification: z.boolean().default(false),
    permissions: z
      .record(z.string(), z.array(z.string()))
      .superRefine((map, ctx) => {
        const problem = permissionMapProblem(map);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .default({}),
    tokens,
    onEvent: z.custom<(event: AuthEvent) => unknown>((v) => typeof v === "function", "must be a function (event) => void").optional(),
    now: z.custom<() => Date>((v) => typeof v === "function", "must be a function returning a Date").default(() => systemClock),
    totp: z.custom<TotpModule>((v) => isObject(v) && (v as { kind?: unknown }).kind === "totp", "must be totp({ issuer }) from auth-skill/totp").optional(),
    passkeys: z
      .custom<PasskeysModule>(
        (v) => isObject(v) && (v as { kind?: unknown }).kind === "passkeys",
        "must be passkeys({ rpID, rpName, origins }) from auth-skill/passkeys",
      )
      .optional(),
  })
  // Checks that read the environment or several fields run once every field is valid, in this order.
  .transform((o) => {
    const keyProblem = checkJwks(o.accessToken.algorithm, o.accessToken.keys);
    if (keyProblem) throw configError(keyProblem);
    if (o.storage.policy?.requireEmailVerification === true && !o.requireEmailVerification) {
      throw configError("requireEmailVerification must be true: the storage's policy requires verified emails (Better Auth's requireEmailVerification)");
    }
    const secrets = resolveSecrets(o.secret, o.secrets);
    const now = checkedClock(o.now);
    const { ttl, clockTolerance, checkRevocation, keys, claims: customClaims, ...claims } = o.accessToken;
    if ((o.totp || o.passkeys) && !isObject(o.storage.secondFactors)) {
      throw configError("the storage has no second-factor operations (StorageAdapter.secondFactors), which totp and passkeys need");
    }
    return {
      storage: o.storage,
      now,
      /** The second-factor modules, when configured. */
      totp: o.totp ?? null,
      passkeys: o.passkeys ?? null,
      /** The secrets, current first: every key of the refresh-token codec, single-use tokens and HS256 comes from them. */
      secrets,
      passwords: o.password.hashing,
      policy: o.password.policy,
      rateLimit: o.rateLimit satisfies LimiterSettings | false,
      accessTokens: { ...claims, keys, ttlMs: ttl, clockToleranceMs: clockTolerance, now } satisfies AccessTokensSettings,
      /** Whether `verifyAccessToken` checks the session by default. */
      checkRevocation,
      /** The `accessToken.claims` hook, if any. */
      customClaims,
      /** Roles to permissions, for the tokens of sessions. */
      permissions: o.permissions,
      /** The account flows' slice: mail, token lifetimes, verification rule, events. */
      account: {
        email: o.email ?? null,
        requireEmailVerification: o.requireEmailVerification,
        ttl: o.tokens,
        emit: emitter(o.onEvent),
      },
      sessions: {
        refreshTtlMs: o.refreshToken.ttl,
        shortTtlMs: o.refreshToken.shortTtl ?? Math.min(SHORT_TTL_MS, o.refreshToken.ttl),
        idleTtlMs: o.refreshToken.idleTtl ?? o.refreshToken.ttl,
        reuseIntervalMs: o.refreshToken.reuseInterval,
        requireEmailVerification: o.requireEmailVerification,
        now,
      } satisfies SessionSettings,
    };
  });

/** The options after validation and defaults, cut into each component's slice. */
export type ResolvedOptions = z.output<typeof optionsSchema>;

/** True when A and B are each assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Every key path of an options type ("password.argon2.memoryCost"), through nested option objects. */
type KeyPaths<T> = T extends (...args: never[]) => unknown
  ? never
  : T extends readonly unknown[]
    ? never
    : T extends object
      ? { [K in keyof T & string]-?: K | `${K}.${KeyPaths<NonNullable<T[K]>>}` }[keyof T & string]
      : never;
type Expect<T extends true> = T;
/**
 * Compile-time proof that the schema takes exactly the documented options: the same types and the same key
 * paths (a field added to one and not the other, or typed differently, fails `tsc`).
 */
export type SchemaMatchesOptions = [
  Expect<Same<z.input<typeof optionsSchema>, AuthSkillOptions>>,
  Expect<Same<KeyPaths<z.input<typeof optionsSchema>>, KeyPaths<AuthSkillOptions>>>,
];

/**
 * Validates options and fills in defaults; throws `CONFIG_ERROR` naming the first bad option.
 *
 * @example
 * ```ts
 * const { accessTokens, sessions } = resolveOptions({ refreshToken: { ttl: "7d" } }); // sessions.refreshTtlMs 604800000
 * ```
 */
export function resolveOptions(options: AuthSkillOptions = {}): ResolvedOptions {
  // the environment fills in what the code left out; a bad variable is CONFIG_ERROR naming it
  const isPlain = typeof options === "object" && options !== null && !Array.isArray(options);
  const parsed = optionsSchema.safeParse(isPlain ? withEnvironment(options) : options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw configError(`${issue.path.join(".") || "options"} ${issue.message}`);
  }
  return parsed.data;
}
