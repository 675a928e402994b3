// Runs an example server under another runtime (Bun, Deno) as a child process, against the BUILT package
// (dist/), as scripts/smoke does: the runtimes come from the `bun` and `deno` devDependencies (node_modules/.bin).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const bin = (name: string): string => join(ROOT, "node_modules", ".bin", name);
const IN_CI = Boolean(process.env.CI) && process.env.CI !== "false";
const BUILT = ["index.js", "http.js"].map((file) => join(ROOT, "dist", file));
const LOCK = join(ROOT, ".tmp", "examples-dist-build.lock");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Makes sure dist/ holds the built package. CI runs `npm run build` before `npm test`, so there a missing dist/
 * fails at once; locally it is built once (a lock keeps the Bun and Deno suites from building it twice).
 */
export async function ensureBuiltPackage(): Promise<void> {
  const missing = () => BUILT.some((file) => !existsSync(file));
  if (!missing()) return warnIfStale();
  if (IN_CI) throw new Error("dist/ is missing: run `npm run build` before `npm test` (.ci/run does)");
  mkdirSync(join(ROOT, ".tmp"), { recursive: true });
  const deadline = Date.now() + 170_000;
  for (;;) {
    try {
      mkdirSync(LOCK); // atomic: the one that creates it builds
      break;
    } catch {
      if (!missing()) return;
      if (Date.now() > deadline) throw new Error(`dist/ is still missing; remove ${LOCK} if no build is running, then \`npm run build\``);
      await sleep(500);
    }
  }
  try {
    if (!missing()) return;
    console.log("test/examples: building dist/ (npm run build) for the Bun and Deno examples");
    const result = spawnSync(bin("tsup"), [], { cwd: ROOT, encoding: "utf8", timeout: 170_000 });
    if (result.status !== 0) throw new Error(`tsup failed (exit ${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** dist/ older than a source file still runs, but not the code under test: say so. */
function warnIfStale(): void {
  const built = Math.min(...BUILT.map((file) => statSync(file).mtimeMs));
  const src = join(ROOT, "src");
  const newer = readdirSync(src, { recursive: true, withFileTypes: true }).some((e) => e.isFile() && statSync(join(e.parentPath, e.name)).mtimeMs > built);
  if (newer) console.warn("test/examples: dist/ is older than src/; the Bun and Deno examples run the old build (run `npm run build`)");
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT`, as the server printed it. */
  origin: string;
  child: ChildProcess;
  /** What the server wrote to stdout and stderr so far. */
  output(): string;
}

/**
 * Spawns `command args` from the repository's root with PORT=0 and a fresh AUTH_SECRET (and nothing else of this
 * process's environment but PATH and HOME); resolves once it prints `listening on http://127.0.0.1:PORT`.
 */
export function startServer(command: string, args: string[], timeoutMs = 15_000): Promise<RunningServer> {
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? ROOT,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    HOST: "127.0.0.1",
    PORT: "0",
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1", // Deno would otherwise ask Deno's servers for a newer release
  };
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const output = () => out;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} did not listen within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const collect = (chunk: Buffer) => {
      out += chunk.toString();
      const origin = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (origin) {
        clearTimeout(timer);
        resolve({ origin, child, output });
      }
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
}

/** Ends the server: SIGTERM, then SIGKILL if it has not exited within 3 s. Resolves once it has exited. */
export async function stopServer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
  await exited;
  clearTimeout(timer);
}
