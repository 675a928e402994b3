// (b) Signin and refresh latency with 10^3 vs 10^6 users, on SQLite and PostgreSQL. The users are
// loaded straight into the adapter's tables in bulk, all with one precomputed argon2id hash.
import { AuthSkill } from "../../src/index.js";
import { chart } from "../chart.js";
import { ms, quantile, ratio, table, timed } from "./measure.js";
import { dropTables, freshKyselyStorage, openSql, unavailable, type SqlStore } from "./stores.js";

const SECRET = "bench-storage-secret-0123456789-abcdefghijklmnop";
const PASSWORD = "correct horse battery staple";
const SIZES = [1_000, 1_000_000] as const;
const ROUNDS = 10; // alternating between the two sizes
const SIGNINS_PER_ROUND = 15;
const REFRESHES_PER_ROUND = 150;
const AIM = 1.2;

const email = (i: number) => `user${i}@bench.example`;
const prefixOf = (size: number) => `bench_${size >= 1_000_000 ? "1m" : "1k"}_`;

/** Inserts users 1..size into `${prefix}users`, fast: one generate_series INSERT, or one SQLite transaction. */
async function bulkUsers(store: SqlStore, prefix: string, size: number, hash: string): Promise<void> {
  const table = `${prefix}users`;
  const now = Date.now();
  if (store.kind === "sqlite") {
    const db = store.sqlite!;
    const insert = db.prepare(
      `INSERT INTO ${table} (id, email, username, name, email_verified, password_hash, created_at, updated_at) VALUES (?, ?, NULL, NULL, 0, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (let i = 1; i <= size; i++) insert.run(`u${i}`, email(i), hash, now, now);
    })();
    db.exec(`ANALYZE`);
    return;
  }
  await store.query(
    `INSERT INTO ${table} (id, email, username, name, email_verified, password_hash, created_at, updated_at)
     SELECT 'u' || g, 'user' || g || '@bench.example', NULL, NULL, false, $1, $2, $2 FROM generate_series(1, $3::int) g`,
    [hash, now, size],
  );
  await store.query(`ANALYZE ${table}`, []);
}

interface Samples {
  signin: number[];
  refresh: number[];
}

async function measureStore(
  kind: "sqlite" | "pg",
): Promise<{ rows: (string | number)[][]; loads: string[]; ratios: { label: string; p50: number; p99: number }[] }> {
  const label = kind === "sqlite" ? "SQLite" : "PostgreSQL";
  const why = unavailable(kind);
  if (why) return { rows: [[label, "signin, refresh", "—", "—", "—", "—", "—", `skipped: ${why}`]], loads: [], ratios: [] };
  const store = openSql(kind, 4);
  const loads: string[] = [];
  try {
    const hash = await new AuthSkill({ secret: SECRET }).hashPassword(PASSWORD);
    const auths = new Map<number, AuthSkill>();
    const samples = new Map<number, Samples>();
    for (const size of SIZES) {
      const storage = await freshKyselyStorage(store, prefixOf(size));
      const start = performance.now();
      await bulkUsers(store, prefixOf(size), size, hash);
      loads.push(`${label} ${size.toLocaleString("en-US")} users loaded in ${((performance.now() - start) / 1000).toFixed(1)} s`);
      console.error(`[storage bench] ${loads.at(-1)}`);
      auths.set(size, new AuthSkill({ secret: SECRET, storage, rateLimit: false }));
      samples.set(size, { signin: [], refresh: [] });
    }
    // One refresh chain per size; signins pick random users (a cold part of the index each time).
    const tokens = new Map<number, string>();
    for (const size of SIZES) tokens.set(size, (await auths.get(size)!.signin({ email: email(size), password: PASSWORD })).refreshToken);
    for (let r = -1; r < ROUNDS; r++) {
      for (const size of r % 2 === 0 ? SIZES : [...SIZES].reverse()) {
        const auth = auths.get(size)!;
        const s = samples.get(size)!;
        const keep = r >= 0; // round -1 warms up
        for (let i = 0; i < SIGNINS_PER_ROUND; i++) {
          const user = 1 + Math.floor(Math.random() * size);
          const t = await timed(() => auth.signin({ email: email(user), password: PASSWORD }));
          if (keep) s.signin.push(t);
        }
        for (let i = 0; i < REFRESHES_PER_ROUND; i++) {
          let next = "";
          const t = await timed(async () => {
            next = (await auth.refresh(tokens.get(size)!)).refreshToken;
          });
          tokens.set(size, next);
          if (keep) s.refresh.push(t);
        }
      }
    }
    const p50 = (xs: number[]) => quantile(xs, 0.5);
    const p99 = (xs: number[]) => quantile(xs, 0.99);
    const rows = (["signin", "refresh"] as const).map((op) => {
      const [small, large] = SIZES.map((size) => samples.get(size)![op]);
      const r = p50(large!) / p50(small!);
      return [label, op, ms(p50(small!)), ms(p99(small!)), ms(p50(large!)), ms(p99(large!)), ratio(r), r <= AIM ? "met" : "**MISSED**"];
    });
    const ratios = (["signin", "refresh"] as const).map((op) => {
      const [small, large] = SIZES.map((size) => samples.get(size)![op]);
      return { label: `${label} ${op}`, p50: p50(large!) / p50(small!), p99: p99(large!) / p99(small!) };
    });
    return { rows, loads, ratios };
  } finally {
    for (const size of SIZES) await dropTables(store, prefixOf(size)).catch(() => undefined);
    await store.close();
  }
}

/** Part (b): resolves its markdown section. */
export async function scaleBench(kinds: Array<"sqlite" | "pg"> = ["sqlite", "pg"]): Promise<string> {
  const rows: (string | number)[][] = [];
  const loads: string[] = [];
  const groups: { label: string; bars: { label: string; value: number; tone: "ours" | "other" }[] }[] = [];
  for (const kind of kinds) {
    console.error(`[storage bench] latency at scale: ${kind}`);
    const result = await measureStore(kind);
    rows.push(...result.rows);
    loads.push(...result.loads);
    for (const r of result.ratios) {
      groups.push({
        label: r.label,
        bars: [
          { label: "p50 at 10⁶ / p50 at 10³", value: r.p50, tone: "ours" },
          { label: "p99 at 10⁶ / p99 at 10³", value: r.p99, tone: "other" },
        ],
      });
    }
  }
  return [
    "### Signin and refresh latency (ms), 10^3 vs 10^6 users",
    "",
    `One call in flight. ${ROUNDS} rounds alternating between the two tables, each ${SIGNINS_PER_ROUND} signins of random users`,
    `and ${REFRESHES_PER_ROUND} refreshes (${ROUNDS * SIGNINS_PER_ROUND} signins and ${ROUNDS * REFRESHES_PER_ROUND} refreshes per size),`,
    "after a warm-up round. Users are bulk-loaded into the adapter's own tables with one precomputed argon2id hash",
    `(signin time is mostly that hash's verification). Aim: p50 at 10^6 within ${AIM}x of p50 at 10^3.`,
    "",
    table(["store", "operation", "p50 10^3", "p99 10^3", "p50 10^6", "p99 10^6", "p50 10^6 / 10^3", `aim <= ${AIM}x`], rows),
    "",
    chart("storage-scale.svg", {
      title: "Signin and refresh latency, 10³ → 10⁶ users",
      subtitle: `latency at 10⁶ users over latency at 10³ (1.0x: no slower; lower is better; aim: p50 <= ${AIM}x)`,
      groups,
      marks: [
        { value: 1, label: "1.0x" },
        { value: AIM, label: `aim ${AIM}x` },
      ],
      format: ratio,
    }),
    "",
    `Bulk loads: ${loads.join("; ")}.`,
  ].join("\n");
}
