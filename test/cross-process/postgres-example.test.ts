// examples/postgres: runs the example as a user would (its own process, tsx) against the real PostgreSQL,
// twice (a rerun signs the existing user in), and checks the transcript.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { serverUrl } from "../support/servers.js";
import { namespace, openStore } from "./stores.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const url = serverUrl("pg");

describe.skipIf(!url)("examples/postgres on PostgreSQL", () => {
  const prefix = namespace();
  const run = () => {
    const env: NodeJS.ProcessEnv = { ...process.env, AUTH_TABLE_PREFIX: prefix, AUTH_SKILL_PG_URL: url! };
    delete env.DATABASE_URL; // the example prefers it; use the test server's URL
    return promisify(execFile)(process.execPath, ["--import", "tsx", "examples/postgres/index.ts"], { cwd: ROOT, env, timeout: 60_000 });
  };

  afterAll(async () => {
    const store = openStore("pg", url!, prefix, 1);
    await store.drop();
    await store.close();
  });

  it("migrates, signs up, signs in, refreshes and revokes, and says so", async () => {
    const { stdout } = await run();
    const lines = stdout.trim().split("\n");
    expect(lines.map((l) => l.split(/\s{2,}/)[0])).toEqual([
      "migrate",
      "signup",
      "signin",
      "access token",
      "refresh",
      "revoke",
      "refresh again",
      "access token",
      "Done.",
    ]);
    expect(stdout).toContain(`tables ${prefix}users, ${prefix}sessions, ${prefix}verifications ready`);
    expect(stdout).toMatch(/^signup +created ada@example\.com \(user \S+\)$/m);
    expect(stdout).toMatch(/^access token +valid: sub=\S+ sid=\S+$/m);
    expect(stdout).toMatch(/^refresh +rotated: same session true, new token /m);
    expect(stdout).toMatch(/^refresh again +refused: TOKEN_REVOKED \(401\)$/m);
    expect(stdout).toMatch(/^access token +refused: TOKEN_REVOKED \(401\)$/m);
  });

  it("runs again on the same tables: the user exists and signs in", async () => {
    const { stdout } = await run();
    expect(stdout).toMatch(/^signup +ada@example\.com already exists \(USER_EXISTS\): signing in$/m);
    expect(stdout).toMatch(/^refresh +rotated: same session true/m);
    expect(stdout.trim().endsWith("Done.")).toBe(true);
  });
});
