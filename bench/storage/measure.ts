// Timing helpers for the storage benchmark: bursts of N workers for a fixed time, alternated between
// contenders, and latency percentiles.

/** Runs `op(worker)` in `workers` loops for about `ms`; resolves operations per second. */
export async function burst(ms: number, workers: number, op: (worker: number) => Promise<unknown>): Promise<number> {
  let done = 0;
  const start = performance.now();
  const deadline = start + ms;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < deadline) {
        await op(w);
        done++;
      }
    }),
  );
  return (done * 1000) / (performance.now() - start);
}

/**
 * Measures each contender in `rounds` slices of `sliceMs`, rotating the order every round so that all
 * see the same background load. Resolves, per contender, the median rate over its slices.
 */
export async function alternate(
  rounds: number,
  sliceMs: number,
  workers: number,
  contenders: Record<string, (worker: number) => Promise<unknown>>,
): Promise<Record<string, number>> {
  const names = Object.keys(contenders);
  const rates: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await burst(Math.min(300, sliceMs), workers, contenders[name]!); // warm up
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]!;
      rates[name]!.push(await burst(sliceMs, workers, contenders[name]!));
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(rates[n]!)]));
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The q-quantile (0..1) of samples, nearest rank. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Awaits `op` once and resolves how long it took, in milliseconds. */
export async function timed(op: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await op();
  return performance.now() - start;
}

export const num = (x: number) => (x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(1));
export const ms = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));
export const ratio = (x: number) => `${x.toFixed(2)}x`;

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
