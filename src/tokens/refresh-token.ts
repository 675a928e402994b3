import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from "node:crypto";
import { AuthError } from "../errors.js";
import { randomToken } from "../ids.js";
import { secretProblem } from "./secret-strength.js";

/**
 * Refresh tokens are opaque to clients: `<sessionId>.<generation>.<43 chars = 256 random bits>.<tag>`.
 * - The session id and generation make lookup and reuse detection O(1): a token of an older generation
 *   of a live session is a replay.
 * - The tag (HMAC-SHA256 truncated to 128 bits, keyed from the secret) proves we minted the token, so a
 *   party who only knows a session id (it is the `sid` claim of access tokens) cannot forge a "replay"
 *   and get a session revoked.
 * - Storage holds only HMAC-SHA256(hash key, token): a dump of the store alone cannot use or mint one.
 */
export interface ParsedRefreshToken {
  sessionId: string;
  generation: number;
}

const SHAPE = /^([A-Za-z0-9]{16,64})\.(\d{1,10})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{22})$/;

/** Keys derived from the secret, one per purpose. */
export class RefreshTokenCodec {
  // KeyObjects, made once: HMAC with a KeyObject skips copying the key in on every call
  readonly #hashKey: KeyObject;
  readonly #tagKey: KeyObject;
  readonly #sealKey: KeyObject;

  /** Throws `CONFIG_ERROR` for a secret that is plainly weak (see `secretProblem`). */
  constructor(secret: string) {
    const problem = secretProblem(secret);
    if (problem) throw new AuthError("CONFIG_ERROR", `auth-skill configuration: the refresh-token secret ${problem}`);
    const derive = (purpose: string) => createSecretKey(createHmac("sha256", secret).update(`auth-skill/refresh-token/${purpose}/v1`).digest());
    this.#hashKey = derive("hash");
    this.#tagKey = derive("tag");
    this.#sealKey = derive("seal");
  }

  #tag(body: string): string {
    return createHmac("sha256", this.#tagKey).update(body).digest().subarray(0, 16).toString("base64url");
  }

  /** Mints a fresh token for a session generation. */
  mint(sessionId: string, generation: number): string {
    const body = `${sessionId}.${generation}.${randomToken(32)}`;
    return `${body}.${this.#tag(body)}`;
  }

  /** Parses a token and checks its tag in constant time; `null` for anything we did not mint. */
  parse(token: unknown): ParsedRefreshToken | null {
    if (typeof token !== "string" || token.length > 200) return null;
    const m = SHAPE.exec(token);
    if (!m) return null;
    const expected = Buffer.from(this.#tag(token.slice(0, token.lastIndexOf("."))));
    const given = Buffer.from(m[4]!);
    if (!timingSafeEqual(expected, given)) return null;
    return { sessionId: m[1]!, generation: Number(m[2]) };
  }

  /** The keyed hash stored in place of the token. */
  hash(token: string): string {
    return createHmac("sha256", this.#hashKey).update(token).digest("base64url");
  }

  /** Constant-time comparison of a token with a stored hash. */
  matches(token: string, storedHash: string): boolean {
    const a = Buffer.from(this.hash(token));
    const b = Buffer.from(storedHash);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /**
   * Encrypts a successor token (AES-256-GCM, bound to its session and generation) so a concurrent
   * duplicate within the reuse interval can be handed the same successor. Useless without the secret.
   */
  seal(token: string, sessionId: string, generation: number): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#sealKey, iv).setAAD(Buffer.from(`${sessionId}.${generation}`));
    const data = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64url");
  }

  /** Decrypts {@link seal}'s output; `null` when it was not sealed for this session generation. */
  unseal(sealed: string, sessionId: string, generation: number): string | null {
    try {
      const raw = Buffer.from(sealed, "base64url");
      const decipher = createDecipheriv("aes-256-gcm", this.#sealKey, raw.subarray(0, 12))
        .setAAD(Buffer.from(`${sessionId}.${generation}`))
        .setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    } catch {
      return null;
    }
  }
}
