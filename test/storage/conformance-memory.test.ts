import { memoryStorage } from "../../src/index.js";
import type { StorageAdapter } from "../../src/index.js";
import { runStorageConformance } from "auth-skill/testing";

runStorageConformance("memory", () => memoryStorage());

// A stand-in for a store with native expiry (Redis on the real clock): it forgets a token once it has expired.
// Declared with `nativeExpiry`, the suite accepts that; without it, the expired-token read fails.
runStorageConformance(
  "memory, expired tokens forgotten (nativeExpiry)",
  (): StorageAdapter => {
    const storage = memoryStorage();
    const live = <T extends { expiresAt: Date } | null>(v: T) => (v !== null && v.expiresAt.getTime() <= Date.now() ? null : v);
    return { ...storage, findVerification: async (tokenHash, purpose) => live(await storage.findVerification(tokenHash, purpose)) };
  },
  { nativeExpiry: true },
);
