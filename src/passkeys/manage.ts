/** Listing and removing a user's passkeys, and what of a passkey the API shows (no key material, no user handle). */
import { knownUser } from "../account/users.js";
import { AuthError, storageCall } from "../errors.js";
import type { SecondFactorHost } from "../second-factor/host.js";
import type { PasskeyInfo } from "../second-factor/types.js";
import type { PasskeyRecord } from "../storage/adapter.js";

/** The longest credential id (1023 bytes as base64url): a longer one names no passkey. */
const MAX_PASSKEY_ID = 1364;

/** What `list` and `verifyRegistration` show of a passkey. */
export function toInfo(record: PasskeyRecord): PasskeyInfo {
  return {
    id: record.id,
    name: record.name,
    deviceType: record.deviceType,
    backedUp: record.backedUp,
    transports: [...record.transports],
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
  };
}

/** See `PasskeysApi.list`: `INVALID_INPUT` for an unknown user. */
export async function listPasskeys(host: SecondFactorHost, userId: string): Promise<PasskeyInfo[]> {
  await knownUser(host.parts, userId, "passkeys.list");
  const records = await storageCall(() => host.factors.listPasskeys(userId));
  return records.map(toInfo);
}

/**
 * See `PasskeysApi.remove`: deletes the passkey only when it is the user's own (the storage's `deletePasskey` is keyed
 * by both), emits `second_factor.changed` when it did. Another user's passkey, or none, resolves `false`.
 */
export async function removePasskey(host: SecondFactorHost, userId: string, passkeyId: string): Promise<boolean> {
  if (typeof userId !== "string" || userId === "") throw new TypeError("passkeys.remove: userId must be a non-empty string");
  if (typeof passkeyId !== "string" || passkeyId === "" || passkeyId.length > MAX_PASSKEY_ID) {
    throw new AuthError("INVALID_INPUT", "There is no such passkey.", { field: "passkeyId" });
  }
  const removed = await storageCall(() => host.factors.deletePasskey(userId, passkeyId));
  if (removed) host.parts.account.emit({ type: "second_factor.changed", userId, factor: "passkey", change: "disabled", at: host.parts.now() });
  return removed;
}
