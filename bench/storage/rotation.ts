// (a) Refresh rotations per second on each store, beside that store's round-trip limit: the same
// statements (or Redis commands) one refresh costs, issued straight through the driver.
import { AuthSkill, memoryStorage, type SessionRecord, type StorageAdapter } from "../../src/index.js";
import { randomId } from "../../src/ids.js";
import { session as sessionRecord } from "../../src/testing/fixtures.js";
import { chart } from "../chart.js";
import { alternate, num, ratio, table } from "./measure.js";
import { freshKyselyStorage, openRedis, openSql, REDIS_PREFIX, unavailable, type SqlStore, type StoreKind } from "./stores.js";

const SECRET = "bench-storage-secret-0123456789-abcdefghijklmnop";
const PASSWORD = "correct horse battery staple";
const WORKERS = 8;
const ROUNDS = 7;
const SLICE_MS = 500;
const AIM = 0.5;

interface Setup {
  storage: StorageAdapter;
  /** One bare rotation by worker `w` (absent for the in-memory store). */
  bare?: (w: number) => Promise<void>;
  /** What one rotation costs on this store, in round trips. */
  trips: string;
  close(): Promise<void>;
}

function sessionFor(userId: string): SessionRecord {
  const now = new Date();
  return sessionRecord(userId, { createdAt: now, lastUsedAt: now, expiresAt: new Date(now.getTime() + 30 * 86_400_000), ipAddress: null, userAgent: null });
}

let counter = 0;
const nextHash = () => `h${(counter++).toString(36)}-${randomId(16)}`;

/** Bare SQL rotation: what the Kysely adapter sends for findSession + rotateSession + findUserById. */
function bareSql(store: SqlStore, tables: { users: string; sessions: string }, ids: string[]): (w: number) => Promise<void> {
  const select = `SELECT * FROM ${tables.sessions} WHERE id = $1`;
  const where = "WHERE id = $4 AND generation = $5 AND token_hash = $6 AND revoked_at IS NULL";
  const update = `UPDATE ${tables.sessions} SET token_hash = $1, successor = NULL, rotated_at = $2, last_used_at = $3, generation = generation + 1 ${where}`;
  const selectUser = `SELECT * FROM ${tables.users} WHERE id = $1`;
  return async (w) => {
    const id = ids[w]!;
    const [s] = await store.query(select, [id]);
    const now = Date.now();
    const args = [nextHash(), now, now, id, s!.generation, s!.token_hash];
    let rotated: Record<string, unknown> | undefined;
    if (store.kind === "mysql") {
      rotated = await store.transaction(async (q) => {
        const [result] = await q(update, args);
        if (result?.affectedRows !== 1) return undefined;
        return (await q(select, [id]))[0];
      });
    } else {
      [rotated] = await store.query(`${update} RETURNING *`, args);
    }
    if (!rotated) throw new Error("bare rotation lost");
    await store.query(selectUser, [rotated.user_id]);
  };
}

async function setupSql(kind: "sqlite" | "pg" | "mysql", statementCache = false): Promise<Setup> {
  const store = openSql(kind, WORKERS, statementCache);
  const storage = await freshKyselyStorage(store, "bench_rot_");
  const user = (await new AuthSkill({ secret: SECRET, storage, rateLimit: false }).signup({ email: "bare@example.com", password: PASSWORD })).user;
  const sessions = Array.from({ length: WORKERS }, () => sessionFor(user.id));
  for (const s of sessions) await storage.createSession(s);
  return {
    storage,
    bare: bareSql(
      store,
      storage.tables,
      sessions.map((s) => s.id),
    ),
    trips: kind === "mysql" ? "6: SELECT, BEGIN, UPDATE, SELECT, COMMIT, SELECT" : "3: SELECT, UPDATE … RETURNING, SELECT",
    close: async () => {
      await store.close();
    },
  };
}

// The compare-and-set the Redis adapter runs, in the same shape (HMGET check, HSET, HINCRBY, HGETALL).
const CAS = `
local s = redis.call('HMGET', KEYS[1], 'generation', 'tokenHash', 'revokedAt')
if s[1] ~= ARGV[1] or s[2] ~= ARGV[2] or s[3] then return nil end
redis.call('HSET', KEYS[1], 'tokenHash', ARGV[3], 'rotatedAt', ARGV[4], 'lastUsedAt', ARGV[4])
redis.call('HINCRBY', KEYS[1], 'generation', 1)
return redis.call('HGETALL', KEYS[1])`;

async function setupRedis(): Promise<Setup> {
  const store = openRedis();
  await store.clear();
  const { client, storage } = store;
  const sha = (await client.script("LOAD", CAS)) as string;
  const userKey = `${REDIS_PREFIX}bare:user`;
  await client.hset(userKey, {
    id: "u1",
    email: "bare@example.com",
    emailVerified: "0",
    passwordHash: "x".repeat(97),
    createdAt: Date.now(),
    updatedAt: Date.now(),
  });
  const keys = Array.from({ length: WORKERS }, (_, w) => `${REDIS_PREFIX}bare:session:${w}`);
  for (const key of keys) {
    const s = sessionFor("u1");
    await client.hset(key, {
      id: s.id,
      userId: s.userId,
      tokenHash: s.tokenHash,
      generation: 0,
      createdAt: Date.now(),
      expiresAt: s.expiresAt.getTime(),
      lastUsedAt: Date.now(),
      ipAddress: "203.0.113.9",
      userAgent: "bench",
    });
  }
  return {
    storage,
    bare: async (w) => {
      const s = await client.hgetall(keys[w]!);
      const rotated = await client.evalsha(sha, 1, keys[w]!, s.generation!, s.tokenHash!, nextHash(), Date.now());
      if (!rotated) throw new Error("bare rotation lost");
      await client.hgetall(userKey);
    },
    trips: "3: HGETALL, EVALSHA, HGETALL",
    close: () => store.close(),
  };
}

