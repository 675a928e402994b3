// What `import "auth-skill"` costs (the built dist/index.js; `npm run build` first) beside jose and Better Auth:
// time in fresh processes and the bytes of the module graph actually loaded. The measuring is
// scripts/import-cost.mjs's (`npm run import-cost`, the budget CI checks); this draws its table and charts.
import { measureImportCost, overBudget, readBudget } from "../scripts/import-cost.mjs";
import { chart } from "./chart.js";
import { ratio, table } from "./lib.js";

const RUNS = 15;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

export async function importBench(): Promise<string> {
  process.stderr.write(`import cost: ${RUNS} fresh processes per package\n`);
  const { results } = measureImportCost({ runs: RUNS });
  const budget = readBudget();
  const over = overBudget(results, budget);
  const jose = results.jose;
  const rows = Object.entries(results).map(([name, r]) => [
    name === "auth-skill" ? "`auth-skill` (dist/index.js)" : `\`${name}\``,
    r.ms.toFixed(1),
    ratio(r.ms / jose.ms),
    kib(r.jsBytes),
    ratio(r.jsBytes / jose.jsBytes),
    r.files,
  ]);
  const tone = (name: string) => (name === "auth-skill" ? ("ours" as const) : ("other" as const));
  const entries = Object.entries(results);
  return [
    "### Cost of importing",
    "",
    `\`await import(entry)\` timed inside a fresh Node process (Node's own start-up left out), ${RUNS} processes per package, the packages alternating; medians. Bytes: the files of the module graph the import actually loads (a \`module.register\` load hook for ES modules, \`require.cache\` for CommonJS), summed. AuthSkill loads \`@node-rs/argon2\` (and its native addon) only on the first hash, so it is not counted here. Budget (\`npm run import-cost\`, checked in CI): JavaScript <= ${budget.jsBytes.toLocaleString("en-US")} bytes, time <= ${budget.timeVsJose}x jose's in the same run: ${over.length === 0 ? "within" : `**over** (${over.join("; ")})`}.`,
    "",
    table(["package", "import ms", "time vs jose", "JS + JSON loaded", "bytes vs jose", "files"], rows),
    "",
    chart("import-time.svg", {
      title: "Cost of importing: time",
      subtitle: "median ms of `await import(...)` in a fresh Node process (lower is better)",
      groups: [{ label: "", bars: entries.map(([name, r]) => ({ label: name, value: r.ms, tone: tone(name) })) }],
      format: (v) => `${v.toFixed(0)} ms`,
    }),
    "",
    chart("import-bytes.svg", {
      title: "Cost of importing: bytes",
      subtitle: "JavaScript and JSON of the module graph the import loads (lower is better)",
      groups: [{ label: "", bars: entries.map(([name, r]) => ({ label: name, value: r.jsBytes, tone: tone(name) })) }],
      format: kib,
    }),
  ].join("\n");
}
