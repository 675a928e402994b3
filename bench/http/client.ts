// The HTTP benchmark's load generator, in a process of its own so it never shares a server's event loop:
// autocannon (pinned) over keep-alive connections to 127.0.0.1, one run per IPC message from the parent
// (bench/http.bench.ts), answering a ClientResult. Tokens are minted here by AuthSkill, before the clock starts.
import autocannon from "autocannon";
import { AuthSkill } from "../../src/index.js";
import { PASSWORD, SECRET } from "../lib.js";
import { LOOPBACK, USERS, signinEmail, type ClientResult, type ClientRun } from "./shared.js";

const minter = new AuthSkill({ secret: SECRET });

/** `n` distinct access tokens for distinct users (HS256, typ at+jwt, iss/aud auth-skill, 15 min). */
async function mint(n: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) tokens.push(await minter.createAccessToken({ userId: `user-${i}` }));
  return tokens;
}

type Request = autocannon.Request;

async function requestFor(run: ClientRun): Promise<Request> {
  if (run.kind === "signin") {
    const bodies = Array.from({ length: USERS }, (_, i) => JSON.stringify({ email: signinEmail(i), password: PASSWORD }));
    let next = 0;
    return {
      method: "POST",
      path: run.path,
      headers: { "content-type": "application/json" },
      setupRequest: (request) => ({ ...request, body: bodies[next++ % USERS]! }), // as the bare loop: signin i uses account i % USERS
    };
  }
  // distinct: one token per request (a few spare: autocannon may start a request or two past `amount`)
  const tokens = await mint(run.tokens === "distinct" ? run.amount + 2 * run.connections : run.connections);
  let next = 0;
  const withToken = (request: Request, token: string): Request => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } });
  return {
    method: "GET",
    path: "/me",
    setupRequest:
      run.tokens === "distinct"
        ? (request) => withToken(request, tokens[next++ % tokens.length]!)
        : (request, context: { token?: string }) => {
            context.token ??= tokens[next++ % tokens.length]!; // the connection's own token (context is per connection)
            return withToken(request, context.token);
          },
  };
}

async function load(run: ClientRun): Promise<ClientResult> {
  const request = await requestFor(run);
  const cpu = process.cpuUsage();
  // Timed here, from the call to the last response: autocannon ends an `amount` run only at its next sample
  // tick, so its own start/finish would round every run up to the sampling interval.
  const started = performance.now();
  let last = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://${LOOPBACK}:${run.port}`,
        connections: run.connections,
        pipelining: 1,
        amount: run.amount,
        timeout: 30,
        sampleInt: 50, // ms: the run's result arrives soon after its last response
        requests: [request],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on("response", () => {
      last = performance.now();
    });
  });
  const used = process.cpuUsage(cpu);
  return { ok: result["2xx"], non2xx: result.non2xx, errors: result.errors, ms: last - started, cpuMs: (used.user + used.system) / 1000 };
}

process.on("disconnect", () => process.exit(0)); // the parent is gone (or done): never linger
process.on("message", (run: ClientRun) => {
  load(run).then(
    (result) => process.send!(result),
    (err: unknown) => {
      process.stderr.write(`http bench client: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
});
process.send!({ ready: true });
