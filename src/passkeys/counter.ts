/**
 * The signature counter as a signal, not a refusal. Synced passkeys keep no counter (always 0), and a counter that
 * does not grow may be a cloned authenticator — or a reset one: the sign-in goes on, an event
 * (`passkey.counter_regressed`) tells the application, and the stored counter keeps the highest value seen.
 */
import type { SecondFactorHost } from "../second-factor/host.js";
import { storageCall } from "../errors.js";

import type { PasskeyRecord } from "../storage/adapter.js";

/** Whether a counter reading is a regression: either side counts (is above 0) and the new one is not greater. */
export function regressed(stored: number, seen: number): boolean {
  return (stored > 0 || seen > 0) && !(seen > stored);
}

/**
 * Records a use of `passkey` with the authenticator's counter `seen`: emits `passkey.counter_regressed` on a
 * regression, stores `max(stored, seen)` with the backup state and the time. Resolves `false` when the passkey is
 * gone (removed meanwhile). Two uses at once may both store their own reading: the highest stays within one use.
 */
export async function observeCounter(host: SecondFactorHost, passkey: PasskeyRecord, seen: number, backedUp: boolean): Promise<boolean> {
  const now = host.parts.now();
  const stored = Number.isSafeInteger(passkey.counter) && passkey.counter > 0 ? passkey.counter : 0;
  const reading = Number.isSafeInteger(seen) && seen > 0 ? seen : 0;
  if (regressed(stored, reading)) {
    host.parts.account.emit({ type: "passkey.counter_regressed", userId: passkey.userId, passkeyId: passkey.id, at: now });
  }
  return storageCall(() => host.factors.updatePasskey(passkey.id, { counter: Math.max(stored, reading), backedUp, lastUsedAt: now }));
}
