import { AuthError } from "../errors.js";
import { randomToken } from "../ids.js";
import { hasLoneSurrogate } from "../input.js";
import { resolveHasher, verifyAnyFormat, type VerifyLimits } from "./formats.js";
import type { HasherChoice, PasswordHasher } from "./hasher.js";
import type { Argon2Params } from "./argon2.js";
import { isWithinPasswordCap, MAX_PASSWORD_INPUT } from "./limits.js";
import { parsePeppered, Pepper, type PepperKey } from "./pepper.js";

/** The password-hashing slice of the configuration (`password.*` but the policy), with its defaults filled in. */
export interface PasswordSettings {
  /** Hasher for new hashes: "argon2id", "bcrypt", or a custom `{ hash, verify }`. */
  hasher: HasherChoice;
  /** Argon2id costs of new hashes. */
  argon2: Argon2Params;
  /** bcrypt cost of new hashes when the hasher is "bcrypt". */
  bcryptCost: number;
  /** Highest cost a stored bcrypt hash may have to be verified. */
  maxBcryptCost: number;
  /** Pepper keys: the first peppers new hashes, every one verifies (empty: no pepper). */
  pepper: readonly PepperKey[];
}

/**
 * One instance's password hashing: the configured hasher (behind the pepper, when one is set),
 * verification of every format, the dummy hash.
 */
export class Passwords {
  readonly hasher: PasswordHasher;
  readonly #custom: PasswordHasher | null;
  readonly #pepper: Pepper | null;
  readonly #limits: VerifyLimits;
  #dummyHash: Promise<string> | undefined;

  constructor(settings: PasswordSettings) {
    this.hasher = resolveHasher(settings.hasher, settings.argon2, settings.bcryptCost);
    this.#custom = typeof settings.hasher === "object" ? settings.hasher : null;
    this.#pepper = settings.pepper.length > 0 ? new Pepper(settings.pepper) : null; // no pepper configured: []
    this.#limits = { maxBcryptCost: settings.maxBcryptCost };
  }

  /**
   * NFKC, then the configured hasher; `INVALID_INPUT` / `WEAK_PASSWORD` for what it cannot take in full.
   * Over {@link MAX_PASSWORD_INPUT} UTF-16 units is `INVALID_INPUT`, before anything is normalised.
   */
  hash(password: string): Promise<string> {
    if (typeof password !== "string" || password.length === 0 || hasLoneSurrogate(password)) {
      return Promise.reject(new AuthError("INVALID_INPUT", "A password is required, as valid Unicode text.", { field: "password" }));
    }
    if (!isWithinPasswordCap(password)) {
      return Promise.reject(new AuthError("INVALID_INPUT", `Password must be at most ${MAX_PASSWORD_INPUT} characters long.`, { field: "password" }));
    }
    const nfkc = password.normalize("NFKC");
    const max = this.hasher.maxBytes;
    if (Buffer.byteLength(nfkc) > (max ?? Infinity)) {
      return Promise.reject(new AuthError("WEAK_PASSWORD", `Password must be at most ${max} bytes long with the configured hasher.`, { field: "password" }));
    }
    return this.#hashNormalized(nfkc);
  }

  #hashNormalized(nfkc: string): Promise<string> {
    const pepper = this.#pepper;
    if (!pepper) return this.hasher.hash(nfkc);
    return this.hasher.hash(pepper.apply(nfkc)!).then((inner) => pepper.wrap(inner));
  }

  /**
   * Verifies any supported format; a peppered hash with the pepper key its id names (none: `false`).
   * `false`, with nothing normalised or hashed, for a password over 4,096 UTF-16 units or a stored hash
   * whose costs exceed the limits (bcrypt: the `maxBcryptCost` setting).
   */
  async verify(password: unknown, hash: unknown): Promise<boolean> {
    const limits = this.#limits;
    const peppered = typeof hash === "string" && hash.length <= 1024 ? parsePeppered(hash) : null;
    if (!peppered) return verifyAnyFormat(this.#custom, password, hash, limits);
    if (!isWithinPasswordCap(password) || hasLoneSurrogate(password)) return false;
    // No pepper, or a key id it does not know: no applied password, which verifyAnyFormat refuses (not a string).
    return verifyAnyFormat(this.#custom, this.#pepper?.apply(password.normalize("NFKC"), peppered.id), peppered.inner, limits);
  }

  /**
   * True when a signin should replace `hash`: its parameters or algorithm are outdated, or it was not made
   * under the current pepper key (unpeppered while a pepper is set, or an older key).
   */
  needsRehash(hash: unknown): boolean {
    if (typeof hash !== "string") return true;
    const peppered = parsePeppered(hash);
    if ((peppered?.id ?? null) !== (this.#pepper?.currentId ?? null)) return true;
    return this.hasher.needsRehash?.(peppered ? peppered.inner : hash) ?? false;
  }

  /**
   * A fresh hash for an outdated one, after a successful signin; `null` when the current hasher cannot take
   * the password in full (over bcrypt's 72 bytes, verified by a foreign bcrypt hash) or hashing failed.
   */
  async upgrade(password: string): Promise<string | null> {
    return this.hash(password).catch(() => null); // hash() refuses both before hashing: over the cap or over maxBytes
  }

  /** A hash of a random password with the current parameters, made once, for unknown-user signins. */
  dummy(): Promise<string> {
    if (!this.#dummyHash) {
      const made = this.#hashNormalized(randomToken(24)); // peppered like real hashes, so it costs the same to verify
      made.catch(() => (this.#dummyHash = undefined)); // handled here; a later signin tries again
      this.#dummyHash = made;
    }
    return this.#dummyHash;
  }
}
