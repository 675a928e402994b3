import { randomInt } from "node:crypto";

/** Crockford's base32 alphabet: no I, L, O or U, so a code read aloud or retyped is not misread. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** 12 characters of 32: 60 bits per code (≥ 50, NIST 800-63B's look-up secrets ask for ≥ 64 with a limiter; 60 with five tries per sign-in). */
const LENGTH = 12;

/**
 * `n` fresh recovery codes, `XXXX-XXXX-XXXX` of Crockford base32 (60 random bits each, from the CSPRNG).
 *
 * @example
 * ```ts
 * newRecoveryCodes(10); // ["7K3M-Q9ZD-2WPA", ...]
 * ```
 */
export function newRecoveryCodes(n: number): string[] {
  return Array.from({ length: n }, () => {
    let code = "";
    for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
    return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
  });
}

/**
 * A recovery code as typed, in the form it was stored: upper case, without spaces or hyphens, Crockford's look-alikes
 * read as digits (O→0, I and L→1); `null` when it cannot be one of ours (wrong length or letters).
 *
 * @example
 * ```ts
 * normaliseRecoveryCode(" 7k3m-q9zd-2wpa "); // "7K3MQ9ZD2WPA"
 * ```
 */
export function normaliseRecoveryCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (code.length !== LENGTH) return null;
  for (const c of code) if (!ALPHABET.includes(c)) return null;
  return code;
}
