import { checkedClock, systemClock } from "../clock.js";
import { MAX_DURATION_MS } from "../duration.js";
import { AuthError } from "../errors.js";
import type { Argon2Params } from "../password/argon2.js";
import { detectDialect, type BridgeDialect, type Db } from "./db.js";
import type { AnyKysely } from "../adapters/sql/any-kysely.js";

/**
 * One entry of Better Auth's `secrets` option (or `BETTER_AUTH_SECRETS="2:new,1:old"`).
 *
 * @example
 * ```ts
 * const secrets: VersionedSecret[] = [{ version: 2, value: process.env.SECRET_V2! }, { version: 1, value: process.env.SECRET_V1! }];
 * ```
 */
export interface VersionedSecret {
  version: number;
  value: string;
}

/**
 * Options of `betterAuthBridge`. Mirror your Better Auth configuration; every default is Better Auth's. An
 * optional field set to `undefined` means the same as a field left out.
 *
 * @example
 * ```ts
 * const options: BetterAuthBridgeOptions = { db, secret: process.env.BETTER_AUTH_SECRET!, baseURL: "https://app.example.com" };
 * ```
 */
export interface BetterAuthBridgeOptions {
  /** A Kysely instance over Better Auth's own database (SQLite or PostgreSQL). Share it with Better Auth. */
  db: AnyKysely;
  /**
   * Better Auth's `secret` (`BETTER_AUTH_SECRET`). It signs session cookies and encrypts jwt-plugin keys.
   * With `secrets` set, this is Better Auth's legacy secret (for keys encrypted before the rotation).
   */
  secret: string;
  /** Better Auth's `secrets` rotation list, current first: `secrets[0]` signs cookies and encrypts new keys. */
  secrets?: VersionedSecret[] | undefined;
  /** Better Auth's `baseURL`: an https URL means `__Secure-` cookies; its origin is the JWT issuer and audience. */
  baseURL?: string | undefined;
  /** Better Auth's `advanced.cookiePrefix` (default "better-auth"). */
  cookiePrefix?: string | undefined;
  /** Better Auth's `advanced.useSecureCookies` (default: from `baseURL`, else `NODE_ENV === "production"`). */
  useSecureCookies?: boolean | undefined;
  /** Better Auth's `session.expiresIn` in seconds (default 7 days, at most 400 days): new sessions and each refresh's slide. */
  sessionExpiresIn?: number | undefined;
  /**
   * Better Auth's `emailAndPassword.requireEmailVerification` (default false). When true, a user whose email is
   * unverified is refused with `EMAIL_NOT_VERIFIED` (once the password is right) by AuthSkill's signin on
   * `bridge.storage` (through `storage.policy`) and by `createSession`, as Better Auth refuses its sign-in.
   */
  requireEmailVerification?: boolean | undefined;
  /** Store usernames in the `username` column of Better Auth's username plugin (default false: not supported). */
  usernames?: boolean | undefined;
  /** Default: detected from the Kysely instance. */
  dialect?: BridgeDialect | undefined;
  /** Name of auth-skill's refresh-token table (default "authSkillRefresh"). */
  refreshTable?: string | undefined;
  /** Better Auth's jwt plugin: where its public keys are, and the claims it sets. */
  jwt?:
    | {
        /** Fetch keys from this JWKS URL (e.g. `${baseURL}/api/auth/jwks`) instead of reading the `jwks` table. */
        jwksUrl?: string | URL | undefined;
        /** Default: the origin of `baseURL` (Better Auth's default). */
        issuer?: string | undefined;
        /** Default: the origin of `baseURL`. */
        audience?: string | string[] | undefined;
        /** Default 5 seconds. */
        clockTolerance?: number | undefined;
      }
    | undefined;
  /** Argon2id costs of `passwordHasher` (default, and minimum: AuthSkill's, m=19456 KiB, t=2, p=1). */
  argon2?: { [K in keyof Argon2Params]?: Argon2Params[K] | undefined } | undefined;
  /**
   * @deprecated Ignored: `issueTokens` starts the session through `auth.startSession`, so any AuthSkill on
   * `bridge.storage` works whatever its `secret`. Still checked to be a non-empty string when given.
   */
  authSkillSecret?: string | undefined;
  /** Clock, for tests (default `() => new Date()`). */
  now?: (() => Date) | undefined;
}

/** The validated options. */
export interface ResolvedBridgeOptions {
  db: Db;
  /** The secret that signs cookies (Better Auth's current one). */
  cookieSecret: string;
  /** Secrets that decrypt and encrypt jwt-plugin private keys, as Better Auth's `secretConfig`. */
  keySecrets: { legacy: string | null; versions: ReadonlyMap<number, string>; current: number | null; plain: string | null };
  baseOrigin: string | null;
  cookiePrefix: string;
  secureCookies: boolean;
  sessionExpiresInMs: number;
  usernames: boolean;
  requireEmailVerification: boolean;
  jwt: { jwksUrl: URL | null; issuer: string | null; audience: string | string[] | null; clockToleranceSec: number };
  argon2: Partial<Argon2Params>;
  now: () => Date;
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const DEFAULT_EXPIRES_IN = 7 * 24 * 3600;

/** Bad configuration: `CONFIG_ERROR`, naming the option, never echoing its value. */
const config = (message: string) => new AuthError("CONFIG_ERROR", message);

function nonEmpty(value: unknown, name: string): string {
  if (typeof value !== "string" || value === "") throw config(`betterAuthBridge: ${name} must be a non-empty string`);
  return value;
}

/** `params` without its `undefined` fields: an explicit `undefined` means "the default", as a missing field does. */
function definedOnly(params: { [K in keyof Argon2Params]?: Argon2Params[K] | undefined }): Partial<Argon2Params> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}

