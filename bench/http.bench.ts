// HTTP over loopback: a protected route guarded by `authenticate` (auth-skill/http) vs hono/jwt and
// @fastify/jwt, and signin through the handler vs a bare `auth.signin` loop. Every server runs in a process of
// its own, the load generator (autocannon) in another; contenders alternate run by run, order rotating.
import { AuthSkill } from "../src/index.js";
import { SECRET, median, num, ratio, table, verdict } from "./lib.js";
import { Peer } from "./http/peer.js";
import { LOOPBACK, SIGNIN_PATHS, type ClientResult, type ClientRun, type ServerName } from "./http/shared.js";

const CONNECTIONS = 32;
const ROUNDS = 5; // runs per contender, interleaved
const RUN_SECONDS = 1.2; // each run is a fixed count, sized from the warm-up to last about this long
const SIGNIN_SECONDS = 1.5;
const SIGNIN_ROUNDS = 7;

interface Server {
  name: ServerName;
  port: number;
  peer: Peer;
}

async function startServer(name: ServerName): Promise<Server> {
  const peer = new Peer("./servers.ts", [name]);
  const { port } = (await peer.ready) as { port: number };
  return { name, port, peer };
}

/** Refuses to measure a guard that accepts what AuthSkill refuses, or refuses AuthSkill's tokens. */
async function checkGuard(server: Server): Promise<void> {
  const url = `http://${LOOPBACK}:${server.port}/me`;
  const get = (token?: string) => fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  const good = await get(await new AuthSkill({ secret: SECRET }).createAccessToken({ userId: "u1" }));
  const goodBody = await good.text();
  if (good.status !== 200 || goodBody !== '{"sub":"u1"}') throw new Error(`${server.name}: a valid token got ${good.status} ${goodBody}`);
  const refused: [string, string | undefined][] = [
    ["no token", undefined],
    ["another issuer", await new AuthSkill({ secret: SECRET, accessToken: { issuer: "someone-else" } }).createAccessToken({ userId: "u1" })],
    ["another audience", await new AuthSkill({ secret: SECRET, accessToken: { audience: "another-api" } }).createAccessToken({ userId: "u1" })],
    ["another secret", await new AuthSkill({ secret: `${SECRET}-other` }).createAccessToken({ userId: "u1" })],
  ];
  for (const [what, token] of refused) {
    const response = await get(token);
    await response.arrayBuffer();
    if (response.status !== 401) throw new Error(`${server.name}: ${what} got ${response.status}, not 401`);
  }
}

interface Sample {
  rps: number;
  serverCpu: number; // share of one core
  clientCpu: number;
  cpuPerRequest: number; // server CPU µs per request
}

