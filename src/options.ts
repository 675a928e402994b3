import { randomBytes } from "node:crypto";
import { emitWarning } from "node:process";
import type { JWK } from "jose";
import { z } from "zod";
import { checkedClock, systemClock } from "./clock.js";
import { MAX_ACCESS_TTL_MS, toMilliseconds, type Duration } from "./duration.js";
import { AuthError } from "./errors.js";
import { ARGON2_DEFAULTS, ARGON2_VERIFY_LIMITS, type Argon2Params } from "./password/argon2.js";
import { BCRYPT_MAX_COST } from "./password/bcrypt.js";
import type { HasherChoice, PasswordHasher } from "./password/hasher.js";
import { MAX_PASSWORD_INPUT } from "./password/limits.js";
import type { PepperKey } from "./password/pepper.js";
import type { RateLimitOptions } from "./rate-limit/limiter.js";
import type { SigningAlgorithm } from "./tokens/algorithms.js";
import { checkJwks } from "./tokens/key-ring.js";
import { secretProblem } from "./tokens/secret-strength.js";
import type { StorageAdapter } from "./storage/adapter.js";

/** Argon2id costs as an option: any of the three, each at least its default (m=19456 KiB, t=2, p=1). */
export type Argon2Options = { [K in keyof Argon2Params]?: Argon2Params[K] | undefined };

/**
 * Options of `new AuthSkill(options)`. Every field is optional; see each for its default. A field set to
 * `undefined` means the same as a field left out (so `secret: process.env.AUTH_SECRET` compiles under
 * `exactOptionalPropertyTypes`).
 */
export interface AuthSkillOptions {
  /**
   * At least 32 characters holding at least 128 bits: repeated pieces and tiny alphabets are refused.
   * Make one with `openssl rand -base64 32`. Default: `AUTH_SECRET`, then `BETTER_AUTH_SECRET` from the
   * environment; without any, a random per-process secret when `NODE_ENV` is unset, `development` or
   * `test` (with a warning), and `CONFIG_ERROR` otherwise.
   */
  secret?: string | undefined;
  /** Default: `memoryStorage()`. */
  storage?: StorageAdapter | undefined;
  password?: {
    /** Hasher for new hashes: "argon2id" (default), "bcrypt" (compat), or your own `{ hash, verify }`. */
    hasher?: HasherChoice | undefined;
    /** Default 8; at least 8. */
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
     * verifies the hashes it made. Default: none. See docs/passwords.md.
     */
    pepper?: PepperKey[] | undefined;
  } | undefined;
  /** Signin brute-force limits (on by default, in memory); `false` turns every limit off. */
  rateLimit?: false | RateLimitOptions | undefined;
  accessToken?: {
    /** Default "HS256" (keyed with `secret`). */
    algorithm?: SigningAlgorithm | undefined;
    /** Private JWKs with `kid` for asymmetric algorithms: keys[0] signs, every key verifies. */
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
  } | undefined;
  refreshToken?: {
    /** Absolute lifetime of a session from sign-in (default "30d"; at most 400 days). */
    ttl?: Duration | undefined;
    /** Lifetime since the last use (default: same as `ttl`; at most 400 days). */
    idleTtl?: Duration | undefined;
    /** How long a just-rotated token may be presented again without counting as reuse (default 0). */
    reuseInterval?: Duration | undefined;
  } | undefined;
  /**
   * Clock, for tests. Default `() => new Date()`. Every read is checked: a time that is not a valid `Date`
   * (NaN, beyond year 9999, not a Date at all) throws `CONFIG_ERROR` instead of being compared.
   */
  now?: (() => Date) | undefined;
}

/** Options after validation and defaults. */
export interface ResolvedOptions {
  secret: string;
  storage: StorageAdapter | undefined;
  rateLimit: false | RateLimitOptions;
  hasher: HasherChoice;
  argon2: Argon2Params;
  bcryptCost: number;
  maxBcryptCost: number;
  minLength: number;
  maxLength: number;
  blockCommon: boolean;
  pepper: PepperKey[];
  algorithm: SigningAlgorithm;
  keys: JWK[] | undefined;
  issuer: string;
  audience: string | string[];
  accessTtlMs: number;
  clockToleranceMs: number;
  checkRevocation: boolean;
  refreshTtlMs: number;
  idleTtlMs: number;
  reuseIntervalMs: number;
  now: () => Date;
}

