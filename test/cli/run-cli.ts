/**
 * Runs the BUILT binary (`node dist/cli.js`, as `npx auth-skill` does) as a child process with stdin piped.
 * `npm run build` must have run (CI builds before the tests; locally, build once). Asynchronous, so a test can
 * serve a JWKS on loopback from its own process while the binary fetches it.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

/** What a run printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Variables the library reads configuration from: cleared for every run unless a test sets them. */
const CLEARED = ["AUTH_SECRET", "AUTH_SECRETS", "BETTER_AUTH_SECRET", "BETTER_AUTH_SECRETS", "AUTH_ISSUER", "AUTH_AUDIENCE", "DATABASE_URL", "NODE_ENV"];

/**
 * Runs `node dist/cli.js ...args`, writes `input` to its stdin (then closes it), and resolves its exit code and output.
 *
 * @example
 * ```ts
 * const { code, stdout } = await runCli(["hash"], { input: "pass phrase\n" });
 * ```
 */
export function runCli(args: readonly string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (test/cli runs the built binary)`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CLEARED) delete env[name];
  Object.assign(env, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"], timeout: 30_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.on("error", () => {}); // the binary may exit (usage error) before reading what we write
    child.stdin.end(options.input ?? "");
  });
}
