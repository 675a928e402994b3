/**
 * The longest password input accepted anywhere, in UTF-16 code units (`string.length`), checked before
 * any NFKC normalisation or hashing: NFKC is quadratic on long runs of combining marks, so an uncapped
 * input could hold the event loop for seconds. It is also the largest `password.maxLength` the options
 * accept (that one counts code points after NFKC).
 */
export const MAX_PASSWORD_INPUT = 4096;

/**
 * True when `password` is a string of at most {@link MAX_PASSWORD_INPUT} UTF-16 units; a constant-time
 * length read, safe to call before anything else touches the input.
 *
 * @example
 * ```ts
 * if (!isWithinPasswordCap(input)) return false; // before input.normalize("NFKC")
 * ```
 */
export function isWithinPasswordCap(password: unknown): password is string {
  return typeof password === "string" && password.length <= MAX_PASSWORD_INPUT;
}
