#!/usr/bin/env node
/**
 * Mutation testing of the security core (issue 15): Stryker 10 with the vitest runner, under Node 22 from npm.
 *
 *   npm run test:mutation               the full report: every mutant of every mutated file. Stryker's
 *                                       incremental mode reuses a mutant's result from the committed baseline
 *                                       (reports/mutation/stryker-incremental.json) only when neither its code
 *                                       nor a test covering it changed; `-- --force` runs every mutant again.
 *                                       Refreshes the baseline and writes the scores (and how many results were
 *                                       reused) into docs/security.md between the mutation-score markers
 *   npm run test:mutation -- --changed  the CI run: the same against a copy of the baseline, writing nothing;
 *                                       fails when the score on the files changed since the baseline, or the
 *                                       overall score, is under `thresholds.break`
 *
 * Both fail when a surviving mutant is not listed, by `file:line:column`, in the table of kept survivors in
 * docs/security.md (the full run over every file, the CI run over the changed files): a survivor is either
 * killed by a test or kept with a reason, never silently ignored.
 *
 * Other arguments go to Stryker (e.g. `-- --concurrency 1`, `-- --mutate src/tokens/key-ring.ts`); a run
 * narrowed with --mutate is no full report and writes neither the baseline nor the docs. MUTATION_NICE (default
 * 10; 0 = off) is the niceness of the run. Reports, the survivors list (survivors.txt) and logs go to
 * .tmp/mutation/full or .tmp/mutation/changed (git-ignored); MUTATION_OUT and MUTATION_BASELINE point them
 * (and the incremental file a narrowed run keeps) elsewhere.
 */
import { spawn } from "node:child_process";
import { stripVTControlCharacters } from "node:util";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { NODE_VERSION, ensureNode22 } from "./node22.mjs";
import { changedFiles, keptSurvivors, pct, scoreRows, scoreTable, survivorsText, unlistedSurvivors, writeBetweenMarkers } from "./report.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
process.chdir(root);
const { default: config } = await import(join(root, "stryker.config.mjs"));

const args = process.argv.slice(2);
const changed = args.includes("--changed");
const force = args.includes("--force");
const narrowed = args.includes("--mutate");
const passThrough = args.filter((a) => a !== "--changed" && a !== "--force");
const mode = changed ? "changed" : "full";
const outDir = process.env.MUTATION_OUT ?? join(".tmp", "mutation", mode);
const baselineFile = process.env.MUTATION_BASELINE ?? config.incrementalFile;
const breakAt = config.thresholds.break;
const nice = Number(process.env.MUTATION_NICE ?? "10");

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const node = ensureNode22(root);
const strykerPkg = JSON.parse(readFileSync("node_modules/@stryker-mutator/core/package.json", "utf8"));
const stryker = join("node_modules", "@stryker-mutator", "core", "bin", "stryker.js");
const nodeVersion = NODE_VERSION;
const concurrencyAt = passThrough.indexOf("--concurrency");
const concurrency = concurrencyAt >= 0 ? passThrough[concurrencyAt + 1] : config.concurrency;

const strykerArgs = ["run", "stryker.config.mjs"];
let baseline;
if (changed) {
  if (!existsSync(baselineFile)) throw new Error(`no baseline at ${baselineFile}: run \`npm run test:mutation\` and commit it`);
  baseline = JSON.parse(readFileSync(baselineFile, "utf8"));
  // Stryker rewrites its incremental file: hand it a copy, the committed baseline stays as it is.
  const copy = join(outDir, "stryker-incremental.json");
  copyFileSync(baselineFile, copy);
  strykerArgs.push("--incrementalFile", copy);
} else if (narrowed && !process.env.MUTATION_BASELINE) {
  // A narrowed run keeps its own incremental file: the committed baseline describes every file.
  strykerArgs.push("--incrementalFile", join(outDir, "stryker-incremental.json"));
  if (force) strykerArgs.push("--force");
} else {
  strykerArgs.push("--incrementalFile", baselineFile); // writes the new baseline
  if (force) strykerArgs.push("--force");
}
strykerArgs.push(...passThrough);

