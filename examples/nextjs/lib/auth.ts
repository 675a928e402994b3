// The app's one AuthSkill, configured from the environment: AUTH_SECRET (or AUTH_SECRETS), and optionally
// AUTH_ISSUER, AUTH_AUDIENCE, AUTH_ACCESS_TOKEN_TTL, AUTH_REFRESH_TOKEN_TTL (docs/getting-started.md).
import { AuthSkill } from "auth-skill";

const holder = globalThis as typeof globalThis & { authSkillInstance?: AuthSkill };

/**
 * The instance, created on the first request rather than at import: `next build` imports every route module to
 * collect its configuration, and the build has no AUTH_SECRET (in production, a missing secret is CONFIG_ERROR).
 * It is kept on `globalThis` so `next dev`'s hot reloads do not start a new, empty memory storage.
 *
 * Storage: the default memory storage lives in this process only — fine for this example and one `next start`
 * process; give `storage` a database (auth-skill/kysely, auth-skill/redis) before running more than one.
 *
 * @example
 * ```ts
 * const claims = await getAuth().verifyAccessToken(token);
 * ```
 */
export function getAuth(): AuthSkill {
  holder.authSkillInstance ??= new AuthSkill();
  return holder.authSkillInstance;
}
