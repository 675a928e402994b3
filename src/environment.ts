/**
 * Configuration from the environment: the variables below fill in the options the code leaves out (options in
 * code win, field by field; an empty variable counts as unset). Each is checked like the option it stands for,
 * and a bad one is `CONFIG_ERROR` naming the variable. The secret's variables (`AUTH_SECRET`…) are read where
 * the secret is resolved (secret.ts).
 */
import { MAX_ACCESS_TTL_MS, MAX_DURATION_MS, toMilliseconds } from "./duration.js";
import type { AuthSkillOptions } from "./option-types.js";
import { configError } from "./secret.js";

/** The variables read here, with the option each stands for. */
export const ENVIRONMENT_OPTIONS = {
  AUTH_ISSUER: "accessToken.issuer",
  AUTH_AUDIENCE: "accessToken.audience",
  AUTH_ACCESS_TOKEN_TTL: "accessToken.ttl",
  AUTH_REFRESH_TOKEN_TTL: "refreshToken.ttl",
} as const;

type Environment = Readonly<Record<string, string | undefined>>;

/** A duration variable: "15m", "30d", or a whole number of seconds ("900"); checked against the option's bound. */
function duration(env: Environment, name: keyof typeof ENVIRONMENT_OPTIONS, maxMs: number): string | number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = /^\d{1,12}$/.test(raw) ? Number(raw) : raw;
  try {
    toMilliseconds(value, maxMs);
  } catch (err) {
    throw configError(
      `${name} ${err instanceof TypeError && err.message.includes("at most") ? err.message.replace("A duration must be", "must be") : 'must be seconds or a duration such as "15m" or "30d"'}`,
    );
  }
  return value;
}

/** A name variable: at most 255 characters, no control characters. */
function name(env: Environment, variable: keyof typeof ENVIRONMENT_OPTIONS): string | undefined {
  const raw = env[variable]?.trim();
  if (!raw) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (raw.length > 255 || /[\u0000-\u001f\u007f]/.test(raw)) throw configError(`${variable} must be at most 255 characters, without control characters`);
  return raw;
}

/**
 * The options with the environment's values filled in where the code left a field out.
 *
 * @example
 * ```ts
 * // AUTH_ACCESS_TOKEN_TTL=5m
 * withEnvironment({}).accessToken?.ttl; // "5m"
 * withEnvironment({ accessToken: { ttl: "1m" } }).accessToken?.ttl; // "1m": the code wins
 * ```
 */
export function withEnvironment(options: AuthSkillOptions, env: Environment = globalThis.process?.env ?? {}): AuthSkillOptions {
  const issuer = name(env, "AUTH_ISSUER");
  const audienceList = name(env, "AUTH_AUDIENCE")
    ?.split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "");
  const audience = audienceList === undefined || audienceList.length === 0 ? undefined : audienceList.length === 1 ? audienceList[0] : audienceList;
  const accessTtl = duration(env, "AUTH_ACCESS_TOKEN_TTL", MAX_ACCESS_TTL_MS);
  const refreshTtl = duration(env, "AUTH_REFRESH_TOKEN_TTL", MAX_DURATION_MS);
  if (issuer === undefined && audience === undefined && accessTtl === undefined && refreshTtl === undefined) return options;
  // a field that is not an object is left for the schema to refuse (never hidden behind the environment's value)
  const mergeable = (v: unknown): v is Record<string, unknown> | undefined => v === undefined || (typeof v === "object" && v !== null && !Array.isArray(v));
  if (!mergeable(options.accessToken) || !mergeable(options.refreshToken)) return options;
  const accessToken = options.accessToken ?? {};
  const refreshToken = options.refreshToken ?? {};
  return {
    ...options,
    accessToken: {
      ...accessToken,
      ...(accessToken.issuer === undefined && issuer !== undefined ? { issuer } : {}),
      ...(accessToken.audience === undefined && audience !== undefined ? { audience } : {}),
      ...(accessToken.ttl === undefined && accessTtl !== undefined ? { ttl: accessTtl } : {}),
    },
    refreshToken: { ...refreshToken, ...(refreshToken.ttl === undefined && refreshTtl !== undefined ? { ttl: refreshTtl } : {}) },
  };
}
