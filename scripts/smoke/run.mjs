#!/usr/bin/env node
// Runs scripts/smoke/smoke.mjs against the built package (dist/) under Node, Bun and Deno.
//
//   npm run smoke                       # all three; build first with `npm run build`
//   node scripts/smoke/run.mjs bun deno # only some
//
// Bun and Deno come from the `bun` and `deno` devDependencies (node_modules/.bin), not from PATH.
// Deno flags:
//   --node-modules-dir=manual  resolve npm packages (zod, jose, @node-rs/argon2 and its native addon) from the
//                              project's node_modules, as npm installed them; Deno picks this mode by itself
//                              when a package.json is present, the flag only makes it explicit.
//   --cached-only              never fetch from a registry (fail instead)
//   --no-lock                  write no deno.lock into the repo
//   -A                         all permissions; the least that works is --allow-read --allow-env --allow-ffi
//                              (--allow-ffi for the N-API addon, --allow-env for process.env)
// DENO_NO_UPDATE_CHECK=1 stops Deno's own update check, which would reach out to Deno's servers.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const script = relative(root, join(root, "scripts", "smoke", "smoke.mjs"));
const bin = (name) => join(root, "node_modules", ".bin", name);

const runtimes = {
  node: [process.execPath, [script]],
  bun: [bin("bun"), [script]],
  deno: [bin("deno"), ["run", "-A", "--node-modules-dir=manual", "--cached-only", "--no-lock", script]],
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
  const [command, args] = runtimes[name];
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    timeout: 120_000,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit ${result.status ?? result.signal}`;
    console.error(`smoke: ${name} FAILED (${why}) after ${seconds}s`);
    failed.push(name);
  } else {
    console.log(`smoke: ${name} passed in ${seconds}s`);
  }
}
if (failed.length > 0) {
  console.error(`smoke: failed under ${failed.join(", ")}`);
  process.exit(1);
}