/** Longest clock tolerance: beyond minutes, a tolerance only hides a broken clock and lengthens every token. */
const MAX_CLOCK_TOLERANCE_MS = 300_000;
/** A duration option of at most `maxMs` (default: 400 days, {@link toMilliseconds}'s cap). */
const durationUpTo = (maxMs?: number) =>
  z.union([z.number().nonnegative(), z.string()]).superRefine((v, ctx) => {
    try {
      toMilliseconds(v, maxMs);
    } catch (err) {
      const tooLong = err instanceof TypeError && err.message.includes("at most");
      ctx.addIssue({ code: "custom", message: tooLong ? err.message.replace("A duration must be", "must be") : 'must be seconds or a string such as "15m" or "30d"' });
    }
  });
const duration = durationUpTo();
const hasherObject = z.custom<PasswordHasher>(
  (v) => typeof v === "object" && v !== null && typeof (v as PasswordHasher).hash === "function" && typeof (v as PasswordHasher).verify === "function",
  "must be \"argon2id\", \"bcrypt\" or an object with hash() and verify()",
);
/** True unless `v` is a duration of 0 (one that is not a duration at all is reported by `duration`). */
function notZero(v: Duration): boolean {
  try {
    return toMilliseconds(v) > 0;
  } catch {
    return true;
  }
}
/** One `rateLimit` rule: `max` attempts per `window` (longer than 0). */
const rateLimitRule = z.strictObject({ max: z.number().int().min(1), window: duration.refine(notZero, "must be longer than 0") }).optional();
const schema = z.strictObject({
  secret: z.string().optional(),
  storage: z.custom<StorageAdapter>((v) => typeof v === "object" && v !== null, "must be a storage adapter").optional(),
  password: z
    .strictObject({
      hasher: z.union([z.literal("argon2id"), z.literal("bcrypt"), hasherObject]).optional(),
      minLength: z.number().int().min(8).max(64).optional(),
      maxLength: z.number().int().min(64).max(MAX_PASSWORD_INPUT).optional(),
      argon2: z
        .strictObject({
          memoryCost: z.number().int().min(ARGON2_DEFAULTS.memoryCost).max(ARGON2_VERIFY_LIMITS.memoryCost).optional(),
          timeCost: z.number().int().min(ARGON2_DEFAULTS.timeCost).max(ARGON2_VERIFY_LIMITS.timeCost).optional(),
          parallelism: z.number().int().min(ARGON2_DEFAULTS.parallelism).max(255).optional(),
        })
        .optional(),
      bcryptCost: z.number().int().min(10).max(31).optional(),
      maxBcryptCost: z.number().int().min(10).max(31).optional(),
      blockCommon: z.boolean().optional(),
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
        .optional(),
    })
    .refine((p) => p.bcryptCost === undefined || p.bcryptCost <= (p.maxBcryptCost ?? BCRYPT_MAX_COST), {
      message: `must not exceed password.maxBcryptCost (default ${BCRYPT_MAX_COST})`,
      path: ["bcryptCost"],
    })
    .optional(),
  rateLimit: z
    .union([
      z.literal(false),
      z.strictObject({
        store: z
          .custom(
            (v) => typeof v === "object" && v !== null && ["reserve", "refund", "reset"].every((m) => typeof (v as Record<string, unknown>)[m] === "function"),
            "must be a rate-limit store with reserve(), refund() and reset()",
          )
          .optional(),
        account: rateLimitRule,
        client: rateLimitRule,
        signup: rateLimitRule,
        lockAfter: z.number().int().min(1).max(100).optional(),
      }),
    ])
    .optional(),
  accessToken: z
    .strictObject({
      algorithm: z.enum(["HS256", "EdDSA", "ES256", "RS256"]).optional(),
      keys: z.array(z.record(z.string(), z.unknown())).optional(),
      issuer: z.string().min(1).optional(),
      audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
      ttl: durationUpTo(MAX_ACCESS_TTL_MS).optional(),
      clockTolerance: durationUpTo(MAX_CLOCK_TOLERANCE_MS).optional(),
      checkRevocation: z.boolean().optional(),
    })
    .optional(),
  refreshToken: z.strictObject({ ttl: duration.optional(), idleTtl: duration.optional(), reuseInterval: duration.optional() }).optional(),
  now: z.function().optional(),
});