async function measure(client: Peer, server: Server, run: ClientRun): Promise<Sample> {
  await server.peer.ask({ cmd: "mark" });
  const r = await client.ask<ClientResult>(run);
  const { cpuMs } = await server.peer.ask<{ cpuMs: number }>({ cmd: "read" });
  if (r.non2xx !== 0 || r.errors !== 0) throw new Error(`${server.name}: ${r.non2xx} non-2xx responses and ${r.errors} errors in one run`);
  return { rps: (r.ok * 1000) / r.ms, serverCpu: cpuMs / r.ms, clientCpu: r.cpuMs / r.ms, cpuPerRequest: (cpuMs * 1000) / r.ok };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const LABELS: Record<ServerName, string> = {
  "ours-listener": "`authenticate`, node:http via `getRequestListener`",
  "ours-hand": "`authenticate`, node:http via a hand-built `Request` (Authorization only)",
  "hono-jwt": "Hono + `hono/jwt`, node:http via `@hono/node-server`",
  "fastify-jwt": "Fastify + `@fastify/jwt` (fast-jwt, cache off: the default)",
  "fastify-jwt-cache": "Fastify + `@fastify/jwt` (fast-jwt, `cache: true`)",
  signin: "",
};
const SHORT: Record<ServerName, string> = {
  "ours-listener": "`authenticate` (getRequestListener)",
  "ours-hand": "`authenticate` (hand-built Request)",
  "hono-jwt": "hono/jwt",
  "fastify-jwt": "@fastify/jwt",
  "fastify-jwt-cache": "@fastify/jwt, cache on",
  signin: "",
};

async function protectedRoute(client: Peer): Promise<string> {
  const scenarios: { tokens: "distinct" | "per-connection"; title: string; names: ServerName[] }[] = [
    { tokens: "distinct", title: "a new token on every request (no cache can help)", names: ["ours-listener", "ours-hand", "hono-jwt", "fastify-jwt"] },
    { tokens: "per-connection", title: "one token per connection, reused", names: ["ours-listener", "ours-hand", "hono-jwt", "fastify-jwt-cache"] },
  ];
  const servers = new Map<ServerName, Server>();
  try {
    for (const name of new Set(scenarios.flatMap((s) => s.names))) {
      const server = await startServer(name);
      servers.set(name, server);
      await checkGuard(server);
    }
    const amounts = new Map<string, number>();
    for (const { tokens, names } of scenarios) {
      process.stderr.write(`http: warm-up (${tokens})\n`);
      const rates: number[] = [];
      for (const name of names) {
        const server = servers.get(name)!;
        await measure(client, server, { kind: "protected", port: server.port, connections: CONNECTIONS, amount: 3000, tokens });
        rates.push((await measure(client, server, { kind: "protected", port: server.port, connections: CONNECTIONS, amount: 8000, tokens })).rps);
      }
      amounts.set(tokens, Math.max(2000, Math.round((median(rates) * RUN_SECONDS) / 1000) * 1000));
    }
    const samples = new Map<string, Sample[]>();
    for (let round = 0; round < ROUNDS; round++) {
      process.stderr.write(`http: protected route, round ${round + 1}/${ROUNDS}\n`);
      for (const { tokens, names } of scenarios) {
        for (let i = 0; i < names.length; i++) {
          const server = servers.get(names[(i + round) % names.length]!)!;
          const run: ClientRun = { kind: "protected", port: server.port, connections: CONNECTIONS, amount: amounts.get(tokens)!, tokens };
          const key = `${tokens}/${server.name}`;
          samples.set(key, [...(samples.get(key) ?? []), await measure(client, server, run)]);
        }
      }
    }
    const rows: (string | number)[][] = [];
    const targets: (string | number)[][] = [];
    for (const { tokens, title, names } of scenarios) {
      const of = (name: ServerName) => samples.get(`${tokens}/${name}`)!;
      const med = (name: ServerName, pick: (x: Sample) => number) => median(of(name).map(pick));
      for (const name of names) {
        rows.push([
          title,
          LABELS[name],
          num(med(name, (x) => x.rps)),
          num(med(name, (x) => x.cpuPerRequest)),
          pct(med(name, (x) => x.serverCpu)),
          pct(med(name, (x) => x.clientCpu)),
        ]);
      }
      for (const ours of ["ours-listener", "ours-hand"] as const) {
        for (const theirs of names.slice(2)) {
          // per round: both ran in the same round, so each ratio sees about the same background load
          const perRound = (pick: (ours: Sample, theirs: Sample) => number) => median(of(ours).map((x, round) => pick(x, of(theirs)[round]!)));
          const r = perRound((o, t) => o.rps / t.rps);
          const cpu = perRound((o, t) => t.cpuPerRequest / o.cpuPerRequest);
          const target = ours === "ours-listener";
          targets.push([tokens, SHORT[ours], SHORT[theirs], ratio(r), ratio(cpu), target ? ">= 1.0x" : "—", target ? verdict(r, 1) : "info"]);
        }
      }
    }
    const amountLine = scenarios.map((s) => `${amounts.get(s.tokens)!.toLocaleString("en-US")} requests (${s.tokens})`).join(" or ");
    return [
      table(["tokens", "server", "requests/s", "server CPU µs/request", "server CPU", "client CPU"], rows),
      "",
      `Medians over ${ROUNDS} runs per server, servers alternating run by run (order rotating). Each run: ${amountLine}, sized from the warm-up to last about ${RUN_SECONDS} s, over ${CONNECTIONS} keep-alive connections. CPU: the process's CPU time (all threads) over the run's wall time, as a share of one core; µs/request is less swayed by other work on the machine than requests/s.`,
      "",
      table(["tokens", "ours", "vs", "requests/s ratio", "CPU/request ratio (theirs / ours)", "target", "status"], targets),
    ].join("\n");
  } finally {
    for (const server of servers.values()) server.peer.stop();
  }
}

/**
 * Signin through the handler vs the bare loop with `inFlight` signins at a time: 32 (throughput, the CPU full of
 * argon2) and 1 (the handler's own cost on top of one signin, a core left for the load generator).
 */
async function signin(client: Peer, inFlight: number): Promise<string> {
  process.stderr.write(`http: signin server, ${inFlight} in flight (seeding accounts)\n`);
  const server = await startServer("signin");
  try {
    const bare = async (count: number): Promise<Sample> => {
      await server.peer.ask({ cmd: "mark" });
      const { ms } = await server.peer.ask<{ ms: number }>({ cmd: "bare", count, concurrency: inFlight });
      const { cpuMs } = await server.peer.ask<{ cpuMs: number }>({ cmd: "read" });
      return { rps: (count * 1000) / ms, serverCpu: cpuMs / ms, clientCpu: 0, cpuPerRequest: (cpuMs * 1000) / count };
    };
    const over = (path: string) => (amount: number) => measure(client, server, { kind: "signin", port: server.port, connections: inFlight, amount, path });
    const viaHttp = over(SIGNIN_PATHS.handler);
    const viaMinimal = over(SIGNIN_PATHS.minimal);
    await bare(CONNECTIONS);
    const warm = await viaHttp(CONNECTIONS);
    // whole waves of `inFlight`, about SIGNIN_SECONDS a run, 2 to 4 waves (at least 32 signins)
    const waves = Math.min(4, Math.max(2, Math.round((warm.rps * SIGNIN_SECONDS) / inFlight)));
    const amount = Math.max(CONNECTIONS, inFlight * waves);
    type Round = { bare: Sample; http: Sample; minimal: Sample };
    const runs: Round[] = [];
    const order: (keyof Round)[] = ["bare", "http", "minimal"];
    for (let round = 0; round < SIGNIN_ROUNDS; round++) {
      process.stderr.write(`http: signin, round ${round + 1}/${SIGNIN_ROUNDS}\n`);
      const run: Partial<Round> = {};
      for (let k = 0; k < order.length; k++) {
        const which = order[(round + k) % order.length]!; // the order rotates round by round
        run[which] = await (which === "bare" ? bare : which === "http" ? viaHttp : viaMinimal)(amount);
      }
      runs.push(run as Round);
    }
    const med = (pick: (run: Round) => number) => median(runs.map(pick));
    const rMinimal = med((x) => x.http.rps / x.minimal.rps);
    const r = med((x) => x.http.rps / x.bare.rps);
    const row = (label: string, which: keyof Round) => [
      label,
      num(med((x) => x[which].rps)),
      `${(med((x) => x[which].cpuPerRequest) / 1000).toFixed(1)} ms`,
      pct(med((x) => x[which].serverCpu)),
    ];
    return [
      table(
        [`signin, ${inFlight} in flight`, "signins/s", "server CPU per signin", "server CPU"],
        [
          row("bare `auth.signin` loop in the server process (`ip` passed, as the handler does)", "bare"),
          row("`POST /auth/signin` (bearer mode) over loopback, the handler via `getRequestListener`", "http"),
          row("`POST /minimal/signin` over loopback: a bare route (read the body, `JSON.parse`, `auth.signin`, `JSON.stringify`; no checks)", "minimal"),
        ],
      ),
      "",
      table(
        ["ratio", "requests/s ratio", "CPU/signin ratio (bare / handler)", "target", "status"],
        [
          [
            `handler / bare loop, ${inFlight} in flight`,
            ratio(r),
            ratio(med((x) => x.bare.cpuPerRequest / x.http.cpuPerRequest)),
            ">= 0.95x",
            verdict(r, 0.95),
          ],
          [
            `handler / bare route over the same HTTP, ${inFlight} in flight`,
            ratio(rMinimal),
            ratio(med((x) => x.minimal.cpuPerRequest / x.http.cpuPerRequest)),
            "—",
            "info",
          ],
        ],
      ),
      "",
      inFlight > 2
        ? `Medians over ${SIGNIN_ROUNDS} rounds, the order alternating; each run ${amount} signins (sized from the warm-up), ${inFlight} in flight over ${CONNECTIONS} accounts (argon2id defaults, memoryStorage, libuv threadpool as above); CPU includes the threadpool's argon2 work. The 4 argon2 threads already fill both cores, so the client process (which the bare loop does not have) and the handler's own work come out of argon2's time: on this 2-core machine the ratio measures the load generator as much as the handler.`
        : `The same with ${inFlight} signin in flight (${amount} per run): argon2 keeps one core busy and the load generator has the other, so the ratio is the handler's own cost (body, client address, routing, JSON) on top of a signin.`,
    ].join("\n");
  } finally {
    server.peer.stop();
  }
}

export async function httpBench(): Promise<string> {
  const client = new Peer("./client.ts");
  try {
    await client.ready;
    const guard = await protectedRoute(client);
    const throughput = await signin(client, CONNECTIONS);
    const single = await signin(client, 1);
    return ["### HTTP: protected route and signin over loopback", "", GUARD_NOTES, "", guard, "", throughput, "", single].join("\n");
  } finally {
    client.stop();
  }
}

const GUARD_NOTES = [
  '`GET /me` answers `{"sub":…}` once the bearer token passes. Tokens: HS256 access tokens minted by AuthSkill (`typ: at+jwt`, iss and aud `auth-skill`, 15 min), one secret for all; hono/jwt and @fastify/jwt get the HS256 key AuthSkill derives from it (hono/jwt as a pre-imported CryptoKey).',
  "Each guard is checked before it is measured: AuthSkill's token passes; no token, another issuer, another audience or another key gets 401.",
  "What each checks: **`authenticate`** — alg HS256 (its own header byte for byte), signature, typ at+jwt, iss, aud, exp, iat, sub, jti required, nbf if present, 5 s clock tolerance, canonical base64url, at most 8 KiB;",
  '**hono/jwt** (`alg: "HS256"`, `verification: { iss, aud, typ: "at+jwt" }`) — alg, signature, typ, iss, aud, and exp, nbf, iat only when present (none required), no tolerance;',
  '**@fastify/jwt** (`algorithms: ["HS256"]`, `allowedIss`, `allowedAud`, `checkTyp: "at+jwt"`, `requiredClaims: [exp, iat, sub, jti]`, `clockTolerance: 5000`) — the same set as ours.',
  "The target rows are `authenticate` behind `getRequestListener`: it and Hono share @hono/node-server's Request conversion (lazy: headers read from Node's on demand), so what differs is the guard (and Hono's router); Fastify keeps its own request handling.",
  "The hand-built rows make a standard `new Request` carrying only Authorization (repeated headers joined, as a Web runtime does) and write the JSON by hand: they show what a plain undici `Request` costs next to the lazy one, not a fairer match.",
  "Load: autocannon 9.0.0 in a process of its own (its own event loop; the machine has 2 cores, so client and server each get about one), timed from its start to its last response.",
].join(" ");
