#!/usr/bin/env node
// Runs scripts/smoke/smoke.mjs against the built package (dist/) under Node, Bun and Deno.
//
//   npm run smoke                       # all three; build first with `npm run build`
//   node scripts/smoke/run.mjs bun deno # only some
//
// Bun and Deno come from the `bun` and `deno` devDependencies (node_modules/.bin), not from PATH.
// Under Bun, scripts/smoke/bun-sqlite.ts also runs: kyselyStorage on bun:sqlite (the recipe in docs/storage.md).
// Deno flags:
//   --allow-env --allow-read --allow-ffi   the permissions auth-skill needs: process.env, reading node_modules,
//                              and FFI for the @node-rs/argon2 and @node-rs/bcrypt N-API addons
//   --node-modules-dir=manual  resolve npm packages (zod, jose, @node-rs/argon2 and its native addon) from the
//                              project's node_modules, as npm installed them; Deno picks this mode by itself
//                              when a package.json is present, the flag only makes it explicit.
//   --cached-only              never fetch from a registry (fail instead)
//   --no-lock                  write no deno.lock into the repo
// Under Deno a second run leaves out --allow-ffi and must fail with auth-skill's CONFIG_ERROR that says to add
// it (the addon's own message blames npm and optional dependencies).
// DENO_NO_UPDATE_CHECK=1 stops Deno's own update check, which would reach out to Deno's servers.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const script = relative(root, join(root, "scripts", "smoke", "smoke.mjs"));
const bin = (name) => join(root, "node_modules", ".bin", name);

const denoRun = (...permissions) => [bin("deno"), ["run", ...permissions, "--node-modules-dir=manual", "--cached-only", "--no-lock", script]];
const DENO_PERMISSIONS = ["--allow-env", "--allow-read", "--allow-ffi"];
const FFI_HINT = "run Deno with --allow-ffi";

// Each runtime is a list of steps: [label, command, args, expect?]; `expect` (a string) means the step must
// exit non-zero and print it.
const runtimes = {
  node: [["smoke.mjs", process.execPath, [script]]],
  bun: [
    ["smoke.mjs", bin("bun"), [script]],
    ["bun-sqlite.ts", bin("bun"), [relative(root, join(root, "scripts", "smoke", "bun-sqlite.ts"))]],
  ],
  deno: [
    ["smoke.mjs", ...denoRun(...DENO_PERMISSIONS)],
    ["smoke.mjs without --allow-ffi", ...denoRun("--allow-env", "--allow-read"), FFI_HINT],
  ],
};

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in runtimes)) {
    console.error(`smoke: unknown runtime "${name}" (expected ${Object.keys(runtimes).join(", ")})`);
    process.exit(2);
  }
}
for (const file of ["index.js", "index.cjs", "index.d.ts"]) {
  if (!existsSync(join(root, "dist", file))) {
    console.error(`smoke: dist/${file} is missing; run \`npm run build\` first`);
    process.exit(1);
  }
}

const failed = [];
for (const name of wanted.length > 0 ? wanted : Object.keys(runtimes)) {
  for (const [label, command, args, expect] of runtimes[name]) {
    const started = Date.now();
    const result = spawnSync(command, args, {
      cwd: root,
      stdio: expect === undefined ? "inherit" : ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      timeout: 120_000,
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    let why;
    if (result.error) why = result.error.message;
    else if (expect === undefined && result.status !== 0) why = `exit ${result.status ?? result.signal}`;
    else if (expect !== undefined && result.status === 0) why = "exit 0, expected a failure";
    else if (expect !== undefined && !`${result.stdout}${result.stderr}`.includes(expect)) {
      why = `the output does not say "${expect}":\n${result.stdout}${result.stderr}`;
    }
    if (why !== undefined) {
      console.error(`smoke: ${name} ${label} FAILED (${why}) after ${seconds}s`);
      failed.push(`${name} ${label}`);
    } else {
      console.log(`smoke: ${name} ${label} passed${expect === undefined ? "" : ` (failed as expected: "${expect}")`} in ${seconds}s`);
    }
  }
}
if (failed.length > 0) {
  console.error(`smoke: failed under ${failed.join(", ")}`);
  process.exit(1);
}
