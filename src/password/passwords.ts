import { AuthError } from "../errors.js";
import { randomToken } from "../ids.js";
import { hasLoneSurrogate } from "../input.js";
import { resolveHasher, verifyAnyFormat, type HasherChoice, type PasswordHasher } from "./hasher.js";
import type { Argon2Params } from "./argon2.js";

/** One instance's password hashing: the configured hasher, verification of every format, the dummy hash. */
export class Passwords {
  readonly hasher: PasswordHasher;
  readonly #custom: PasswordHasher | null;
  #dummyHash: Promise<string> | undefined;

  constructor(choice: HasherChoice, argon2: Argon2Params, bcryptCost: number) {
    this.hasher = resolveHasher(choice, argon2, bcryptCost);
    this.#custom = typeof choice === "object" ? choice : null;
  }

  /** NFKC, then the configured hasher; `INVALID_INPUT` / `WEAK_PASSWORD` for what it cannot take in full. */
  hash(password: string): Promise<string> {
    if (typeof password !== "string" || password.length === 0 || hasLoneSurrogate(password)) {
      return Promise.reject(new AuthError("INVALID_INPUT", "A password is required, as valid Unicode text.", { field: "password" }));
    }
    const nfkc = password.normalize("NFKC");
    const max = this.hasher.maxBytes;
    if (max !== undefined && Buffer.byteLength(nfkc, "utf8") > max) {
      return Promise.reject(new AuthError("WEAK_PASSWORD", `Password must be at most ${max} bytes long with the configured hasher.`, { field: "password" }));
    }
    return this.hasher.hash(nfkc);
  }

  verify(password: unknown, hash: unknown): Promise<boolean> {
    return verifyAnyFormat(this.#custom, password, hash);
  }

  needsRehash(hash: unknown): boolean {
    if (typeof hash !== "string") return true;
    return this.hasher.needsRehash?.(hash) ?? false;
  }

  /**
   * A fresh hash for an outdated one, after a successful signin; `null` when the current hasher cannot take
   * the password in full (over bcrypt's 72 bytes, verified by a foreign bcrypt hash) or hashing failed.
   */
  async upgrade(password: string): Promise<string | null> {
    const max = this.hasher.maxBytes;
    if (max !== undefined && Buffer.byteLength(password.normalize("NFKC"), "utf8") > max) return null;
    return this.hash(password).catch(() => null);
  }

  /** A hash of a random password with the current parameters, made once, for unknown-user signins. */
  dummy(): Promise<string> {
    if (!this.#dummyHash) {
      const made = this.hasher.hash(randomToken(24));
      made.catch(() => (this.#dummyHash = undefined)); // handled here; a later signin tries again
      this.#dummyHash = made;
    }
    return this.#dummyHash;
  }
}
