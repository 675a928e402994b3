import { describe, expect, it } from "vitest";
import { memoryRateLimitStore } from "../../src/index.js";

const t0 = new Date("2026-01-01T00:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("memoryRateLimitStore", () => {
  it("of 100 concurrent reservations with max 30, exactly 30 succeed; a refused one changes nothing", async () => {
    const store = memoryRateLimitStore();
    const all = await Promise.all(Array.from({ length: 100 }, () => store.reserve("k", 30, 60_000, t0)));
    expect(all.filter((r) => r.ok).map((r) => r.count)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(all.filter((r) => !r.ok).every((r) => r.count === 30 && r.resetAt.getTime() === t0.getTime() + 60_000)).toBe(true);
  });

  it("keeps a fixed window from the first reservation, then starts a new one", async () => {
    const store = memoryRateLimitStore();
    expect(await store.reserve("k", 2, 1000, t0)).toEqual({ ok: true, count: 1, resetAt: at(1000) });
    expect(await store.reserve("k", 2, 1000, at(500))).toEqual({ ok: true, count: 2, resetAt: at(1000) });
    expect(await store.reserve("k", 2, 1000, at(999))).toEqual({ ok: false, count: 2, resetAt: at(1000) });
    expect(await store.reserve("k", 2, 1000, at(1000))).toEqual({ ok: true, count: 1, resetAt: at(2000) });
  });

  it("refund gives one back within the same window, never below 0; reset deletes", async () => {
    const store = memoryRateLimitStore();
    await store.reserve("k", 2, 1000, t0);
    await store.reserve("k", 2, 1000, t0);
    await store.refund("k");
    expect(await store.reserve("k", 2, 1000, at(10))).toEqual({ ok: true, count: 2, resetAt: at(1000) });
    for (let i = 0; i < 4; i++) await store.refund("k");
    expect(await store.reserve("k", 2, 1000, at(20))).toMatchObject({ ok: true, count: 1 });
    await store.reset("k");
    expect(await store.reserve("k", 1, 1000, at(30))).toEqual({ ok: true, count: 1, resetAt: at(1030) });
    await store.refund("never-there");
  });

  it("when full of live counters refuses new keys and keeps every old one (a flood never lifts a lock)", async () => {
    const store = memoryRateLimitStore(10);
    for (let i = 0; i < 3; i++) await store.reserve("lock:user:ada", 3, 1e12, t0); // locked: 3 of 3
    for (let i = 0; i < 9; i++) expect((await store.reserve(`flood:${i}`, 5, 60_000, t0)).ok).toBe(true);
    const refused = await store.reserve("flood:new", 5, 60_000, at(1));
    expect(refused).toEqual({ ok: false, count: 0, resetAt: at(60_000) }); // room again when the earliest window ends
    for (let i = 0; i < 1000; i++) expect((await store.reserve(`flood:x${i}`, 5, 60_000, at(2))).ok).toBe(false);
    expect(await store.reserve("lock:user:ada", 3, 1e12, at(3))).toMatchObject({ ok: false, count: 3 }); // still locked
    expect(await store.reserve("flood:0", 5, 60_000, at(4))).toMatchObject({ ok: true, count: 2 }); // live counters still count
  });

  it("when full drops only counters whose window has ended", async () => {
    const store = memoryRateLimitStore(3);
    await store.reserve("lock", 1, 1e12, t0);
    await store.reserve("short", 5, 1000, t0);
    await store.reserve("long", 5, 5000, t0);
    expect((await store.reserve("new1", 5, 1000, at(999))).ok).toBe(false);
    expect((await store.reserve("new1", 5, 1000, at(1000))).ok).toBe(true); // "short" ended and made room
    expect((await store.reserve("new2", 5, 1000, at(1001))).ok).toBe(false);
    expect(await store.reserve("lock", 1, 1e12, at(1002))).toMatchObject({ ok: false, count: 1 });
    expect(await store.reserve("long", 5, 5000, at(1003))).toMatchObject({ ok: true, count: 2 });
  });

  it("when full drops evictable counters (identifiers that name no user), least recently reserved first, and nothing else", async () => {
    const store = memoryRateLimitStore(4);
    const evictable = { evictable: true };
    await store.reserve("lock:user:ada", 5, 1e12, t0); // guards an account: never dropped
    await store.reserve("lock:email:a", 5, 1e12, t0, evictable);
    await store.reserve("lock:email:b", 5, 1e12, t0, evictable);
    await store.reserve("lock:email:c", 5, 1e12, t0, evictable);
    await store.reserve("lock:email:a", 5, 1e12, at(1), evictable); // a is now the most recently reserved
    expect((await store.reserve("client:203.0.113.1", 5, 60_000, at(2))).ok).toBe(true); // b gave way
    expect(await store.reserve("lock:email:b", 5, 1e12, at(3), evictable)).toMatchObject({ ok: true, count: 1 }); // started again; c gave way
    expect(await store.reserve("lock:email:a", 5, 1e12, at(4), evictable)).toMatchObject({ ok: true, count: 3 }); // kept
    expect((await store.reserve("client:203.0.113.2", 5, 60_000, at(5))).ok).toBe(true); // a gave way (older than b)
    expect((await store.reserve("client:203.0.113.3", 5, 60_000, at(6))).ok).toBe(true); // b gave way
    expect((await store.reserve("client:203.0.113.4", 5, 60_000, at(7))).ok).toBe(false); // nothing evictable left
    expect(await store.reserve("lock:user:ada", 5, 1e12, at(8))).toMatchObject({ ok: true, count: 2 });
  });

  it("when full finds every window that has ended, however the counters came and went", async () => {
    const emptied = memoryRateLimitStore(2); // a sweep that empties the store must not be the last one
    for (const round of [0, 1, 2]) {
      for (const key of ["a", "b"])
        expect(await emptied.reserve(`${key}${round}`, 5, 1000, at(round * 1000))).toEqual({ ok: true, count: 1, resetAt: at(round * 1000 + 1000) });
    }
    const store = memoryRateLimitStore(2); // a shorter window taken after a sweep
    await store.reserve("lock", 1, 1e12, t0);
    await store.reserve("long", 5, 60_000, t0);
    expect(await store.reserve("new", 5, 1000, at(1))).toEqual({ ok: false, count: 0, resetAt: at(60_000) });
    await store.reset("long");
    expect(await store.reserve("short", 5, 1000, at(2))).toMatchObject({ ok: true, resetAt: at(1002) });
    expect(await store.reserve("new", 5, 1000, at(1001))).toEqual({ ok: false, count: 0, resetAt: at(1002) });
    expect(await store.reserve("new", 5, 1000, at(1002))).toMatchObject({ ok: true, count: 1 }); // "short" ended and made room
  });

  it("a counter whose window has ended starts again in its own place: a full store pushes nothing out for it", async () => {
    const store = memoryRateLimitStore(2);
    const evictable = { evictable: true };
    for (let i = 0; i < 2; i++) await store.reserve("account:email:x", 5, 1e12, t0, evictable);
    await store.reserve("client:203.0.113.1", 5, 1000, t0);
    expect(await store.reserve("client:203.0.113.1", 5, 1000, at(1000))).toEqual({ ok: true, count: 1, resetAt: at(2000) });
    expect(await store.reserve("account:email:x", 5, 1e12, at(1001), evictable)).toMatchObject({ ok: true, count: 3 }); // kept
  });

  it("a refund to 0 or a reset makes room at once", async () => {
    const store = memoryRateLimitStore(1);
    await store.reserve("a", 5, 60_000, t0);
    expect((await store.reserve("b", 5, 60_000, t0)).ok).toBe(false);
    await store.refund("a");
    expect((await store.reserve("b", 5, 60_000, t0)).ok).toBe(true);
    await store.reset("b");
    expect((await store.reserve("c", 5, 60_000, t0)).ok).toBe(true);
  });

  it("refuses bad arguments with TypeError (a garbage clock fails closed), a bad maxKeys with CONFIG_ERROR", async () => {
    const store = memoryRateLimitStore();
    for (const [max, windowMs] of [
      [1, 0],
      [0, 1000],
      [1, Number.POSITIVE_INFINITY],
      [Number.NaN, 1000],
    ] as const) {
      await expect(store.reserve("k", max, windowMs, t0)).rejects.toThrow(new TypeError("memoryRateLimitStore: max and windowMs must be positive"));
    }
    await expect(store.reserve("k", 1, 1000, new Date(Number.NaN))).rejects.toThrow(new TypeError("memoryRateLimitStore: now is not a valid date"));
    for (const maxKeys of [0, 1.5, -1, Number.NaN]) {
      expect(() => memoryRateLimitStore(maxKeys)).toThrow(
        expect.objectContaining({ name: "AuthError", code: "CONFIG_ERROR", message: expect.stringContaining("maxKeys must be a positive integer") }),
      );
    }
  });
});
