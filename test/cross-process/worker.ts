/**
 * A second (and third) process for the cross-process races: its own AuthSkill, its own connections to
 * the shared store, the same secret. Speaks JSON lines:
 *
 *   argv:   <pg|mysql|redis> <url> <namespace>
 *   stdout: {"ready":true,"pid":N} once connected
 *   stdin:  {"op":"arm","action":"refresh","token":"...","n":25,"reuseInterval":0}
 *           {"op":"arm","action":"signup","email":"...","password":"...","n":10}
 *           -> {"armed":true} once its pool holds n open connections
 *   stdin:  {"op":"go","at":ms} -> at wall-clock time `at`, fires the n calls at once
 *           -> {"results":[...],"startedAt":ms,"finishedAt":ms}
 *   stdin:  {"op":"exit"} -> closes its connections and exits 0
 *
 * Run by test/cross-process/race.test.ts as `node --import tsx test/cross-process/worker.ts ...`.
 */
import { createInterface } from "node:readline";
import { AuthError, AuthSkill } from "auth-skill";
import { openStore, SHARED_SECRET, type Outcome, type StoreKind } from "./stores.js";

interface Armed {
  n: number;
  call: () => Promise<{ refreshToken: string; user: { id: string } }>;
}

const [kind, url, prefix] = process.argv.slice(2) as [StoreKind, string, string];
const store = openStore(kind, url, prefix);
const send = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);

/** Opens `n` connections at once (pools connect lazily), so that the race is not serialised by connecting. */
async function warm(n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, () => store.storage.findUserByEmail("warm-up@example.invalid")));
}

/** Waits for the wall-clock time `at` (ms): sleeps until just before it, then spins, so that processes
 * sharing the machine's clock start within a fraction of a millisecond of one another. */
async function until(at: number): Promise<void> {
  const sleep = at - Date.now() - 5;
  if (sleep > 0) await new Promise((resolve) => setTimeout(resolve, sleep));
  while (Date.now() < at) {
    // spin
  }
}

let armed: Armed | undefined;

async function handle(message: { op: string; [key: string]: any }): Promise<void> {
  switch (message.op) {
    case "arm": {
      const auth = new AuthSkill({
        secret: SHARED_SECRET,
        storage: store.storage,
        rateLimit: false,
        refreshToken: { reuseInterval: message.reuseInterval ?? 0 },
      });
      const call = message.action === "refresh" ? () => auth.refresh(message.token) : () => auth.signup({ email: message.email, password: message.password });
      await warm(message.n);
      armed = { n: message.n, call };
      send({ armed: true });
      return;
    }
    case "go": {
      if (!armed) throw new Error("go before arm");
      const { n, call } = armed;
      armed = undefined;
      await until(message.at);
      const startedAt = Date.now();
      const settled = await Promise.allSettled(Array.from({ length: n }, () => call()));
      const finishedAt = Date.now();
      const results: Outcome[] = settled.map((r) => {
        if (r.status === "fulfilled") return { ok: true, refreshToken: r.value.refreshToken, userId: r.value.user.id };
        if (r.reason instanceof AuthError) return { ok: false, code: r.reason.code };
        return { ok: false, code: `not an AuthError: ${String(r.reason)}` };
      });
      send({ results, startedAt, finishedAt });
      return;
    }
    case "exit":
      await store.close();
      process.exit(0);
  }
}

const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue
    .then(() => handle(JSON.parse(line)))
    .catch((err) => {
      send({ error: String(err?.stack ?? err) });
    });
});
lines.on("close", () => void store.close().finally(() => process.exit(0)));

await warm(1);
send({ ready: true, pid: process.pid });
