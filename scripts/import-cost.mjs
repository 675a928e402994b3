#!/usr/bin/env node
// `npm run import-cost` (after `npm run build`): what `import "auth-skill"` costs, beside jose and Better Auth.
//
// - time: `await import(entry)` timed inside a fresh Node process (so Node's own start-up is left out), RUNS
//   processes per package, the packages alternating process by process; the median per package;
// - bytes: the files of the module graph actually loaded, summed — ES modules as a module.register() load
//   hook sees them, CommonJS modules (and native addons) from require.cache — in one more process each.
//
// Checks the budget in scripts/import-cost.budget.json: auth-skill's JavaScript bytes, and its import time as a
// ratio to jose's from the same run (a ratio, so a loaded machine slows both). Exits 1 when over.
//
//   node scripts/import-cost.mjs            # 9 runs per package, prints a table, checks the budget
//   node scripts/import-cost.mjs --runs 15 --json
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUDGET_FILE = new URL("import-cost.budget.json", import.meta.url);

/** What is imported: auth-skill's built ESM entry, and the two others as a user's `import` would resolve them. */
export const PACKAGES = {
  "auth-skill": pathToFileURL(`${ROOT}dist/index.js`).href,
  jose: "jose",
  "better-auth": "better-auth",
};

// Runs in a fresh process: times one dynamic import and prints the milliseconds.
const TIME = `const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));`;

// The load hook (run on the hooks thread): reports every URL it loads through the port it was given.
const HOOKS = `let port; export function initialize(data) { port = data.port; }
export async function load(url, context, next) { port.postMessage(url); return next(url, context); }`;

// Runs in a fresh process: imports with the hook registered, then prints every file loaded (ESM and CommonJS).
const GRAPH = `import { register, createRequire } from "node:module";
import { MessageChannel } from "node:worker_threads";
const { port1, port2 } = new MessageChannel();
const urls = new Set();
port1.on("message", (url) => urls.add(url));
register("data:text/javascript," + encodeURIComponent(${JSON.stringify(HOOKS)}), { data: { port: port2 }, transferList: [port2] });
await import(process.argv[1]);
await new Promise((resolve) => setTimeout(resolve, 100)); // let the hook's last messages arrive
port1.close();
const files = [...urls].filter((u) => u.startsWith("file:")).map((u) => new URL(u).pathname);
files.push(...Object.keys(createRequire(import.meta.url).cache));
process.stdout.write(JSON.stringify([...new Set(files)]));`;

function node(code, spec) {
  const child = spawnSync(process.execPath, ["--input-type=module", "--no-warnings", "-e", code, spec], { cwd: ROOT, encoding: "utf8" });
  if (child.status !== 0) throw new Error(`importing ${spec} failed (exit ${child.status ?? child.signal}): ${child.stderr.trim().slice(0, 500)}`);
  return child.stdout;
}

/**
 * The files that importing `spec` loads, in a fresh process: ES modules, CommonJS modules and native addons.
 *
 * @example
 * ```js
 * const files = loadedFiles("jose"); // ["/…/node_modules/jose/dist/webapi/index.js", …]
 * ```
 */
export const loadedFiles = (spec) => JSON.parse(node(GRAPH, spec));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * Measures every package: the median import time over `runs` fresh processes, and the bytes of the files its
 * import loads (JavaScript and JSON apart from native addons).
 *
 * @example
 * ```js
 * const { results } = measureImportCost({ runs: 9 });
 * console.log(results["auth-skill"].ms / results.jose.ms);
 * ```
 */
export function measureImportCost({ runs = 9 } = {}) {
  if (!existsSync(fileURLToPath(PACKAGES["auth-skill"]))) throw new Error("dist/index.js is missing: run `npm run build` first");
  const names = Object.keys(PACKAGES);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  node(TIME, "jose"); // one unrecorded process first: the file system cache
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]; // the order rotates run by run
      times[name].push(Number(node(TIME, PACKAGES[name])));
    }
  }
  const results = {};
  for (const name of names) {
    const files = loadedFiles(PACKAGES[name]);
    let jsBytes = 0;
    let nativeBytes = 0;
    for (const file of files) {
      const size = statSync(file).size;
      if (file.endsWith(".node")) nativeBytes += size;
      else jsBytes += size;
    }
    results[name] = { ms: median(times[name]), runs: times[name].length, files: files.length, jsBytes, nativeBytes };
  }
  return { results, runs };
}

/** Checks auth-skill's figures against the budget; resolves the list of what is over (empty: within). */
export function overBudget(results, budget) {
  const ours = results["auth-skill"];
  const over = [];
  if (ours.jsBytes > budget.jsBytes) over.push(`JavaScript loaded: ${ours.jsBytes} bytes > budget ${budget.jsBytes}`);
  const ratio = ours.ms / results.jose.ms;
  if (ratio > budget.timeVsJose) over.push(`import time: ${ratio.toFixed(2)}x jose's > budget ${budget.timeVsJose}x`);
  return over;
}

export const readBudget = () => JSON.parse(readFileSync(BUDGET_FILE, "utf8"));

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf("--runs");
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 9;
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a positive whole number");
  const { results } = measureImportCost({ runs });
  const budget = readBudget();
  const over = overBudget(results, budget);
  if (args.includes("--json")) console.log(JSON.stringify({ results, budget, over }, null, 2));
  else {
    console.log(`import cost, median of ${runs} fresh processes per package (Node ${process.version}):`);
    for (const [name, r] of Object.entries(results)) {
      const vs = (r.ms / results.jose.ms).toFixed(2);
      console.log(
        `  ${name.padEnd(12)} ${r.ms.toFixed(1).padStart(7)} ms (${vs}x jose)  ${kb(r.jsBytes).padStart(11)} JS/JSON in ${r.files} files, ${kb(r.nativeBytes)} native`,
      );
    }
    console.log(`budget (scripts/import-cost.budget.json): JavaScript <= ${budget.jsBytes} bytes, time <= ${budget.timeVsJose}x jose's`);
  }
  if (over.length > 0) {
    console.error(`import cost over budget:\n  ${over.join("\n  ")}`);
    process.exit(1);
  }
  console.error("import cost within budget");
}
