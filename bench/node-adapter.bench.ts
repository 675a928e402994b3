// Node <-> Web converters serving the real auth handler over node:http on loopback: auth-skill/node's
// toNodeHandler (@hono/node-server's getRequestListener, globals left alone) vs a hand-written converter
// (test/node/hand-written). Load comes from a child process (node-adapter-load.mjs: keep-alive node:http client,
// N in flight); the two servers take alternating slices. `npm run bench -- node-adapter` runs it alone.
import { fork } from "node:child_process";
import { AuthSkill } from "../src/index.js";
import { authenticate, createAuthHandler } from "../src/http/index.js";
import type { FetchHandler } from "../src/node/index.js";
import { listen, type Listening } from "../test/node/listen.js";
import { CONVERTERS } from "../test/node/converters.js";
import { PASSWORD, SECRET, alternating, num, ratio, table } from "./lib.js";

const CONCURRENCY = 16;
const SLICES = 7; // per converter and scenario, alternating
const SLICE_MS = 1000;
const USERS = 16;

interface Job {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  concurrency: number;
  ms: number;
}
interface Result {
  done: number;
  failed: number;
  ms: number;
}

/** The load child: `run(job)` resolves its counts. */
function loader() {
  const child = fork(new URL("./node-adapter-load.mjs", import.meta.url), { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  let failures = 0;
  const run = (job: Job) =>
    new Promise<number>((resolve) => {
      child.once("message", (r: Result) => {
        failures += r.failed;
        resolve(r.done);
      });
      child.send(job);
    });
  return { run, failures: () => failures, stop: () => child.kill() };
}

export async function nodeAdapterBench(): Promise<string> {
  const auth = new AuthSkill({ secret: SECRET, rateLimit: false }); // real argon2id defaults; limits off: the converters are measured
  const authHandler = createAuthHandler(auth);
  const handler: FetchHandler = async (request, connection) => {
    if (new URL(request.url).pathname !== "/me") return authHandler(request, connection);
    const claims = await authenticate(auth, request);
    return Response.json({ userId: claims.sub }, { headers: { "cache-control": "no-store" } });
  };
  for (let i = 0; i < USERS; i++) await auth.signup({ email: `user${i}@example.com`, password: PASSWORD });
  const { accessToken } = await auth.signin({ email: "user0@example.com", password: PASSWORD });

  const names = Object.keys(CONVERTERS) as (keyof typeof CONVERTERS)[];
  const servers: Record<string, Listening> = {};
  for (const name of names) servers[name] = await listen(CONVERTERS[name](handler));
  const load = loader();
  let n = 0;
  const scenarios: { name: string; job: (base: string) => Omit<Job, "concurrency" | "ms"> }[] = [
    { name: "GET /auth/jwks", job: (base) => ({ url: `${base}/auth/jwks`, method: "GET", headers: {} }) },
    { name: "GET /me (authenticate, bearer)", job: (base) => ({ url: `${base}/me`, method: "GET", headers: { authorization: `Bearer ${accessToken}` } }) },
    {
      name: "POST /auth/signin (argon2id)",
      job: (base) => ({
        url: `${base}/auth/signin`,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: `user${n++ % USERS}@example.com`, password: PASSWORD }),
      }),
    },
  ];
  const rows: (string | number)[][] = [];
  try {
    for (const scenario of scenarios) {
      process.stderr.write(`node-adapter: ${scenario.name}\n`);
      const contenders = Object.fromEntries(
        names.map((name) => [name, () => load.run({ ...scenario.job(servers[name]!.url), concurrency: CONCURRENCY, ms: SLICE_MS })]),
      );
      for (const run of Object.values(contenders)) await run(); // warm-up slice each, not counted
      const rates = await alternating(SLICES, contenders);
      const hono = rates["@hono/node-server"]!;
      const own = rates["hand-written"]!;
      rows.push([scenario.name, num(hono), num(own), ratio(hono / own)]);
    }
  } finally {
    load.stop();
    for (const server of Object.values(servers)) await server.close();
  }
  if (load.failures() > 0) throw new Error(`node-adapter: ${load.failures()} requests did not answer 2xx`);
  return [
    "### Node converters: auth-skill/node (@hono/node-server) vs a hand-written one",
    "",
    `The real handler (\`createAuthHandler\`, a real \`AuthSkill\` with argon2id defaults, rate limits off) behind \`node:http\` through each converter; a child process keeps ${CONCURRENCY} keep-alive requests in flight on 127.0.0.1. ${SLICES} alternating slices of ${SLICE_MS} ms per converter and route, after one warm-up slice each; figures are medians over slices, requests per second.`,
    "",
    table(["route", "@hono/node-server req/s", "hand-written req/s", "hono / hand-written"], rows),
  ].join("\n");
}
