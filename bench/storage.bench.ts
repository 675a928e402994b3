// Storage benchmark: (a) refresh-token rotations per second on memory, SQLite, PostgreSQL, MariaDB and
// Redis, each beside its round-trip limit; (b) signin and refresh latency with 10^3 vs 10^6 users on
// SQLite and PostgreSQL. Prints markdown.
//
//   bash scripts/services.sh up && source .tmp/services.env
//   npx tsx bench/storage.bench.ts            # both parts (about 2-3 minutes)
//   npx tsx bench/storage.bench.ts rotation   # or: scale
//
// Stores whose URL is not set (AUTH_SKILL_PG_URL, AUTH_SKILL_MYSQL_URL, AUTH_SKILL_REDIS_URL) are
// reported as skipped. The servers that scripts/services.sh starts run with durability off (PostgreSQL
// fsync=off, MariaDB innodb_flush_log_at_trx_commit=0, Redis without persistence): the figures are
// round trips and CPU, not disk.
import os from "node:os";
import { fileURLToPath } from "node:url";
import { rotationBench } from "./storage/rotation.js";
import { scaleBench } from "./storage/scale.js";

/** Both parts; resolves the markdown. */
export async function storageBench(only?: "rotation" | "scale"): Promise<string> {
  const started = performance.now();
  const load = os.loadavg()[0]!.toFixed(2);
  const sections: string[] = [];
  if (only !== "scale") sections.push(await rotationBench());
  if (only !== "rotation") sections.push(await scaleBench());
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const header =
    `Storage benchmark, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: ${os.availableParallelism()} cores, ${cpu}, ` +
    `Node ${process.version}; 1-min load average at start ${load}; took ${Math.round((performance.now() - started) / 1000)} s. ` +
    "Servers on 127.0.0.1 from scripts/services.sh (durability off).";
  return [header, "", ...sections.flatMap((s) => [s, ""])].join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const only = process.argv[2];
  if (only !== undefined && only !== "rotation" && only !== "scale") throw new Error(`unknown part "${only}": use rotation or scale`);
  console.log(await storageBench(only));
  process.exit(0); // pools and clients are closed; don't wait on stray timers
}
