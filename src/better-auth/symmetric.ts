import { createHash } from "node:crypto";
import type { ResolvedBridgeOptions } from "./options.js";
import { xchachaOpen, xchachaSeal } from "./xchacha.js";

/**
 * Better Auth's `symmetricEncrypt` / `symmetricDecrypt` (better-auth `crypto/index.ts`): XChaCha20-Poly1305 with
 * key = SHA-256(UTF-8 secret) and a random 24-byte nonce, stored as lowercase hex(nonce ‖ ciphertext ‖ tag); with
 * `secrets` rotation configured, written `$ba$<version>$<hex>` under the current version, and bare hex is read with
 * the legacy `secret`. The jwt plugin's private keys and the twoFactor plugin's secrets and backup codes use it.
 */
export type KeySecrets = ResolvedBridgeOptions["keySecrets"];

const ENVELOPE = /^\$ba\$(\d+)\$([0-9a-f]*)$/i;
const HEX = /^(?:[0-9a-f]{2})+$/i;

function keyFor(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

/**
 * Encrypts a string as Better Auth's `symmetricEncrypt({ key: ctx.context.secretConfig, data })` does.
 *
 * @example
 * ```ts
 * const stored = encryptForBetterAuth(JSON.stringify(codes), o.keySecrets); // "9f3c..." or "$ba$2$9f3c..."
 * ```
 */
export function encryptForBetterAuth(data: string, secrets: KeySecrets): string {
  const secret = secrets.plain ?? secrets.versions.get(secrets.current!)!;
  const hex = xchachaSeal(keyFor(secret), Buffer.from(data, "utf8")).toString("hex");
  return secrets.plain !== null ? hex : `$ba$${secrets.current}$${hex}`;
}

/**
 * Decrypts what Better Auth's `symmetricEncrypt` wrote, choosing the secret as its `symmetricDecrypt` does (the
 * envelope's version, else the legacy secret); `null` when it does not decrypt (another secret, a retired version,
 * damaged or not hex). Never throws.
 *
 * @example
 * ```ts
 * decryptFromBetterAuth(row.backupCodes, o.keySecrets); // '["abcde-fghij", ...]' or null
 * ```
 */
export function decryptFromBetterAuth(stored: string, secrets: KeySecrets): string | null {
  if (typeof stored !== "string") return null;
  const envelope = ENVELOPE.exec(stored);
  let secret: string | null | undefined;
  let hex: string;
  if (secrets.plain !== null) {
    secret = secrets.plain; // Better Auth without `secrets`: every payload is bare hex under the one secret
    hex = stored;
  } else if (envelope) {
    secret = secrets.versions.get(Number(envelope[1]));
    hex = envelope[2]!;
  } else {
    secret = secrets.legacy;
    hex = stored;
  }
  if (!secret || !HEX.test(hex)) return null;
  try {
    return xchachaOpen(keyFor(secret), Buffer.from(hex, "hex")).toString("utf8");
  } catch {
    return null;
  }
}
