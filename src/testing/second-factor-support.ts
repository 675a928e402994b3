import { expect, type it } from "vitest";
import type { SecondFactorStorage, StorageAdapter, UserRecord } from "../storage/adapter.js";
import type { StorageCapability } from "./capabilities.js";
import { T0, user } from "./fixtures.js";

/** What the second-factor part of the conformance suite needs from `runStorageConformance`. */
export interface SecondFactorConformanceContext {
  /** The current test's storage. */
  storage: () => StorageAdapter;
  /** How many concurrent calls the race tests make. */
  n: number;
  itIf: (capability: StorageCapability) => typeof it | typeof it.skip;
  /** The capabilities the adapter declared it lacks. */
  lacks: ReadonlySet<StorageCapability>;
}

/**
 * The test's storage and its second-factor operations: a failure, not a skip, when the adapter has none.
 *
 * @example
 * ```ts
 * const { storage, factors } = withFactors(() => currentStorage);
 * ```
 */
export function withFactors(current: () => StorageAdapter): { storage: StorageAdapter; factors: SecondFactorStorage } {
  const storage = current();
  const factors = storage.secondFactors;
  if (factors === undefined) throw new Error('the adapter has no secondFactors: implement them, or declare without: ["secondFactors"]');
  return { storage, factors };
}

/**
 * `ms` milliseconds after {@link T0}.
 *
 * @example
 * ```ts
 * later(1_500); // T0 + 1.5 s
 * ```
 */
export const later = (ms: number) => new Date(T0.getTime() + ms);

/**
 * `count` recovery-code hashes (opaque strings) tagged `tag`: `keyed-<tag>-0`, `keyed-<tag>-1`, ...
 *
 * @example
 * ```ts
 * codes("a", 2); // ["keyed-a-0", "keyed-a-1"]
 * ```
 */
export const codes = (tag: string, count = 10) => Array.from({ length: count }, (_, i) => `keyed-${tag}-${i}`);

/**
 * Whether the user reads `twoFactorEnabled` (absent counts as `false`), by id, email and username alike.
 *
 * @example
 * ```ts
 * expect(await enabled(storage, u, true)).toBe(true);
 * ```
 */
export async function enabled(storage: StorageAdapter, u: UserRecord, usernames: boolean): Promise<boolean> {
  const reads = [await storage.findUserById(u.id), await storage.findUserByEmail(u.email)];
  if (usernames && u.username !== null) reads.push(await storage.findUserByUsername(u.username));
  const flags = reads.map((r) => {
    expect(r).not.toBeNull();
    return r?.twoFactorEnabled ?? false;
  });
  expect(new Set(flags).size).toBe(1);
  return flags[0]!;
}

/**
 * A stored user with a confirmed TOTP secret `sealed-<tag>`, last step 100 and recovery codes `codes(tag)`.
 *
 * @example
 * ```ts
 * const u = await enrolled(storage, factors, "a"); // codes "keyed-a-0" .. "keyed-a-9"
 * ```
 */
export async function enrolled(storage: StorageAdapter, factors: SecondFactorStorage, tag = "a") {
  const u = user();
  await storage.createUser(u);
  expect(await factors.setPendingTotp(u.id, `sealed-${tag}`, T0)).toBe(true);
  const input = { userId: u.id, pendingSecret: `sealed-${tag}`, step: 100, recoveryCodes: codes(tag), now: later(1) };
  expect(await factors.activateTotp(input)).toBe(true);
  return u;
}
