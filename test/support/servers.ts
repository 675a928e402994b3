/**
 * Which real servers the suites can use. Their URLs come from the environment (scripts/services.sh up
 * writes them to .tmp/services.env; .ci/run exports them). Without one, its suites are skipped with a
 * visible notice — except under CI=true, where a missing server fails the run instead of passing by skipping.
 */
import { it } from "vitest";

export type Server = "pg" | "mysql" | "redis";

const VARIABLES: Record<Server, string> = {
  pg: "AUTH_SKILL_PG_URL",
  mysql: "AUTH_SKILL_MYSQL_URL",
  redis: "AUTH_SKILL_REDIS_URL",
};

/** The server's URL, or `undefined` (after a notice, or a failing test under CI) when it is not configured. */
export function serverUrl(server: Server): string | undefined {
  const variable = VARIABLES[server];
  const url = process.env[variable];
  if (url) return url;
  if (process.env.CI) {
    it(`${server} server is configured (${variable})`, () => {
      throw new Error(`${variable} is not set: CI must start the ${server} server (scripts/services.sh up) — suites never pass by skipping in CI`);
    });
  } else {
    console.warn(`[auth-skill tests] SKIPPED: ${server} suites — set ${variable} (run: bash scripts/services.sh up && source .tmp/services.env)`);
  }
  return undefined;
}
