import { createServer } from "node:net";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { AuthSkill, type AuthError, type AuthSkillOptions, type StorageAdapter } from "auth-skill";
import { redisRateLimitStore, redisStorage } from "auth-skill/redis";
import { serverUrl } from "../../support/servers.js";
import { connect, connectReady, deletePrefix, randomPrefix, scanAll } from "./helpers.js";
import { rejectsWith } from "../../helpers.js";

const url = serverUrl("redis");
const SECRET = "redis-failure-secret-0123456789-abcdefghijklm";
const password = "failing passphrase 42";
/** Fail fast instead of queueing or retrying while the connection is down. */
const failFast = { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null } as const;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function storageError(promise: Promise<unknown>): Promise<AuthError> {
  const err = await rejectsWith(promise, "STORAGE_ERROR");
  expect(err).toMatchObject({ status: 500, message: "The authentication store is unavailable. Please try again." });
  expect(err.cause).toBeInstanceOf(Error);
  return err;
}

describe.skipIf(!url)("a failing Redis connection", () => {
  let prefix = randomPrefix();
  const admin = connect(url);
  afterEach(() => deletePrefix(admin, prefix));
  const authOn = (client: ReturnType<typeof connect>, extra: AuthSkillOptions & { requireEmailVerification?: false | undefined; totp?: undefined } = {}) =>
    new AuthSkill({ secret: SECRET, storage: redisStorage({ client, prefix }), rateLimit: { store: redisRateLimitStore({ client, prefix }) }, ...extra });

  // "Promptly": with no offline queue and no retries, each call fails on the first attempt; a hang would
  // run into the test timeout rather than into a wall-clock bound that a loaded machine could trip.
  it("a server that is not there: every flow rejects with STORAGE_ERROR, without retrying", async () => {
    prefix = randomPrefix();
    const live = authOn(connect(url));
    const issued = await live.signup({ email: "ada@example.com", password });
    const dead = authOn(connect(`redis://127.0.0.1:${await closedPort()}`, failFast));
    await storageError(dead.signup({ email: "bob@example.com", password }));
    await storageError(dead.signin({ email: "ada@example.com", password }));
    await storageError(dead.refresh(issued.refreshToken));
    await storageError(dead.revoke(issued.refreshToken));
    await storageError(dead.revokeAll(issued.user.id));
    await storageError(dead.verifyAccessToken(issued.accessToken, { checkRevocation: true }));
    // the live instance never noticed
    await expect(live.refresh(issued.refreshToken)).resolves.toMatchObject({ sessionId: issued.sessionId });
  });

  it("a connection closed mid-flow: calls reject with STORAGE_ERROR and what was stored is intact", async () => {
    prefix = randomPrefix();
    const client = await connectReady(url, failFast);
    const auth = authOn(client);
    const first = await auth.signup({ email: "ada@example.com", password });
    const second = await auth.refresh(first.refreshToken);
    client.disconnect();
    await storageError(auth.refresh(second.refreshToken));
    await storageError(auth.revokeAll(first.user.id));
    await storageError(auth.signup({ email: "bob@example.com", password }));
    await storageError(auth.signin({ email: "ada@example.com", password }));

    const again = authOn(connect(url));
    const session = await redisStorage({ client: admin, prefix }).findSession(first.sessionId);
    expect(session).toMatchObject({ generation: 1, revokedAt: null });
    await expect(again.refresh(second.refreshToken)).resolves.toMatchObject({ sessionId: first.sessionId });
    await rejectsWith(again.signin({ email: "bob@example.com", password }), "INVALID_CREDENTIALS");
  });

  it("a connection dropped in the middle of a burst of signups leaves no half-written record or index", async () => {
    prefix = randomPrefix();
    const client = await connectReady(url, failFast);
    const inner = redisStorage({ client, prefix });
    let sessions = 0;
    const storage: StorageAdapter = {
      ...inner,
      createSession: (s) => {
        if (++sessions === 8) client.disconnect(); // while other signups' commands are in flight
        return inner.createSession(s);
      },
    };
    const auth = new AuthSkill({ secret: SECRET, storage, rateLimit: false });
    const emails = Array.from({ length: 30 }, (_, i) => `burst${i}@example.com`);
    const results = await Promise.allSettled(emails.map((email) => auth.signup({ email, password })));
    const failed = results.filter((r) => r.status === "rejected");
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) {
      expect((r.reason as AuthError).code).toBe("STORAGE_ERROR");
      // the cause (ioredis attaches the command to its errors) carries no hash, email or key
      expect(inspect(r.reason, { depth: 10 })).not.toMatch(/argon2|@example\.com|\{t-/);
    }

    // Each storage call is one script, so each is all or nothing. (A signup whose createUser landed and
    // whose createSession did not leaves an account without a session: AuthSkill's two calls are not
    // one transaction. That account is whole and can sign in.)
    // Every index points at a whole record and every record is indexed; sessions likewise.
    const view = redisStorage({ client: admin, prefix });
    const keys = await scanAll(admin, `{${prefix}}*`);
    const ids = (kind: string) => keys.filter((k) => k.startsWith(`{${prefix}}${kind}:`)).map((k) => k.slice(`{${prefix}}${kind}:`.length));
    const users = ids("user");
    expect(ids("email")).toHaveLength(users.length);
    for (const email of ids("email")) {
      const user = await view.findUserByEmail(email);
      expect(user?.email).toBe(email);
      expect(users).toContain(user!.id);
    }
    for (const id of ids("session")) {
      const s = await view.findSession(id);
      expect(s).toMatchObject({ id, generation: 0, revokedAt: null });
      expect(await admin.sismember(`{${prefix}}user-sessions:${s!.userId}`, id)).toBe(1);
    }
    for (const userId of ids("user-sessions")) {
      for (const id of await admin.smembers(`{${prefix}}user-sessions:${userId}`)) expect(ids("session")).toContain(id);
    }
    // each fulfilled signup is fully stored
    for (const r of results) {
      if (r.status === "fulfilled") expect(await view.findSession(r.value.sessionId)).toMatchObject({ userId: r.value.user.id });
    }
  });
});
