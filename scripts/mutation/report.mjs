/**
 * Reading Stryker's JSON report (mutation-testing-report-schema): scores per file and folder, the table that
 * docs/security.md holds between its mutation-score markers, the survivors list, and the files changed since
 * the committed baseline.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);
export const MARK_START = "<!-- mutation-score:start -->";
export const MARK_END = "<!-- mutation-score:end -->";

/** Counts and score (Stryker's: detected / (detected + undetected); ignored, static and errors left out). */
export function tally(mutants) {
  const t = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 };
  for (const m of mutants) {
    if (m.status === "Killed") t.killed++;
    else if (m.status === "Timeout") t.timeout++;
    else if (m.status === "Survived") t.survived++;
    else if (m.status === "NoCoverage") t.noCoverage++;
    else if (m.status === "Ignored") t.ignored++;
    else t.errors++;
  }
  const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
  const valid = detected + mutants.filter((m) => UNDETECTED.has(m.status)).length;
  return { ...t, valid, score: valid === 0 ? null : (100 * detected) / valid };
}

/** Score rows: overall, then one per folder, then one per file, all sorted by path. */
export function scoreRows(report, only) {
  const files = Object.keys(report.files)
    .filter((f) => !only || only.has(f))
    .sort();
  const folders = [...new Set(files.map((f) => dirname(f)))].sort();
  const all = (pred) => files.filter(pred).flatMap((f) => report.files[f].mutants);
  return [
    { name: "all mutated files", ...tally(all(() => true)) },
    ...folders.map((d) => ({ name: `${d}/`, ...tally(all((f) => dirname(f) === d)) })),
    ...files.map((f) => ({ name: f, ...tally(report.files[f].mutants) })),
  ];
}

export const pct = (s) => (s === null ? "n/a" : `${s.toFixed(1)}%`);

/** The markdown table of score rows. */
export function scoreTable(rows) {
  const lines = ["| scope | score | killed | timeout | survived | no coverage | ignored (static) |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"];
  for (const r of rows) {
    const name = r.name === "all mutated files" ? "**all mutated files**" : `\`${r.name}\``;
    lines.push(`| ${name} | ${pct(r.score)} | ${r.killed} | ${r.timeout} | ${r.survived} | ${r.noCoverage} | ${r.ignored} |`);
  }
  return lines.join("\n");
}

/** Replaces what stands between the markers of `path` with `body`; throws when the markers are missing. */
export function writeBetweenMarkers(path, body) {
  const text = readFileSync(path, "utf8");
  const start = text.indexOf(MARK_START);
  const end = text.indexOf(MARK_END);
  if (start < 0 || end < start) throw new Error(`${path} has no ${MARK_START} ... ${MARK_END} block`);
  writeFileSync(path, `${text.slice(0, start + MARK_START.length)}\n${body}\n${text.slice(end)}`);
}

/** Mutated files whose source differs from the baseline report's copy (or that it does not have). */
export function changedFiles(report, baseline) {
  return new Set(Object.keys(report.files).filter((f) => baseline?.files?.[f]?.source !== report.files[f].source));
}

const GUARD_MUTATORS = new Set([
  "ConditionalExpression",
  "EqualityOperator",
  "LogicalOperator",
  "BooleanLiteral",
  "UnaryOperator",
  "BlockStatement",
  "OptionalChaining",
  "MethodExpression",
  "ArithmeticOperator",
  "Regex",
]);
const GUARD_LINE = /\bif\s*\(|\bthrow\b|\bwhile\s*\(|\breturn\b[^;]*(===|!==|[<>]=?|&&|\|\||!\w)|\?\?|\s\?\s|^\s*(&&|\|\|)/;

/** Original code of a mutant (its location in the file's source). */
function original(source, { start, end }) {
  const lines = source.split("\n");
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  const parts = [lines[start.line - 1].slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column - 1)];
  return parts.join("\n");
}

/** Lines that configure a check: jose's verify options, key usages. */
const CHECK_OPTION = /\b(algorithms|typ|requiredClaims|issuer|audience|clockTolerance|maxTokenAge|usages?)\b|"verify"/;

/**
 * A heuristic, to be confirmed by reading the code: a survivor that weakens a check (a condition, a
 * comparison, a pattern, a removed block that throws, an emptied value a comparison or a verify option uses).
 */
function onGuard(source, m, code) {
  const line = source.split("\n")[m.location.start.line - 1];
  if (m.mutatorName === "Regex") return true;
  if (m.mutatorName === "BlockStatement") return /\bthrow\b|return\s+(false|null|undefined)\b/.test(code);
  if (m.mutatorName === "StringLiteral" || m.mutatorName === "ArrayDeclaration") {
    if (/new AuthError|\bthrow\b|Error\(/.test(line)) return false; // a message or an error code
    return /===|!==|\bif\s*\(/.test(line) || CHECK_OPTION.test(line);
  }
  if (!GUARD_MUTATORS.has(m.mutatorName)) return false;
  return GUARD_LINE.test(line) || /===|!==|[<>]=?|&&|\|\|/.test(code);
}

const squeeze = (s, max = 160) => {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 3)}...` : one;
};

/** Surviving and uncovered mutants, grouped by file, guards first; one block per mutant. */
export function survivorsText(report) {
  const out = [];
  for (const file of Object.keys(report.files).sort()) {
    const { source, mutants } = report.files[file];
    const left = mutants
      .filter((m) => UNDETECTED.has(m.status))
      .map((m) => {
        const code = original(source, m.location);
        return { m, code, guard: onGuard(source, m, code) };
      })
      .sort((a, b) => Number(b.guard) - Number(a.guard) || a.m.location.start.line - b.m.location.start.line);
    if (left.length === 0) continue;
    out.push(`== ${file} (${left.filter((x) => x.guard).length} on guards, ${left.length} in all)`);
    for (const { m, code, guard } of left) {
      const where = `${file}:${m.location.start.line}:${m.location.start.column}`;
      out.push(`${guard ? "[guard]" : "[other]"} ${where} ${m.mutatorName} (${m.status})`);
      out.push(`    original: ${squeeze(code)}`);
      out.push(`    mutated:  ${squeeze(m.replacement ?? "")}`);
    }
    out.push("");
  }
  return out.join("\n");
}

/**
 * The survivors docs/security.md lists as kept: the `file:line:column` of the first cell of each row of the
 * table under "Surviving mutants that are kept".
 */
export function keptSurvivors(docText) {
  const at = docText.indexOf("Surviving mutants that are kept");
  if (at < 0) return new Set();
  const kept = new Set();
  for (const line of docText.slice(at).split("\n")) {
    const m = /^\|\s*`?([\w./-]+\.ts:\d+:\d+)`?\s*\|/.exec(line);
    if (m) kept.add(m[1]);
  }
  return kept;
}

/** Surviving or uncovered mutants (in `only`, when given) that `kept` does not list, as `file:line:column`. */
export function unlistedSurvivors(report, kept, only) {
  const out = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    if (only && !only.has(file)) continue;
    for (const m of mutants) {
      const where = `${file}:${m.location.start.line}:${m.location.start.column}`;
      if (UNDETECTED.has(m.status) && !kept.has(where)) out.push(`${where} ${m.mutatorName} (${m.status})`);
    }
  }
  return out.sort();
}
