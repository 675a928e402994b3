// Small helpers shared by the benchmarks: timing loops, medians, markdown and the machine line.
import { readFileSync } from "node:fs";
import os from "node:os";

export const SECRET = "bench-secret-9f3Kq2xLw7Rt5Vb8Nc4Hz6Jm1Pd0Ys";
export const PASSWORD = "correct horse battery staple";

/** Runs `op(0)` .. `op(total - 1)` keeping `inFlight` calls pending at a time; resolves `total`. */
export async function inFlight(op: (i: number) => Promise<unknown>, concurrency: number, total: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < total) await op(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return total;
}

/**
 * Runs the contenders in alternating slices, rotating the order every slice so each sees the same
 * background load and none always goes first. `run(slice)` does one slice of work and resolves how
 * many operations it did. Returns, per contender, the median over its slices of operations per second.
 */
export async function alternating(slices: number, contenders: Record<string, (slice: number) => Promise<number>>): Promise<Record<string, number>> {
  const names = Object.keys(contenders);
  const rates: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let s = 0; s < slices; s++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + s) % names.length]!;
      const start = performance.now();
      const ops = await contenders[name]!(s);
      rates[name]!.push((ops * 1000) / (performance.now() - start));
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(rates[n]!)]));
}

/**
 * {@link alternating}, also timing each slice's CPU (the process's user + system time, every thread): resolves,
 * per contender, the median operations per second and the median CPU microseconds per operation. On a busy
 * machine the CPU figure is less swayed by other processes than the wall-clock rate.
 */
export async function alternatingWithCpu(
  slices: number,
  contenders: Record<string, (slice: number) => Promise<number>>,
): Promise<Record<string, { rate: number; cpuUs: number }>> {
  const names = Object.keys(contenders);
  const rates: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let s = 0; s < slices; s++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + s) % names.length]!;
      const startCpu = process.cpuUsage();
      const start = performance.now();
      const ops = await contenders[name]!(s);
      const elapsed = performance.now() - start;
      const used = process.cpuUsage(startCpu);
      rates[name]!.push((ops * 1000) / elapsed);
      cpu[name]!.push((used.user + used.system) / ops);
    }
  }
  return Object.fromEntries(names.map((n) => [n, { rate: median(rates[n]!), cpuUs: median(cpu[n]!) }]));
}

/** Awaits `op` once per item, one after another; resolves the number of items. */
export async function each<T>(items: readonly T[], op: (item: T) => Promise<unknown>): Promise<number> {
  for (const item of items) await op(item);
  return items.length;
}

/** Awaits `op` again and again, one at a time, for about `ms`; resolves the number of calls. */
export async function repeatFor(op: () => Promise<unknown>, ms: number): Promise<number> {
  let done = 0;
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    for (let i = 0; i < 50; i++) await op(); // check the clock every 50 calls
    done += 50;
  }
  return done;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** 1234567.8 -> "1,234,568"; small numbers keep one decimal. */
export function num(x: number): string {
  return x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(1);
}

export const ratio = (x: number) => `${x.toFixed(2)}x`;

/** `met` / `MISSED` for a ratio against a lower bound. */
export const verdict = (x: number, atLeast: number) => (x >= atLeast ? "met" : "**MISSED**");

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function machine(): string {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  const threads = process.env.UV_THREADPOOL_SIZE ?? "4 (default)";
  return `${os.availableParallelism()} cores (nproc), ${cpu}, Node ${process.version}, ${os.platform()} ${os.arch()}, libuv threadpool ${threads}`;
}
