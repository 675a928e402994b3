/**
 * How AuthSkill keeps second factors at rest in its own stores: TOTP secrets encrypted with AES-256-GCM under a key
 * derived from each configured secret (`v1.<kid>.<base64url(iv ‖ ciphertext ‖ tag)>`, so a rotated secret still opens
 * what the old one sealed), and recovery codes as HMAC-SHA256 keyed hashes.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import type { SecondFactorCodec } from "../storage/second-factor.js";
import type { SecretKeySet } from "../tokens/secret-keys.js";

const SEALED = /^v1\.([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{40,200})$/;

/**
 * The codec of AuthSkill's own stores (see {@link SecondFactorCodec}).
 *
 * @example
 * ```ts
 * const codec = secretCodec(deriveSecretKeys(secret));
 * codec.open(codec.seal(bytes)); // bytes
 * ```
 */
export function secretCodec(keys: SecretKeySet): SecondFactorCodec {
  return {
    seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", keys.current.totp, iv);
      const body = Buffer.concat([iv, cipher.update(secret), cipher.final(), cipher.getAuthTag()]);
      return `v1.${keys.current.kid}.${body.toString("base64url")}`;
    },
    open(sealed) {
      const m = typeof sealed === "string" ? SEALED.exec(sealed) : null;
      const key = m && keys.byKid(m[1]!)?.totp;
      if (!key) return null;
      const body = Buffer.from(m[2]!, "base64url");
      if (body.length < 12 + 16 + 1) return null;
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, body.subarray(0, 12));
        decipher.setAuthTag(body.subarray(body.length - 16));
        return new Uint8Array(Buffer.concat([decipher.update(body.subarray(12, body.length - 16)), decipher.final()]));
      } catch {
        return null; // damaged, or sealed under another key with the same id
      }
    },
    recoveryCodeKeys: (code) => keys.all.map((k) => createHmac("sha256", k.recoveryCodeHash).update(code).digest("base64url")),
  };
}
