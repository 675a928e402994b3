/**
 * Shared pieces of the Redis suites: connections that are closed after the file, fresh random key
 * prefixes, and SCAN + UNLINK clean-up of one prefix (never FLUSHDB: other suites share the server).
 */
import { Redis, type RedisOptions } from "ioredis";
import { afterAll } from "vitest";
import type { StorageAdapter } from "auth-skill";
import { userRecord } from "auth-skill/testing";
import { randomId } from "../../../src/ids.js";

/** A fresh prefix, so every test sees an empty store. */
export const randomPrefix = () => `t-${randomId(12)}:`;

/**
 * Opens a client that is closed after the test file. Without a URL (the suite is being skipped) the
 * client is created unconnected and never used.
 */
export function connect(url: string | undefined, options: RedisOptions = {}): Redis {
  const client = url === undefined ? new Redis({ lazyConnect: true }) : new Redis(url, options);
  client.on("error", () => undefined); // failures surface as rejected commands; tests assert on those
  opened.push(client);
  return client;
}
const opened: Redis[] = [];

/**
 * {@link connect}, resolved once the connection is ready. Needed with `enableOfflineQueue: false`: ioredis
 * then rejects every command sent before the connection is up ("Stream isn't writeable").
 */
export async function connectReady(url: string | undefined, options: RedisOptions = {}): Promise<Redis> {
  const client = connect(url, options);
  if (url !== undefined && client.status !== "ready") {
    await new Promise<void>((resolve, reject) => {
      client.once("ready", () => resolve());
      client.once("end", () => reject(new Error("the Redis connection ended before it was ready")));
    });
  }
  return client;
}
afterAll(async () => {
  await Promise.all(opened.map((c) => (c.status === "ready" ? c.quit() : c.disconnect())));
});

/** Every key matching `pattern`, by SCAN. */
export async function scanAll(client: Redis, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    for (const key of keys) found.add(key);
    cursor = next;
  } while (cursor !== "0");
  return [...found].sort();
}

/** Deletes the keys of one prefix: the storage's `{prefix}...` and the rate limiter's `prefix...`. */
export async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  const keys = [...(await scanAll(client, `{${prefix}}*`)), ...(await scanAll(client, `${prefix}*`))];
  for (let i = 0; i < keys.length; i += 500) await client.unlink(...keys.slice(i, i + 500));
}

/** Resolves after `ms` of real time (Redis expiry runs on the server's clock; it cannot be faked). */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates users with these ids (sessions need an existing user). */
export async function addUsers(storage: StorageAdapter, ...ids: string[]): Promise<void> {
  for (const id of ids) await storage.createUser(userRecord({ id, email: `${id.toLowerCase()}@example.com` }));
}

/** Keys of one prefix other than users and their email index. */
export async function nonUserKeys(client: Redis, prefix: string): Promise<string[]> {
  return (await scanAll(client, `{${prefix}}*`)).filter((k) => !/^\{[^}]*\}(?:user|email):/.test(k));
}
