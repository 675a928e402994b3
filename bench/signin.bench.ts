// Signin throughput at 8 in flight and event-loop delay under 32 concurrent signins:
// bare argon2id verify (the floor), AuthSkill, Better Auth (scrypt default) and Better Auth with argon2id.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { hash as argonHash, verify as argonVerify } from "@node-rs/argon2";
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { AuthSkill } from "../src/index.js";
import { chart } from "./chart.js";
import { PASSWORD, SECRET, alternating, inFlight, num, ratio, table, verdict } from "./lib.js";

const IN_FLIGHT = 8;
const SLICES = 15; // per contender, alternating with the others
const PER_SLICE = 32; // signins per slice
const ARGON2 = { algorithm: 2 /* argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 };
const USERS = 32; // one account per concurrent signin, as in real traffic (and below AuthSkill's per-account limit)
const email = (i: number) => `user${i % USERS}@example.com`;

/** Signs in user number `i` (mod USERS). */
type Signin = (i: number) => Promise<unknown>;

async function bareArgon2(): Promise<Signin> {
  const phc = await argonHash(PASSWORD, ARGON2);
  return async () => {
    if (!(await argonVerify(phc, PASSWORD))) throw new Error("argon2 verify failed");
  };
}

async function authSkill(): Promise<Signin> {
  const auth = new AuthSkill({ secret: SECRET, rateLimit: { signup: { max: USERS, window: "1h" } } }); // seeding: above the 20/h signup default
  await Promise.all(Array.from({ length: USERS }, (_, i) => auth.signup({ email: email(i), password: PASSWORD })));
  return (i) => auth.signin({ email: email(i), password: PASSWORD });
}

/** Better Auth on its memory adapter, no rate limit, no telemetry; `password` swaps in another hasher. */
async function betterAuthSignin(password?: {
  hash: (p: string) => Promise<string>;
  verify: (a: { hash: string; password: string }) => Promise<boolean>;
}): Promise<Signin> {
  const auth = betterAuth({
    baseURL: "http://localhost:3000",
    secret: SECRET,
    database: memoryAdapter({ user: [], session: [], account: [], verification: [] }),
    emailAndPassword: { enabled: true, ...(password ? { password } : {}) },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { disabled: true },
  });
  await Promise.all(Array.from({ length: USERS }, (_, i) => auth.api.signUpEmail({ body: { email: email(i), password: PASSWORD, name: `User ${i}` } })));
  return async (i) => {
    const r = await auth.api.signInEmail({ body: { email: email(i), password: PASSWORD } });
    if (!r.token) throw new Error("better-auth signin failed");
  };
}

const betterAuthArgon2 = () =>
  betterAuthSignin({
    hash: (p) => argonHash(p, ARGON2),
    verify: ({ hash, password }) => argonVerify(hash, password),
  });

/** p50/p99/max event-loop delay (ms, 1 ms resolution) while `batches` batches of `size` signins run at once. */
async function loopDelay(signin: Signin, batches: number, size = 32): Promise<{ p50: number; p99: number; max: number }> {
  await Promise.all(Array.from({ length: size }, (_, i) => signin(i))); // warm-up batch, not recorded
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  for (let b = 0; b < batches; b++) await Promise.all(Array.from({ length: size }, (_, i) => signin(i)));
  h.disable();
  const ms = (ns: number) => ns / 1e6;
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

export async function signinBench(): Promise<string> {
  const contenders: Record<string, Signin> = {
    "bare @node-rs/argon2 verify (floor)": await bareArgon2(),
    "AuthSkill#signin (argon2id, memoryStorage)": await authSkill(),
    "better-auth signInEmail (scrypt default, memoryAdapter)": await betterAuthSignin(),
    "better-auth signInEmail (argon2id hasher, memoryAdapter)": await betterAuthArgon2(),
  };
  const [floor, ours, baDefault, baArgon2] = Object.keys(contenders) as [string, string, string, string];
  for (const [name, signin] of Object.entries(contenders)) {
    process.stderr.write(`warm-up: ${name}\n`);
    await inFlight(signin, IN_FLIGHT, PER_SLICE);
  }
  process.stderr.write(`signin throughput: ${Object.keys(contenders).length} contenders x ${SLICES} slices x ${PER_SLICE} signins\n`);
  const rate = await alternating(
    SLICES,
    Object.fromEntries(Object.entries(contenders).map(([name, signin]) => [name, () => inFlight(signin, IN_FLIGHT, PER_SLICE)])),
  );
  const perSecond = table(
    ["contender", "signins/s", "vs AuthSkill"],
    Object.entries(rate).map(([name, r]) => [name, num(r), ratio(r / rate[ours]!)]),
  );
  const r = (x: string) => rate[ours]! / rate[x]!;
  const targets = table(
    ["ratio", "value", "target", "status"],
    [
      ["AuthSkill / bare argon2 (closeness to the floor)", ratio(r(floor)), "— (1.00x is the ceiling)", "info"],
      ["AuthSkill / better-auth default (scrypt)", ratio(r(baDefault)), ">= 4x", verdict(r(baDefault), 4)],
      ["AuthSkill / better-auth with argon2id", ratio(r(baArgon2)), ">= 1.0x", verdict(r(baArgon2), 1)],
    ],
  );

  process.stderr.write("event-loop delay: idle, AuthSkill, better-auth default\n");
  const idle = await loopDelay(() => new Promise((resolve) => setTimeout(resolve, 200)), 5, 1);
  const delays: [string, Awaited<ReturnType<typeof loopDelay>>][] = [
    ["idle (timer only, for reference)", idle],
    [floor, await loopDelay(contenders[floor]!, 5)],
    [ours, await loopDelay(contenders[ours]!, 5)],
    [baDefault, await loopDelay(contenders[baDefault]!, 3)],
  ];
  const delayTable = table(
    ["while 32 signins run at once", "p50 ms", "p99 ms", "max ms", "target (AuthSkill p99)"],
    delays.map(([name, d]) => [
      name,
      d.p50.toFixed(2),
      d.p99.toFixed(2),
      d.max.toFixed(2),
      name === ours ? `< 20 ms: ${d.p99 < 20 ? "met" : "**MISSED**"}` : "",
    ]),
  );

  const tone = (name: string) => (name === ours ? "ours" : name === floor ? "ref" : "other");
  const throughputChart = chart("signin-throughput.svg", {
    title: `Signin throughput, ${IN_FLIGHT} in flight`,
    subtitle: "signins per second, median of slices (higher is better; the argon2id verify alone is the ceiling)",
    groups: [{ label: "", bars: Object.entries(rate).map(([name, r]) => ({ label: name, value: r, tone: tone(name) })) }],
    format: (v) => `${num(v)}/s`,
  });
  const delayChart = chart("event-loop-delay.svg", {
    title: "Event-loop delay while 32 signins run at once",
    subtitle: "p50, p99 and max delay in ms (monitorEventLoopDelay; lower is better; aim: AuthSkill p99 < 20 ms)",
    groups: delays.map(([name, d]) => ({
      label: name,
      bars: [
        { label: "p50", value: d.p50, tone: tone(name) },
        { label: "p99", value: d.p99, tone: tone(name) },
        { label: "max", value: d.max, tone: tone(name) },
      ],
    })),
    marks: [{ value: 20, label: "20 ms" }],
    format: (v) => `${v.toFixed(2)} ms`,
  });

  return [
    `### Signin throughput, ${IN_FLIGHT} in flight`,
    "",
    `Each slice: ${PER_SLICE} signins, ${IN_FLIGHT} in flight, over ${USERS} accounts. Median of ${SLICES} slices per contender, contenders alternating slice by slice.`,
    "",
    perSecond,
    "",
    throughputChart,
    "",
    targets,
    "",
    "### Event-loop delay during signin bursts (`monitorEventLoopDelay`, resolution 1 ms)",
    "",
    `Batches of 32 concurrent signins (32 distinct accounts), after one unrecorded warm-up batch: AuthSkill and bare argon2 5 batches, better-auth 3; idle = 5 x 200 ms timer, nothing else of ours running.`,
    "",
    delayTable,
    "",
    delayChart,
  ].join("\n");
}
