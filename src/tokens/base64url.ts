const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * True when `text.slice(start, end)` (already known to use only the base64url alphabet) is the one canonical
 * encoding of its bytes: no impossible length and no stray bits in the last character. Decoders ignore those
 * bits, so without this check one signature has several spellings and a "flipped" last character still verifies.
 *
 * @example
 * ```ts
 * isCanonicalBase64url("AA", 0, 2); // true  (one zero byte)
 * isCanonicalBase64url("AB", 0, 2); // false (the same byte, with stray bits)
 * ```
 */
export function isCanonicalBase64url(text: string, start = 0, end = text.length): boolean {
  const rest = (end - start) % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  // a character outside the alphabet gives -1, whose low bits are all set: refused like stray bits
  return (BASE64URL.indexOf(text[end - 1]!) & (rest === 2 ? 0b1111 : 0b11)) === 0;
}

/**
 * Every segment of a JWS-shaped token (`a.b.c`, alphabet already checked) is canonical base64url; no split,
 * no allocation.
 *
 * @example
 * ```ts
 * if (!allCanonical(token)) throw invalid();
 * ```
 */
export function allCanonical(token: string): boolean {
  const first = token.indexOf(".");
  const second = token.indexOf(".", first + 1);
  return isCanonicalBase64url(token, 0, first) && isCanonicalBase64url(token, first + 1, second) && isCanonicalBase64url(token, second + 1, token.length);
}
