/**
 * Concurrency scenarios against a real AuthSkill (real argon2), run on the memory store here and on Redis in
 * test/adapters/redis/rate-limit.test.ts. Each counts the calls that reached the hasher.
 */
import { expect, it } from "vitest";
import { AuthSkill, type AuthError, type RateLimitOptions, type StorageAdapter } from "../../src/index.js";
import { SECRET, countingHasher } from "../helpers.js";

const password = "quiet mountain lakes at dawn";
const wrong = "not the password at all";

/** The error codes of settled signin/signup promises, tallied. */
export async function tally(attempts: Promise<unknown>[]): Promise<{ codes: Record<string, number>; errors: AuthError[] }> {
  const codes: Record<string, number> = {};
  const errors: AuthError[] = [];
  for (const r of await Promise.allSettled(attempts)) {
    const code = r.status === "fulfilled" ? "OK" : (r.reason as AuthError).code;
    if (r.status === "rejected") errors.push(r.reason as AuthError);
    codes[code] = (codes[code] ?? 0) + 1;
  }
  return { codes, errors };
}

type Setup = () => { storage: StorageAdapter; rateLimit: RateLimitOptions };

async function seeded(setup: Setup, rateLimit: Omit<RateLimitOptions, "store">, users: number) {
  const { storage, rateLimit: base } = setup();
  const { hasher, calls } = countingHasher();
  const auth = new AuthSkill({ secret: SECRET, storage, password: { hasher }, rateLimit: { ...base, ...rateLimit } });
  const passwordHash = await auth.hashPassword(password); // one real hash, shared: seeding stays cheap
  const now = new Date();
  for (let i = 0; i < users; i++) {
    const id = `u${i}-${Math.random().toString(36).slice(2)}`;
    await storage.createUser({
      id,
      email: `user${i}@example.com`,
      username: `user${i}`,
      name: null,
      emailVerified: false,
      roles: [],
      passwordHash,
      createdAt: now,
      updatedAt: now,
    });
  }
  await auth.signin({ email: "nobody@example.com", password }, { ip: "192.0.2.250" }).catch(() => undefined); // makes the dummy hash
  calls.hash = 0;
  calls.verify = 0;
  return { auth, calls };
}

/** Registers the scenarios; `setup` gives a fresh storage and a fresh rate-limit store each time. */
export function concurrencyScenarios(setup: Setup): void {
  it("300 concurrent wrong signins from one address to 300 accounts: exactly client.max reach the hasher", async () => {
    const { auth, calls } = await seeded(setup, { client: { max: 100, window: "15m" } }, 300);
    const { codes, errors } = await tally(
      Array.from({ length: 300 }, (_, i) => auth.signin({ email: `user${i}@example.com`, password: wrong }, { ip: "203.0.113.9" })),
    );
    expect(calls.verify).toBe(100);
    expect(codes).toEqual({ INVALID_CREDENTIALS: 100, RATE_LIMITED: 200 });
    for (const e of errors.filter((e) => e.code === "RATE_LIMITED")) expect(e.retryAfter).toBeGreaterThan(890);
  }, 60_000);

  it("50 concurrent wrong signins at one account from 50 addresses: exactly lockAfter reach the hasher, then it is locked", async () => {
    const { auth, calls } = await seeded(setup, { account: { max: 1000, window: "15m" }, lockAfter: 5 }, 1);
    const attempts = Array.from({ length: 50 }, (_, i) => auth.signin({ email: "user0@example.com", password: wrong }, { ip: `198.51.100.${i}` }));
    expect((await tally(attempts)).codes).toEqual({ INVALID_CREDENTIALS: 5, RATE_LIMITED: 45 });
    expect(calls.verify).toBe(5);
    const locked = (await auth.signin({ email: "user0@example.com", password }, { ip: "192.0.2.1" }).catch((e: unknown) => e)) as AuthError;
    expect(locked).toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/locked/) });
  }, 60_000);

  it("60 concurrent wrong signins at one account by email and by username: one budget of account.max", async () => {
    const { auth, calls } = await seeded(setup, { account: { max: 10, window: "15m" } }, 1);
    const attempts = Array.from({ length: 60 }, (_, i) =>
      auth.signin(i % 2 ? { email: i % 4 === 1 ? "USER0@example.com" : "user0@example.com", password: wrong } : { username: "User0", password: wrong }, {
        ip: `198.51.100.${i}`,
      }),
    );
    expect((await tally(attempts)).codes).toEqual({ INVALID_CREDENTIALS: 10, RATE_LIMITED: 50 });
    expect(calls.verify).toBe(10);
  }, 60_000);

  it("40 concurrent signups from one address: exactly signup.max reach the hasher", async () => {
    const { auth, calls } = await seeded(setup, { signup: { max: 5, window: "1h" } }, 0);
    const attempts = Array.from({ length: 40 }, (_, i) => auth.signup({ email: `new${i}@example.com`, password }, { ip: "2001:db8:5:5::1" }));
    const { codes, errors } = await tally(attempts);
    expect(codes).toEqual({ OK: 5, RATE_LIMITED: 35 });
    expect(calls.hash).toBe(5);
    for (const e of errors) expect(e.retryAfter).toBeGreaterThan(3590);
  }, 60_000);
}