async function setup(kind: StoreKind): Promise<Setup> {
  if (kind === "memory") return { storage: memoryStorage(), trips: "none (in-process)", close: async () => undefined };
  if (kind === "redis") return setupRedis();
  if (kind === "sqlite-cached") return setupSql("sqlite", true);
  return setupSql(kind);
}

const LABELS: Record<StoreKind, string> = {
  memory: "memory",
  sqlite: "SQLite (better-sqlite3, file, WAL), plain SqliteDialect",
  "sqlite-cached": "SQLite, SqliteDialect over sqliteStatementCache (recommended)",
  pg: "PostgreSQL 15",
  mysql: "MariaDB 10.11",
  redis: "Redis 7",
};

/** One store's table row and, where it has a round-trip limit, the rates for the chart. */
interface Measured {
  row: (string | number)[];
  rates?: { bare: number; adapter: number; refresh: number };
}

/** Measures one store. */
async function measure(kind: StoreKind): Promise<Measured> {
  const why = unavailable(kind);
  if (why) return { row: [LABELS[kind], `skipped: ${why}`, "—", "—", "—", "—", "—"] };
  const s = await setup(kind);
  try {
    const auth = new AuthSkill({ secret: SECRET, storage: s.storage, rateLimit: false });
    await auth.signup({ email: "bench@example.com", password: PASSWORD });
    const tokens = await Promise.all(
      Array.from({ length: WORKERS }, async () => (await auth.signin({ email: "bench@example.com", password: PASSWORD })).refreshToken),
    );
    const user = (await s.storage.findUserByEmail("bench@example.com"))!;
    const ids: string[] = [];
    for (let w = 0; w < WORKERS; w++) {
      const session = sessionFor(user.id);
      await s.storage.createSession(session);
      ids.push(session.id);
    }
    const contenders: Record<string, (w: number) => Promise<unknown>> = {
      adapter: async (w) => {
        const id = ids[w]!;
        const current = (await s.storage.findSession(id))!;
        const now = new Date();
        const rotated = await s.storage.rotateSession({
          id,
          generation: current.generation,
          tokenHash: current.tokenHash,
          next: { tokenHash: nextHash(), successor: null, rotatedAt: now, lastUsedAt: now },
        });
        if (!rotated) throw new Error("adapter rotation lost");
        await s.storage.findUserById(rotated.userId);
      },
      refresh: async (w) => {
        tokens[w] = (await auth.refresh(tokens[w]!)).refreshToken;
      },
    };
    if (s.bare) contenders.bare = s.bare;
    const rates = await alternate(ROUNDS, SLICE_MS, WORKERS, contenders);
    const vs = (rate: number) => {
      if (!rates.bare) return "—";
      const r = rate / rates.bare;
      return r >= AIM ? ratio(r) : `**${ratio(r)}** (below ${AIM}x)`;
    };
    const row = [LABELS[kind], s.trips, rates.bare ? num(rates.bare) : "—", num(rates.adapter!), vs(rates.adapter!), num(rates.refresh!), vs(rates.refresh!)];
    return rates.bare ? { row, rates: { bare: rates.bare, adapter: rates.adapter!, refresh: rates.refresh! } } : { row };
  } finally {
    await s.close();
  }
}

/** Part (a): resolves its markdown section. */
export async function rotationBench(kinds: StoreKind[] = ["memory", "sqlite", "sqlite-cached", "pg", "mysql", "redis"]): Promise<string> {
  const rows: (string | number)[][] = [];
  const groups: { label: string; bars: { label: string; value: number; tone: "ours" | "ref"; note?: string }[] }[] = [];
  for (const kind of kinds) {
    console.error(`[storage bench] rotations: ${kind}`);
    const { row, rates } = await measure(kind);
    rows.push(row);
    if (rates) {
      groups.push({
        label: LABELS[kind],
        bars: [
          { label: "round-trip limit", value: rates.bare, tone: "ref" },
          { label: "adapter", value: rates.adapter, tone: "ours", note: `${ratio(rates.adapter / rates.bare)} limit` },
          { label: "auth.refresh", value: rates.refresh, tone: "ours", note: `${ratio(rates.refresh / rates.bare)} limit` },
        ],
      });
    }
  }
  return [
    `### Refresh-token rotations per second, ${WORKERS} in flight`,
    "",
    `Each worker rotates its own session again and again; median of ${ROUNDS} alternating ${SLICE_MS / 1000}-s slices per column.`,
    "*Round-trip limit*: the statements one refresh costs on that store (column 2), sent straight through the driver",
    "(pg, mysql2, better-sqlite3, ioredis) with no AuthSkill and no Kysely. *Adapter*: the storage's findSession +",
    "rotateSession + findUserById. *auth.refresh*: the whole refresh (token parse and HMAC, the three storage calls, a new",
    `HS256 access token). Aim: at least ${AIM}x the limit; the in-memory row shows AuthSkill's own CPU ceiling.`,
    "",
    table(["store", "round trips per rotation", "round-trip limit /s", "adapter /s", "adapter / limit", "auth.refresh /s", "auth.refresh / limit"], rows),
    "",
    chart("storage-rotations.svg", {
      title: `Refresh-token rotations per second, ${WORKERS} in flight`,
      subtitle: `rotations/s beside each store's round-trip limit, each store on its own scale (higher is better; aim: >= ${AIM}x the limit)`,
      groups,
      scalePerGroup: true,
      format: (v) => `${num(v)}/s`,
    }),
  ].join("\n");
}
