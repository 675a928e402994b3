import { describe } from "vitest";
import { runStorageConformance } from "auth-skill/testing";
import { redisStorage } from "auth-skill/redis";
import type { StorageAdapter } from "auth-skill";
import { serverUrl } from "../../support/servers.js";
import { connect, deletePrefix, randomPrefix } from "./helpers.js";

const url = serverUrl("redis");

describe.skipIf(!url)("redisStorage", () => {
  const client = connect(url);
  const prefixes = new Map<StorageAdapter, string>();
  // The suite dates its records from T0 = 2026-01-01 on its own clock. Keys expire `expiresAt - now()`
  // after they are written, so the adapter is told the records' clock: T0 minus an hour, which keeps
  // the suite's already-expired rows (expiresAt = T0 - 1 ms) in Redis long enough for deleteExpired to
  // count them, as the suite expects. It also keeps them readable, so Redis is held to findVerification's
  // full contract (an expired token is found) without declaring `nativeExpiry`.
  const recordsClock = () => new Date(Date.parse("2026-01-01T00:00:00.000Z") - 3_600_000);
  runStorageConformance(
    "redis",
    () => {
      const prefix = randomPrefix();
      const storage = redisStorage({ client, prefix, now: recordsClock });
      prefixes.set(storage, prefix);
      return storage;
    },
    {
      teardown: async (storage) => {
        await deletePrefix(client, prefixes.get(storage)!);
        prefixes.delete(storage);
      },
    },
  );
});