const env = { ...process.env, MUTATION_OUT: outDir, AUTH_SKILL_MUTATION: "1" }; // property tests scale down (run per mutant)
const command = nice > 0 ? "nice" : node;
const commandArgs = nice > 0 ? ["-n", String(nice), node, stryker, ...strykerArgs] : [stryker, ...strykerArgs];
console.log(`[mutation] ${mode} run: Stryker ${strykerPkg.version} on Node ${nodeVersion} (${node})`);
console.log(`[mutation] ${command} ${commandArgs.join(" ")}`);
const started = Date.now();
let reused = null;
let total = 0; // Stryker's "Incremental report: ... N of M mutant result(s) are reused", read from its output
let tail = "";
const status = await new Promise((done) => {
  const child = spawn(command, commandArgs, { stdio: ["inherit", "pipe", "inherit"], env });
  child.stdout.on("data", (chunk) => {
    process.stdout.write(chunk);
    tail = stripVTControlCharacters(tail + String(chunk)).slice(-4096); // colours off; lines may split
    const m = /(\d+) of (\d+) mutant result\(s\) are reused/.exec(tail);
    if (m) [reused, total] = [Number(m[1]), Number(m[2])];
  });
  child.on("exit", (code, signal) => done(code ?? (signal ? 1 : 0)));
});
const seconds = Math.round((Date.now() - started) / 1000);
const wall = `${Math.floor(seconds / 60)} min ${seconds % 60} s`;

const reportFile = join(outDir, "mutation.json");
if (!existsSync(reportFile)) {
  console.error(`[mutation] Stryker exited ${status} after ${wall} without a report (${reportFile})`);
  process.exit(status || 1);
}
const report = JSON.parse(readFileSync(reportFile, "utf8"));
writeFileSync(join(outDir, "survivors.txt"), survivorsText(report));
const overall = scoreRows(report)[0];
console.log(`[mutation] wall time ${wall}; score ${pct(overall.score)} over ${overall.valid} mutants; break ${breakAt}%`);
console.log(`[mutation] reports: ${outDir}/mutation.html, ${outDir}/mutation.json, ${outDir}/survivors.txt`);

let failed = status !== 0;
const kept = keptSurvivors(readFileSync("docs/security.md", "utf8"));
const checkListed = (only) => {
  const unlisted = unlistedSurvivors(report, kept, only);
  if (unlisted.length === 0) return;
  console.error(`[mutation] FAILED: ${unlisted.length} surviving mutant(s) neither killed nor listed as kept in docs/security.md:`);
  for (const u of unlisted) console.error(`  ${u}`);
  failed = true;
};
if (changed) {
  const files = changedFiles(report, baseline);
  checkListed(files);
  if (files.size === 0) {
    console.log("[mutation] no mutated file changed since the baseline (changed tests' mutants were rerun)");
  } else {
    const rows = scoreRows(report, files);
    console.log(`[mutation] files changed since the baseline:\n${scoreTable(rows)}`);
    if (rows[0].score !== null && rows[0].score < breakAt) {
      console.error(`[mutation] FAILED: score on changed files ${pct(rows[0].score)} < break ${breakAt}%`);
      failed = true;
    }
  }
} else if (passThrough.includes("--mutate")) {
  // A run over some files only is no full run: its scores must not stand in docs/security.md as one.
  console.log("[mutation] --mutate narrowed the run: docs/security.md left as it is");
} else {
  checkListed();
  const date = new Date().toISOString().slice(0, 10);
  const runs =
    reused === null || force
      ? "every mutant run"
      : `${reused} of ${total} results reused from the baseline (unchanged code and covering tests), ${total - reused - overall.ignored} mutants run, ${overall.ignored} static ones ignored`;
  const body = [
    `Last full run: \`npm run test:mutation\` on ${date}: Stryker ${strykerPkg.version} (vitest runner, \`ignoreStatic\`,`,
    `the unit suites of vitest.unit.config.ts) on Node ${nodeVersion}, concurrency ${concurrency}, ${wall} on 2 cores`,
    `(${runs}).`,
    `Break threshold: ${breakAt}%.`,
    "",
    scoreTable(scoreRows(report)),
  ].join("\n");
  writeBetweenMarkers("docs/security.md", body);
  console.log("[mutation] scores written to docs/security.md");
}
if (status !== 0) console.error(`[mutation] Stryker exited ${status}`);
process.exit(failed ? status || 1 : 0);
