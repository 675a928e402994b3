/**
 * Building and serving examples/nextjs for test/examples/nextjs.test.ts: the packed package installed into the
 * example, `next build`, then `next start` on 127.0.0.1 as a child process in its own process group.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuiltPackage } from "./runtime-server.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const EXAMPLE = join(ROOT, "examples/nextjs");
const NEXT_BIN = createRequire(join(ROOT, "package.json")).resolve("next/dist/bin/next");
/** What Next.js and the test write into the example (all git-ignored), removed before and after the run. */
const WRITTEN = [".next", "next-env.d.ts", "node_modules/auth-skill"];

/** Only what Next.js needs: no AUTH_* or NODE_ENV from the test runner's environment, telemetry off. */
export function nextEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", NEXT_TELEMETRY_DISABLED: "1", ...extra };
  for (const name of ["HOME", "TMPDIR"]) if (process.env[name]) env[name] = process.env[name];
  return env;
}

/**
 * Runs a command to completion in its own process group; resolves its stdout, rejects with the end of its
 * output on a non-zero exit. On timeout the whole group is killed (`next build` starts worker processes).
 */
export function run(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      output = (output + chunk.toString("utf8")).slice(-8_000);
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-8_000);
    });
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), options.timeout);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${file} ${args.join(" ")} failed (${code ?? signal}):\n${output.slice(-4_000)}`));
    });
  });
}

/** Sends `signal` to the child's process group (it was spawned `detached`); nothing if it is gone. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

/** Removes what Next.js and the test wrote into the example. */
export function cleanExample(): void {
  for (const name of WRITTEN) rmSync(join(EXAMPLE, name), { recursive: true, force: true });
  const modules = join(EXAMPLE, "node_modules");
  if (existsSync(modules) && readdirSync(modules).length === 0) rmSync(modules, { recursive: true });
}

/**
 * Installs the package as users get it — `npm pack` of the built dist/ and the `exports` map, unpacked into
 * examples/nextjs/node_modules/auth-skill — and runs `next build`. dist/ is built first when missing, except in
 * CI, where `npm run build` has run (see test/examples/runtime-server.ts). Resolves the build's wall time in ms.
 */
export async function buildExample(scratch: string): Promise<number> {
  await ensureBuiltPackage();
  cleanExample();
  const packed = JSON.parse(await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], { cwd: ROOT, timeout: 60_000 }));
  const tarball = join(scratch, (packed as [{ filename: string }])[0].filename);
  const target = join(EXAMPLE, "node_modules/auth-skill");
  mkdirSync(target, { recursive: true });
  await run("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"], { cwd: ROOT, timeout: 60_000 });
  const started = performance.now();
  // No AUTH_SECRET here: `next build` imports the route modules, and the instance must not be created then.
  await run(process.execPath, [NEXT_BIN, "build"], { cwd: EXAMPLE, env: nextEnv(), timeout: 300_000 });
  return performance.now() - started;
}

/** A port nobody listens on at this moment (127.0.0.1). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A running `next start`: its base URL, everything it printed, and `stop()`. */
export interface NextServer {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Ends the child's whole process group: SIGTERM, then SIGKILL after 5 s or once the leader is gone (stragglers). */
function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  killGroup(child, "SIGTERM");
  const force = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
  return exited.finally(() => {
    clearTimeout(force);
    killGroup(child, "SIGKILL");
  });
}

/** Starts `next start -H 127.0.0.1 -p <free port>` and resolves once GET /api/auth/jwks gets an answer. */
export async function startExample(env: Record<string, string>): Promise<NextServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: EXAMPLE,
    env: nextEnv(env),
    detached: true, // its own process group, so stop() reaches every process it starts
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killOnExit = () => killGroup(child, "SIGKILL");
  process.once("exit", killOnExit); // if the test process ends without afterAll
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-1_048_576);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const server: NextServer = {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: async () => {
      process.off("exit", killOnExit);
      await stopGroup(child);
    },
  };
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`next start exited (${child.exitCode ?? child.signalCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`next start did not answer on ${server.url} within 60 s:\n${output}`);
      // any answer means it listens (without AUTH_SECRET the route answers 500, which a test wants to see)
      const ok = await fetch(`${server.url}/api/auth/jwks`, { signal: AbortSignal.timeout(2_000) }).then(
        () => true,
        () => false,
      );
      if (ok) return server;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
}