let processSecret: string | undefined;

function configError(message: string): AuthError {
  return new AuthError("CONFIG_ERROR", `auth-skill configuration: ${message}`);
}

/** Where the random per-process fallback secret is allowed: an unset NODE_ENV, `development` or `test`. */
const DEV_ENVIRONMENTS = new Set([undefined, "", "development", "test"]);

/** The secret from the options or the environment; a random per-process one in development only. */
function resolveSecret(given: string | undefined): string {
  const env = globalThis.process?.env ?? {};
  const secret = [given, env.AUTH_SECRET, env.BETTER_AUTH_SECRET].find((s) => s !== undefined && s !== ""); // empty = unset
  if (secret === undefined) {
    if (!DEV_ENVIRONMENTS.has(env.NODE_ENV)) {
      throw configError("no secret: set the secret option or AUTH_SECRET (generate one with `openssl rand -base64 32`); the random fallback is for NODE_ENV development or test only");
    }
    if (processSecret === undefined) {
      processSecret = randomBytes(32).toString("base64url");
      emitWarning("auth-skill: no secret configured (secret option, AUTH_SECRET or BETTER_AUTH_SECRET); using a random per-process secret, so tokens will not survive a restart.", "AuthSkillWarning");
    }
    return processSecret;
  }
  const problem = secretProblem(secret);
  if (problem) throw configError(`the secret ${problem}`);
  return secret;
}

/**
 * Validates options and fills in defaults; throws `CONFIG_ERROR` naming the first bad option.
 */
export function resolveOptions(options: AuthSkillOptions = {}): ResolvedOptions {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw configError(`${issue.path.join(".") || "options"} ${issue.message}`);
  }
  const o = options;
  const algorithm = o.accessToken?.algorithm ?? "HS256";
  const keyProblem = checkJwks(algorithm, o.accessToken?.keys);
  if (keyProblem) throw configError(keyProblem);
  const hasher = o.password?.hasher ?? "argon2id";
  const maxBcryptCost = o.password?.maxBcryptCost ?? BCRYPT_MAX_COST;
  const refreshTtlMs = toMilliseconds(o.refreshToken?.ttl ?? "30d");
  return {
    secret: resolveSecret(o.secret),
    storage: o.storage,
    rateLimit: o.rateLimit ?? {},
    hasher,
    argon2: {
      memoryCost: o.password?.argon2?.memoryCost ?? ARGON2_DEFAULTS.memoryCost,
      timeCost: o.password?.argon2?.timeCost ?? ARGON2_DEFAULTS.timeCost,
      parallelism: o.password?.argon2?.parallelism ?? ARGON2_DEFAULTS.parallelism,
    },
    bcryptCost: o.password?.bcryptCost ?? Math.min(12, maxBcryptCost),
    maxBcryptCost,
    minLength: o.password?.minLength ?? 8,
    maxLength: o.password?.maxLength ?? 128,
    blockCommon: o.password?.blockCommon ?? true,
    pepper: o.password?.pepper?.map((k) => ({ id: k.id, secret: k.secret })) ?? [],
    algorithm,
    keys: o.accessToken?.keys,
    issuer: o.accessToken?.issuer ?? "auth-skill",
    audience: o.accessToken?.audience ?? "auth-skill",
    accessTtlMs: toMilliseconds(o.accessToken?.ttl ?? "15m"),
    clockToleranceMs: toMilliseconds(o.accessToken?.clockTolerance ?? 5),
    checkRevocation: o.accessToken?.checkRevocation ?? false,
    refreshTtlMs,
    idleTtlMs: o.refreshToken?.idleTtl === undefined ? refreshTtlMs : toMilliseconds(o.refreshToken.idleTtl),
    reuseIntervalMs: toMilliseconds(o.refreshToken?.reuseInterval ?? 0),
    now: checkedClock(o.now ?? systemClock),
  };
}
