import type { it } from "vitest";
import type { SecondFactorStorage, StorageAdapter } from "../storage/adapter.js";
import type { StorageCapability } from "./capabilities.js";
import { T0 } from "./fixtures.js";

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