function absoluteUrl(value: string | URL, name: string): URL {
  try {
    return new URL(value);
  } catch {
    throw config(`betterAuthBridge: ${name} must be an absolute URL`);
  }
}

/** Validates the options: a bad one throws `CONFIG_ERROR` naming it, never echoing a secret. */
export function resolveBridgeOptions(options: BetterAuthBridgeOptions): ResolvedBridgeOptions {
  if (typeof options !== "object" || options === null) throw config("betterAuthBridge: options are required");
  const o = options;
  if (typeof o.db?.getExecutor !== "function") throw config("betterAuthBridge: db must be a Kysely instance");
  const secret = nonEmpty(o.secret, "secret");
  const refresh = o.refreshTable ?? "authSkillRefresh";
  if (!TABLE_NAME.test(refresh)) throw config("betterAuthBridge: refreshTable must be a plain SQL identifier");
  if (o.requireEmailVerification !== undefined && typeof o.requireEmailVerification !== "boolean") {
    throw config("betterAuthBridge: requireEmailVerification must be a boolean");
  }
  if (o.authSkillSecret !== undefined) nonEmpty(o.authSkillSecret, "authSkillSecret"); // deprecated, ignored
  if (o.dialect !== undefined && o.dialect !== "sqlite" && o.dialect !== "postgres") throw config('betterAuthBridge: dialect must be "sqlite" or "postgres"');

  if (o.secrets !== undefined && !Array.isArray(o.secrets)) throw config("betterAuthBridge: secrets must be an array");
  const versions = new Map<number, string>();
  for (const entry of o.secrets ?? []) {
    if (!Number.isInteger(entry?.version) || entry.version < 0) throw config("betterAuthBridge: secrets[].version must be a non-negative integer");
    if (versions.has(entry.version)) throw config("betterAuthBridge: secrets[] repeats a version");
    versions.set(entry.version, nonEmpty(entry.value, "secrets[].value"));
  }
  if (o.secrets !== undefined && versions.size === 0) throw config("betterAuthBridge: secrets must hold at least one entry");
  const current = o.secrets?.[0];

  let baseOrigin: string | null = null;
  if (o.baseURL !== undefined) {
    try {
      baseOrigin = new URL(nonEmpty(o.baseURL, "baseURL")).origin;
    } catch {
      throw config("betterAuthBridge: baseURL must be an absolute URL");
    }
  }
  const expiresIn = o.sessionExpiresIn ?? DEFAULT_EXPIRES_IN;
  // capped like every duration option (400 days): a longer one would overflow the session's expiry date at
  // createSession, a configuration mistake surfacing as a failed insert
  if (!Number.isFinite(expiresIn) || expiresIn <= 0 || expiresIn * 1000 > MAX_DURATION_MS) {
    throw config("betterAuthBridge: sessionExpiresIn must be a positive number of seconds, at most 400 days");
  }
  const env = globalThis.process?.env ?? {};
  const tolerance = o.jwt?.clockTolerance ?? 5;
  if (!Number.isFinite(tolerance) || tolerance < 0) throw config("betterAuthBridge: jwt.clockTolerance must be a non-negative number of seconds");

  return {
    db: { kysely: o.db, dialect: o.dialect ?? detectDialect(o.db), refresh },
    cookieSecret: current ? current.value : secret,
    keySecrets: current ? { legacy: secret, versions, current: current.version, plain: null } : { legacy: null, versions, current: null, plain: secret },
    baseOrigin,
    cookiePrefix: o.cookiePrefix === undefined || o.cookiePrefix === "" ? "better-auth" : o.cookiePrefix,
    // Better Auth's rule (cookies/index.ts createCookieGetter): explicit setting, else https baseURL, else production.
    secureCookies: o.useSecureCookies ?? (o.baseURL !== undefined ? o.baseURL.startsWith("https://") : env.NODE_ENV === "production"),
    sessionExpiresInMs: expiresIn * 1000,
    usernames: o.usernames === true,
    requireEmailVerification: o.requireEmailVerification === true,
    jwt: {
      jwksUrl: o.jwt?.jwksUrl === undefined ? null : absoluteUrl(o.jwt.jwksUrl, "jwt.jwksUrl"),
      issuer: o.jwt?.issuer ?? baseOrigin,
      audience: o.jwt?.audience ?? baseOrigin,
      clockToleranceSec: tolerance,
    },
    argon2: definedOnly(o.argon2 ?? {}),
    now: checkedClock(o.now ?? systemClock), // a broken clock is CONFIG_ERROR, never "not expired"
  };
}
