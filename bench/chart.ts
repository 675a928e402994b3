// Bar charts as plain SVG text, drawn from the same figures as the markdown tables (no browser, no chart
// library). A benchmark calls `chart(file, spec)`: it records the SVG and returns the markdown image line
// that embeds it; bench/run.ts writes the recorded SVGs into docs/benchmarks/ beside docs/benchmarks.md.

/** One horizontal bar. `tone`: ours (blue), a reference such as a floor or a limit (dark grey), others (light grey). */
export interface Bar {
  label: string;
  value: number;
  tone?: "ours" | "ref" | "other";
  /** Printed after the value, e.g. "1.17x fast-jwt". */
  note?: string;
}

/** A horizontal bar chart: groups of bars (a group with an empty label draws no heading). */
export interface BarChart {
  title: string;
  /** One short line under the title: what the bars measure, and which way is better. */
  subtitle: string;
  groups: { label: string; bars: Bar[] }[];
  /** Vertical lines across the plot, e.g. an aim ("aim 0.5x") or a limit. */
  marks?: { value: number; label: string }[];
  /** How a value is printed at the end of its bar. */
  format: (value: number) => string;
  /**
   * Each group on its own scale (its longest bar full width): for groups whose values differ by orders of magnitude
   * (HS256 vs RS256), where the comparison is within a group. Say so in the subtitle; marks are not drawn.
   */
  scalePerGroup?: boolean;
}

const WIDTH = 760;
const BAR = 16;
const GAP = 5;
const HEADING = 20;
const CHAR = 6.6; // average width of a 12 px sans-serif character, for sizing the label column
const COLORS = { ours: "#2563eb", ref: "#4b5563", other: "#9ca3af" } as const;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const r1 = (x: number) => Math.round(x * 10) / 10;

/** The SVG text of a horizontal bar chart, values from 0 on a linear axis. */
export function barChart(spec: BarChart): string {
  const labels = spec.groups.flatMap((g) => g.bars.map((b) => b.label));
  const labelWidth = Math.min(340, Math.ceil(Math.max(...labels.map((l) => l.length)) * CHAR) + 12);
  const text = (bar: Bar) => (bar.note ? `${spec.format(bar.value)} (${bar.note})` : spec.format(bar.value));
  const valueRoom = Math.ceil(Math.max(...spec.groups.flatMap((g) => g.bars.map((b) => text(b).length))) * CHAR) + 12; // printed after the longest bar
  const plotX = labelWidth + 8;
  const plotWidth = WIDTH - plotX - valueRoom;
  const marks = spec.scalePerGroup ? [] : (spec.marks ?? []);
  const maxOf = (values: number[]) => Math.max(...values, Number.MIN_VALUE);
  const overall = maxOf([...spec.groups.flatMap((g) => g.bars.map((b) => b.value)), ...marks.map((m) => m.value)]);

  const out: string[] = [];
  let y = 58;
  const top = y - 6;
  for (const group of spec.groups) {
    const max = spec.scalePerGroup ? maxOf(group.bars.map((b) => b.value)) : overall;
    const x = (v: number) => plotX + (Math.max(0, v) / max) * plotWidth;
    if (group.label !== "") {
      out.push(`<text x="8" y="${y + 12}" font-weight="bold">${esc(group.label)}</text>`);
      y += HEADING;
    }
    for (const bar of group.bars) {
      const w = r1(x(bar.value) - plotX);
      const fill = COLORS[bar.tone ?? "other"];
      out.push(`<text x="${labelWidth}" y="${y + 12}" text-anchor="end">${esc(bar.label)}</text>`);
      out.push(`<rect x="${plotX}" y="${y}" width="${Math.max(w, 1)}" height="${BAR}" fill="${fill}"/>`);
      out.push(`<text x="${r1(plotX + w + 4)}" y="${y + 12}">${esc(text(bar))}</text>`);
      y += BAR + GAP;
    }
    y += 6;
  }
  for (const [i, mark] of marks.entries()) {
    const mx = r1(plotX + (mark.value / overall) * plotWidth);
    const labelY = y + 12 + i * 14; // one line each, so that close marks do not print over each other
    out.push(`<line x1="${mx}" y1="${top}" x2="${mx}" y2="${labelY - 10}" stroke="#dc2626" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${mx}" y="${labelY}" text-anchor="middle" fill="#dc2626">${esc(mark.label)}</text>`);
  }
  const height = y + (marks.length ? 8 + marks.length * 14 : 6);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="8" y="20" font-size="15" font-weight="bold">${esc(spec.title)}</text>`,
    `<text x="8" y="38" fill="#4b5563">${esc(spec.subtitle)}</text>`,
    `<line x1="${plotX}" y1="${top}" x2="${plotX}" y2="${y - 6}" stroke="#6b7280"/>`,
    ...out,
    "</svg>",
    "",
  ].join("\n");
}

/** SVGs drawn in this process, by file name (e.g. "verify-cold.svg"). */
export const drawn = new Map<string, string>();

/** Draws `spec` as docs/benchmarks/`file` (written by bench/run.ts) and returns the markdown that embeds it. */
export function chart(file: string, spec: BarChart): string {
  if (!/^[a-z0-9-]+\.svg$/.test(file)) throw new Error(`chart file name "${file}": lower-case letters, digits and dashes, .svg`);
  drawn.set(file, barChart(spec));
  return `![${spec.title}](benchmarks/${file})`;
}
