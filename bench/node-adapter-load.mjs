// Load generator of bench/node-adapter.bench.ts, run in a child process of its own so the client's work does
// not share the server's event loop. On each IPC message { url, method, headers, body, concurrency, ms } it
// keeps `concurrency` keep-alive HTTP/1.1 requests in flight against 127.0.0.1 for `ms` milliseconds (bounded
// in time and count) and answers { done, failed, ms }: completed requests, non-2xx ones, and the elapsed time.
import { Agent, request } from "node:http";

const MAX_REQUESTS = 200_000; // per slice, whatever the time

process.on("message", async (job) => {
  const url = new URL(job.url);
  if (url.hostname !== "127.0.0.1") throw new Error("loopback only");
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const body = job.body === undefined ? undefined : Buffer.from(job.body);
  const headers = { ...job.headers, ...(body ? { "content-length": String(body.byteLength) } : {}) };
  const one = () =>
    new Promise((resolve) => {
      const req = request(url, { method: job.method, headers, agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode >= 200 && res.statusCode < 300));
      });
      req.on("error", () => resolve(false));
      req.end(body);
    });
  let done = 0;
  let failed = 0;
  let started = 0;
  const start = performance.now();
  const deadline = start + job.ms;
  const worker = async () => {
    while (performance.now() < deadline && started < MAX_REQUESTS) {
      started++;
      if (!(await one())) failed++;
      done++;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const ms = performance.now() - start;
  agent.destroy();
  process.send({ done, failed, ms });
});
