// Why bcrypt runs on @node-rs/bcrypt: verification of legacy bcrypt hashes (imported users) with the addon
// we ship against bcryptjs (the pure-JS library used before), side by side. Both verify the same cost-10 hash;
// the goal is the event loop: bcryptjs computes on the main thread, the addon on libuv's pool.
import bcryptjs from "bcryptjs";
import { verify as nativeVerify } from "@node-rs/bcrypt";
import { AuthSkill } from "../src/index.js";
import { PASSWORD, SECRET, median, ratio, table } from "./lib.js";

const BATCH = 16; // concurrent verifications per batch
const BATCHES = 5; // recorded batches per contender, alternating contender by contender

type Verify = (password: string, hash: string) => Promise<boolean>;

/**
 * One batch of concurrent verifications: its wall time, and how late a 1 ms interval timer ran while it did
 * (p99 and max of the gaps, in ms; the gap still open when the batch ends counts too, so a loop that was
 * blocked throughout shows as one long gap rather than as no sample at all).
 */
async function batch(verify: Verify, hash: string): Promise<{ ms: number; p99: number; max: number }> {
  const gaps: number[] = [];
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 1);
  const started = last;
  const results = await Promise.all(Array.from({ length: BATCH }, () => verify(PASSWORD, hash)));
  const ended = performance.now();
  clearInterval(probe);
  gaps.push(ended - last);
  if (!results.every(Boolean)) throw new Error("bcrypt verification failed");
  const sorted = gaps.sort((a, b) => a - b);
  return { ms: ended - started, p99: sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))]!, max: sorted.at(-1)! };
}

export async function bcryptBench(): Promise<string> {
  const hash = bcryptjs.hashSync(PASSWORD, 10);
  const auth = new AuthSkill({ secret: SECRET });
  const contenders: Record<string, Verify> = {
    "bcryptjs 3.0.3 compare (main thread; used before)": (p, h) => bcryptjs.compare(p, h),
    "@node-rs/bcrypt 1.10.8 verify (libuv pool)": (p, h) => nativeVerify(p, h),
    "AuthSkill#verifyPassword (@node-rs/bcrypt)": (p, h) => auth.verifyPassword(p, h),
  };
  const names = Object.keys(contenders);
  const runs: Record<string, { ms: number; p99: number; max: number }[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await batch(contenders[name]!, hash); // warm-up, not recorded
  process.stderr.write(`bcrypt: ${names.length} contenders x ${BATCHES} batches of ${BATCH}\n`);
  for (let b = 0; b < BATCHES; b++) for (const name of names) runs[name]!.push(await batch(contenders[name]!, hash));
  const [js, native] = names as [string, string, string];
  const wall = (name: string) => median(runs[name]!.map((r) => r.ms));
  const p99 = (name: string) => median(runs[name]!.map((r) => r.p99));
  const rows = names.map((name) => [name, wall(name).toFixed(0), p99(name).toFixed(1), Math.max(...runs[name]!.map((r) => r.max)).toFixed(1)]);
  return [
    `### bcrypt verification, ${BATCH} at once (cost 10)`,
    "",
    `${BATCHES} batches per contender, alternating: the median batch's wall time, the median of the batches' p99 gap between runs of a 1 ms interval timer (the event loop's responsiveness; 1 ms is an idle loop) and the largest gap seen.`,
    "",
    table(["contender", `${BATCH} verifications, ms`, "1 ms timer gap p99, ms", "max gap, ms"], rows),
    "",
    `@node-rs/bcrypt against bcryptjs: ${ratio(wall(js) / wall(native))} the throughput; the p99 timer gap ${ratio(p99(js) / p99(native))} shorter.`,
  ].join("\n");
}
