/**
 * The storage guarantees across processes: two Node processes, each with its own AuthSkill and its own
 * connections to one real PostgreSQL / MariaDB / Redis, race one refresh token and one email. The
 * in-process conformance suite cannot show this: there, one event loop orders the calls.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthSkill } from "auth-skill";
import { rejectsWith } from "../helpers.js";
import { serverUrl } from "../support/servers.js";
import { namespace, openStore, SHARED_SECRET, type OpenStore, type Outcome, type StoreKind } from "./stores.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const REFRESHES = 25; // per process
const SIGNUPS = 10; // per process (each hashes a password first)
const PASSWORD = "cross process passphrase";

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A worker process (worker.ts) and its JSON-lines channel. */
class Worker {
  readonly #lines: AsyncIterator<string>;
  private constructor(readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    this.#lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static async start(kind: StoreKind, url: string, prefix: string): Promise<Worker> {
    const child = spawn(process.execPath, ["--import", "tsx", "test/cross-process/worker.ts", kind, url, prefix], {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "inherit"],
    });
    const worker = new Worker(child);
    const hello = await within(worker.next(), 30_000, "worker start");
    expect(hello).toMatchObject({ ready: true });
    return worker;
  }

  send(message: object): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  async next(): Promise<any> {
    const line = await this.#lines.next();
    if (line.done) throw new Error(`worker ${this.child.pid} exited (code ${this.child.exitCode})`);
    const message = JSON.parse(line.value);
    if (message.error) throw new Error(`worker ${this.child.pid}: ${message.error}`);
    return message;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, "exit");
    this.send({ op: "exit" });
    await within(exited, 10_000, "worker exit").catch(() => this.child.kill("SIGKILL"));
  }
}

interface RaceResult {
  outcomes: Outcome[];
  /** [startedAt, finishedAt] of each worker's burst, for the overlap check. */
  windows: Array<[number, number]>;
}

/** Arms every worker with the same call, then releases them together: "go" at one wall-clock moment. */
async function race(workers: Worker[], arm: object): Promise<RaceResult> {
  for (const w of workers) w.send({ op: "arm", ...arm });
  await within(Promise.all(workers.map((w) => w.next())), 30_000, "arm");
  const at = Date.now() + 100;
  for (const w of workers) w.send({ op: "go", at });
  const replies = await within(Promise.all(workers.map((w) => w.next())), 60_000, "race");
  return {
    outcomes: replies.flatMap((r) => r.results as Outcome[]),
    windows: replies.map((r) => [r.startedAt, r.finishedAt] as [number, number]),
  };
}

/** Both bursts ran at the same time: each started before the other finished. */
const overlapped = ([a, b]: Array<[number, number]>) => a![0] <= b![1] && b![0] <= a![1];

/**
 * Runs `attempt` (a fresh race each time, whose every outcome it checks) until the two bursts overlapped
 * in time — on a busy machine a process may be scheduled late — and at most 3 times; then requires that
 * one did, so that the guarantee was shown under a real cross-process race.
 */
async function raceUntilOverlap(attempt: () => Promise<RaceResult>): Promise<void> {
  const seen: Array<Array<[number, number]>> = [];
  for (let i = 0; i < 3; i++) {
    const { windows } = await attempt();
    seen.push(windows);
    if (overlapped(windows)) return;
  }
  expect.fail(`the two processes' bursts never overlapped: ${JSON.stringify(seen)}`);
}

const codes = (outcomes: Outcome[]) => outcomes.flatMap((o) => (o.ok ? [] : [o.code]));

const SERVERS: Array<[label: string, kind: StoreKind]> = [
  ["PostgreSQL", "pg"],
  ["MariaDB", "mysql"],
  ["Redis", "redis"],
];

for (const [label, kind] of SERVERS) {
  const url = serverUrl(kind);
  describe.skipIf(!url)(`cross-process races on ${label} (2 processes, own connections)`, () => {
    const prefix = namespace();
    let store: OpenStore;
    let auth: AuthSkill;
    let workers: Worker[] = [];

    beforeAll(async () => {
      store = openStore(kind, url!, prefix, 5);
      await store.migrate();
      auth = new AuthSkill({ secret: SHARED_SECRET, storage: store.storage, rateLimit: false });
      workers = await Promise.all([Worker.start(kind, url!, prefix), Worker.start(kind, url!, prefix)]);
    });

    afterAll(async () => {
      await Promise.all(workers.map((w) => w.stop()));
      if (store) {
        await store.drop();
        await store.close();
      }
    });

    it(`of ${2 * REFRESHES} refreshes of one token, exactly one rotates; the others are refused as reuse`, async () => {
      await raceUntilOverlap(async () => {
        const { refreshToken } = await auth.signup({ email: `refresh-${randomUUID()}@example.com`, password: PASSWORD });
        const result = await race(workers, { action: "refresh", token: refreshToken, n: REFRESHES });
        const { outcomes } = result;
        expect(outcomes).toHaveLength(2 * REFRESHES);
        const won = outcomes.filter((o): o is Extract<Outcome, { ok: true }> => o.ok);
        expect(won).toHaveLength(1);
        // Every loser presented a generation that another call rotated: a replay, REFRESH_TOKEN_REUSED (as
        // the conformance suite requires in one process) — also when it reads the session after another
        // loser's reuse detection already ended it.
        expect(codes(outcomes)).toEqual(Array(2 * REFRESHES - 1).fill("REFRESH_TOKEN_REUSED"));
        // The reuse ended the whole session, the winner's new token included.
        await rejectsWith(auth.refresh(won[0]!.refreshToken), "TOKEN_REVOKED");
        return result;
      });
    });

    it(`within reuseInterval, ${2 * REFRESHES} duplicates in 2 processes all get the one successor`, async () => {
      await raceUntilOverlap(async () => {
        const { refreshToken } = await auth.signup({ email: `grace-${randomUUID()}@example.com`, password: PASSWORD });
        const result = await race(workers, { action: "refresh", token: refreshToken, n: REFRESHES, reuseInterval: "30s" });
        expect(codes(result.outcomes)).toEqual([]);
        const successors = new Set(result.outcomes.map((o) => (o.ok ? o.refreshToken : "")));
        expect(successors.size).toBe(1);
        // Nothing was revoked: the successor rotates on.
        const next = await auth.refresh([...successors][0]!);
        expect(next.refreshToken).not.toBe(refreshToken);
        return result;
      });
    });

    it(`of ${2 * SIGNUPS} concurrent signups with one email in 2 processes, exactly one creates the user`, async () => {
      await raceUntilOverlap(async () => {
        const email = `race-${randomUUID()}@example.com`;
        const result = await race(workers, { action: "signup", email, password: PASSWORD, n: SIGNUPS });
        const won = result.outcomes.filter((o): o is Extract<Outcome, { ok: true }> => o.ok);
        expect(won).toHaveLength(1);
        expect(codes(result.outcomes)).toEqual(Array(2 * SIGNUPS - 1).fill("USER_EXISTS"));
        const stored = await store.storage.findUserByEmail(email);
        expect(stored?.id).toBe(won[0]!.userId);
        return result;
      });
    });
  });
}
