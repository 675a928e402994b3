import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { AuthError } from "../../errors.js";

/**
 * The ioredis client the Redis adapters accept: a standalone or Sentinel `Redis` connection.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis"; // the named export: it compiles under node16 and bundler alike
 * const client: RedisClient = new Redis(process.env.REDIS_URL!);
 * ```
 */
export type RedisClient = Redis;

/**
 * A Lua script run with EVALSHA, falling back to EVAL (which also loads it) when the server answers
 * NOSCRIPT — after a restart, a failover or SCRIPT FLUSH. Unlike ioredis `defineCommand`, it adds
 * nothing to the caller's client. Every key a script touches is passed in `keys` (Redis Cluster rule).
 *
 * @example
 * ```ts
 * const incr = new LuaScript("return redis.call('INCR', KEYS[1])");
 * const n = await incr.run(client, ["counter"], []);
 * ```
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  /** Runs the script; resolves its raw reply. */
  async run(client: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Throws `CONFIG_ERROR` unless `client` looks like an ioredis client without `keyPrefix` (the adapters
 * build and scan their own key names, so ioredis must not rewrite them).
 *
 * @example
 * ```ts
 * checkClient(options.client, "redisStorage");
 * ```
 */
export function checkClient(client: unknown, caller: string): asserts client is RedisClient {
  const c = client as { evalsha?: unknown; options?: { keyPrefix?: unknown } } | null | undefined;
  if (typeof c !== "object" || c === null || typeof c.evalsha !== "function") {
    throw new AuthError("CONFIG_ERROR", `${caller}: options.client must be an ioredis client`);
  }
  if (typeof c.options?.keyPrefix === "string" && c.options.keyPrefix !== "") {
    throw new AuthError("CONFIG_ERROR", `${caller}: use options.prefix instead of the ioredis keyPrefix option`);
  }
}

/**
 * Throws `CONFIG_ERROR` unless `prefix` is a non-empty string without braces (they would break the hash tag).
 *
 * @example
 * ```ts
 * checkPrefix(options.prefix ?? "auth:", "redisStorage");
 * ```
 */
export function checkPrefix(prefix: unknown, caller: string): asserts prefix is string {
  if (typeof prefix !== "string" || prefix === "" || /[{}]/.test(prefix)) {
    throw new AuthError("CONFIG_ERROR", `${caller}: options.prefix must be a non-empty string without "{" or "}"`);
  }
}

/**
 * Escapes Redis glob metacharacters so `literal` matches only itself in SCAN MATCH.
 *
 * @example
 * ```ts
 * globEscape("a*b:"); // "a\\*b:"
 * ```
 */
export function globEscape(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Walks the keys matching `pattern` with SCAN (never KEYS), handing each non-empty page to `onPage`.
 * A key may be seen twice (SCAN's guarantee), so `onPage` must be idempotent.
 *
 * @example
 * ```ts
 * await scanKeys(client, `${globEscape(tag)}verification:*`, async (keys) => { ... });
 * ```
 */
export async function scanKeys(client: RedisClient, pattern: string, onPage: (keys: string[]) => Promise<void>): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    if (keys.length > 0) await onPage(keys);
    cursor = next;
  } while (cursor !== "0");
}

/**
 * Drops the arguments ioredis attaches to its errors (`err.command.args`: key names with emails, and
 * script arguments with password hashes, token hashes and sealed tokens), keeping the command's name.
 * The error otherwise stays as it was (class, message, stack), and becomes `AuthError`'s `cause`.
 *
 * @example
 * ```ts
 * try { await client.hgetall(key); } catch (err) { throw scrub(err); }
 * ```
 */
export function scrub(err: unknown): unknown {
  if (typeof err === "object" && err !== null && "command" in err) {
    const { command } = err as { command?: { name?: unknown } };
    (err as { command: unknown }).command = { name: command?.name };
  }
  return err;
}

/**
 * The same object with each method's failures passed through {@link scrub}.
 *
 * @example
 * ```ts
 * return scrubbed({ async hit(key) { ... }, async reset(key) { ... } });
 * ```
 */
export function scrubbed<T extends object>(methods: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(methods)) {
    out[name] =
      typeof method === "function"
        ? async (...args: unknown[]) => {
            try {
              return await (method as (...a: unknown[]) => Promise<unknown>).apply(methods, args);
            } catch (err) {
              throw scrub(err);
            }
          }
        : method;
  }
  return out as T;
}
