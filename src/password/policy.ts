import { COMMON_PASSWORDS } from "./common-passwords.js";
import { MAX_PASSWORD_INPUT } from "./limits.js";

/** Password rules for new passwords (signup, and later password change and reset). */
export interface PasswordPolicy {
  /** Fewest code points after NFKC (default 8, at least 8). */
  minLength: number;
  /** Most code points after NFKC (default 128, 64 to 4,096). Inputs over 4,096 UTF-16 units are refused before NFKC. */
  maxLength: number;
  /** Refuse the most common passwords (default true). */
  blockCommon: boolean;
  /** Longest password in UTF-8 bytes the hasher reads in full (bcrypt: 72). */
  maxBytes?: number;
}

/** The policy's slice of the configuration (`password.minLength`, `maxLength`, `blockCommon`); the hasher adds `maxBytes`. */
export type PolicySettings = Omit<PasswordPolicy, "maxBytes">;

/** Why a password was refused: a stable reason and a message a user understands. */
export interface PolicyViolation {
  reason: "too_short" | "too_long" | "too_many_bytes" | "common" | "contains_identity";
  message: string;
}

let common: Set<string> | undefined;

/**
 * True when `password` (any case) is one of the ~11,600 most common passwords of 8+ characters. An input
 * over 4,096 UTF-16 units is `false` without being normalised (no listed password comes near that).
 *
 * @example
 * ```ts
 * isCommonPassword("Password1"); // true
 * ```
 */
export function isCommonPassword(password: string): boolean {
  if (password.length > MAX_PASSWORD_INPUT) return false;
  common ??= new Set(COMMON_PASSWORDS.split(","));
  return common.has(password.normalize("NFKC").toLowerCase());
}

/** Length in code points, not UTF-16 units: "😀" counts 1. */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** The words of the user's identity a password must not be built from (lower-case, 3+ characters). */
function identityWords(identity: { email?: string; username?: string | null }): string[] {
  const words = new Set<string>();
  const email = identity.email?.normalize("NFKC").toLowerCase();
  if (email) {
    words.add(email);
    const local = email.slice(0, email.lastIndexOf("@"));
    words.add(local);
    for (const part of local.split(/[._+-]/)) words.add(part); // the empty parts of "a..b" go with the short words
  }
  if (identity.username) words.add(identity.username.normalize("NFKC").toLowerCase());
  return [...words].filter((w) => codePointLength(w) >= 3).sort((a, b) => b.length - a.length);
}

/**
 * True when the password is the user's email, local part or username, or is one of them plus only digits,
 * symbols, a repetition or a common password ("alice2024!", "alicealice", "alicepassword").
 */
function builtFromIdentity(password: string, words: string[]): boolean {
  let rest = password.toLowerCase();
  let found = false;
  for (const word of words) {
    if (rest.includes(word)) {
      rest = rest.split(word).join("");
      found = true;
    }
  }
  if (!found) return false;
  return rest.length < 4 || !/\p{L}/u.test(rest) || isCommonPassword(rest);
}

/**
 * Checks a new password against the policy: length in code points after NFKC, the common-password list
 * and the user's own identity. Returns `null` when it is acceptable. No composition rules (NIST 800-63B).
 * An input over 4,096 UTF-16 units is `too_long` before it is normalised.
 *
 * @example
 * ```ts
 * checkPassword("alice2024!", { email: "alice@example.com" }, policy)?.reason; // "contains_identity"
 * ```
 */
export function checkPassword(password: string, identity: { email?: string; username?: string | null }, policy: PasswordPolicy): PolicyViolation | null {
  const tooLong: PolicyViolation = { reason: "too_long", message: `Password must be at most ${policy.maxLength} characters long.` };
  if (password.length > MAX_PASSWORD_INPUT) return tooLong;
  const nfkc = password.normalize("NFKC");
  const length = codePointLength(nfkc);
  if (length < policy.minLength) {
    return { reason: "too_short", message: `Password must be at least ${policy.minLength} characters long.` };
  }
  if (length > policy.maxLength) return tooLong;
  if (Buffer.byteLength(nfkc) > (policy.maxBytes ?? Infinity)) {
    return { reason: "too_many_bytes", message: `Password must be at most ${policy.maxBytes} bytes long with the configured hasher.` };
  }
  if (policy.blockCommon && isCommonPassword(nfkc)) {
    return { reason: "common", message: "This password is too common. Please choose a less predictable one." };
  }
  if (builtFromIdentity(nfkc, identityWords(identity))) {
    return { reason: "contains_identity", message: "Password must not be based on your email address or username." };
  }
  return null;
}
