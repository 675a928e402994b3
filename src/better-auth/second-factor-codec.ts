import type { SecondFactorCodec } from "../storage/second-factor.js";
import { decryptFromBetterAuth, encryptForBetterAuth, type KeySecrets } from "./symmetric.js";

/**
 * TOTP secrets and backup codes as Better Auth's twoFactor plugin (1.7.25) keeps them in its `twoFactor` table.
 *
 * - `secret`: `symmetricEncrypt` (see `symmetric.ts`) of a string. Better Auth's own enrolments store a random
 *   32-character string whose UTF-8 bytes are the HMAC key; a secret imported from elsewhere is stored as
 *   `base32:<BASE32>` and decoded to its bytes (`decryptTOTPSecret` in `plugins/two-factor/totp`).
 * - `backupCodes`: `symmetricEncrypt(JSON.stringify(codes))` — reversible, so that Better Auth can match codes
 *   exactly and show them again (`viewBackupCodes`).
 */

const BASE32_PREFIX = "base32:";
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/** An AuthSkill recovery code as its TOTP module normalises it (auth-skill/totp `normaliseRecoveryCode`). */
const OWN_CODE = /^[0-9A-HJKMNP-TV-Z]{12}$/;
/** A sealed secret longer than this is not one we or Better Auth wrote: refused before decrypting. */
const MAX_SEALED = 1024;

/** RFC 4648 base32 without padding, as Better Auth's `base32.encode(secret, { padding: false })`. */
function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Base32 decoded as Better Auth does (upper-cased, stops at `=`); `null` for a character outside the alphabet. */
function base32Decode(text: string): Uint8Array | null {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text.toUpperCase()) {
    if (char === "=") break;
    const value = ALPHABET.indexOf(char);
    if (value < 0) return null;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/**
 * The HMAC key bytes of a decrypted Better Auth TOTP secret: base32-decoded after a `base32:` prefix, otherwise the
 * string's UTF-8 bytes (what `createOTP(secret)` signs with). `null` when empty or not valid base32.
 *
 * @example
 * ```ts
 * totpKeyBytes("base32:JBSWY3DPEHPK3PXP"); // Uint8Array [72, 101, 108, 108, 111, ...]
 * ```
 */
export function totpKeyBytes(plain: string): Uint8Array | null {
  const bytes = plain.startsWith(BASE32_PREFIX) ? base32Decode(plain.slice(BASE32_PREFIX.length)) : new Uint8Array(Buffer.from(plain, "utf8"));
  return bytes && bytes.length > 0 ? bytes : null;
}

/**
 * The {@link SecondFactorCodec} of the Better Auth bridge: secrets in the twoFactor plugin's format, so that one
 * enrolment serves both sides.
 *
 * - `seal` writes `symmetricEncrypt("base32:" + BASE32(secret))` under Better Auth's current secret (the `base32:`
 *   form is what Better Auth's `decryptTOTPSecret` reads for imported secrets).
 * - `open` decrypts bare hex or `$ba$<version>$<hex>` with the bridge's `secret`/`secrets`, then decodes `base32:`
 *   or takes the UTF-8 bytes of Better Auth's own 32-character secrets; `null` when it does not decrypt.
 * - `recoveryCodeKeys(code)` is the code itself: **a documented exception to "recovery codes are stored hashed"**.
 *   Better Auth keeps backup codes reversible (an encrypted JSON list it matches exactly and can show again), so the
 *   bridge stores and matches the plaintext codes inside that encrypted list; a hash would make them unusable on
 *   Better Auth's side. Better Auth's own codes (`xxxxx-xxxxx`) are kept as they are. AuthSkill's codes reach the
 *   codec normalised (12 Crockford base32 characters, upper case, no hyphens): they are keyed in the form the user
 *   was shown, `XXXX-XXXX-XXXX`, which is what Better Auth compares a typed code with.
 *
 * @example
 * ```ts
 * const codec = betterAuthSecondFactorCodec(o.keySecrets);
 * const sealed = codec.seal(secretBytes); // "9f3c..." (or "$ba$2$9f3c..." with `secrets`)
 * codec.open(sealed); // secretBytes
 * ```
 */
export function betterAuthSecondFactorCodec(secrets: KeySecrets): SecondFactorCodec {
  return {
    seal: (secret) => encryptForBetterAuth(BASE32_PREFIX + base32Encode(secret), secrets),
    open(sealed) {
      if (typeof sealed !== "string" || sealed.length > MAX_SEALED) return null;
      const plain = decryptFromBetterAuth(sealed, secrets);
      return plain === null ? null : totpKeyBytes(plain);
    },
    recoveryCodeKeys: (code) => [OWN_CODE.test(code) ? `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}` : code],
  };
}

/**
 * Backup codes as Better Auth stores them: the encrypted JSON list (`storeBackupCodes: "encrypted"`, its default).
 *
 * @example
 * ```ts
 * const column = sealBackupCodes(["abcde-fghij"], o.keySecrets);
 * ```
 */
export function sealBackupCodes(codes: readonly string[], secrets: KeySecrets): string {
  return encryptForBetterAuth(JSON.stringify(codes), secrets);
}

/**
 * The codes of a `twoFactor.backupCodes` column: the encrypted JSON list, or a plain JSON list (Better Auth's
 * `storeBackupCodes: "plain"`). `null` when it is neither (another secret, a custom encryption, damaged).
 *
 * @example
 * ```ts
 * openBackupCodes(row.backupCodes, o.keySecrets); // { codes: ["abcde-fghij", ...], plain: false }
 * ```
 */
export function openBackupCodes(column: unknown, secrets: KeySecrets): { codes: string[]; plain: boolean } | null {
  if (typeof column !== "string") return null;
  const list = (text: string | null) => {
    if (text === null) return null;
    try {
      const parsed: unknown = JSON.parse(text);
      return Array.isArray(parsed) && parsed.every((c) => typeof c === "string") ? (parsed as string[]) : null;
    } catch {
      return null;
    }
  };
  const plain = column.startsWith("[") ? list(column) : null;
  if (plain) return { codes: plain, plain: true };
  const codes = list(decryptFromBetterAuth(column, secrets));
  return codes ? { codes, plain: false } : null;
}

/** A column value for `codes`, in the form the column had (`plain` JSON, or encrypted). */
export function storeBackupCodes(codes: readonly string[], secrets: KeySecrets, plain: boolean): string {
  return plain ? JSON.stringify(codes) : sealBackupCodes(codes, secrets);
}
