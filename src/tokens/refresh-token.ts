import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual, type KeyObject } from "node:crypto";
import { randomToken } from "../ids.js";
import { KID_LENGTH, deriveSecretKeys, type RefreshKeys, type SecretKeySet } from "./secret-keys.js";

/**
 * Refresh tokens are opaque to clients: `<kid>.<sessionId>.<generation>.<43 chars = 256 random bits>.<tag>`.
 * - The key id names the secret the token was minted under: its keys, and no other, tag and hash it.
 * - The session id and generation make lookup and reuse detection O(1): a token of an older generation
 *   of a live session is a replay.
 * - The tag (HMAC-SHA256 truncated to 128 bits, under the secret's tag key) proves we minted the token, so a
 *   party who only knows a session id (it is the `sid` claim of access tokens) cannot forge a "replay"
 *   and get a session revoked.
 * - Storage holds only HMAC-SHA256(hash key, token): a dump of the store alone cannot use or mint one.
 *
 * Transition: tokens minted before key ids (`<sessionId>.<generation>.<random>.<tag>`, keys
 * HMAC-SHA256(secret, "auth-skill/refresh-token/<use>/v1")) still parse, under whichever configured secret
 * tags them; their successors are minted in the current format.
 */
export interface ParsedRefreshToken {
  sessionId: string;
  generation: number;
  /** The keys of the secret the token was minted under. */
  keys: RefreshKeys;
}

const SHAPE = /^([A-Za-z0-9_-]{8})\.([A-Za-z0-9]{16,64})\.(\d{1,10})\.[A-Za-z0-9_-]{43}\.([A-Za-z0-9_-]{22})$/;
const LEGACY_SHAPE = /^([A-Za-z0-9]{16,64})\.(\d{1,10})\.[A-Za-z0-9_-]{43}\.([A-Za-z0-9_-]{22})$/;

const tagOf = (key: KeyObject, body: string) => createHmac("sha256", key).update(body).digest().subarray(0, 16).toString("base64url");

/** True when `tag` is the tag of the token's body (everything before its last dot), compared in constant time. */
function tagged(key: KeyObject, token: string, tag: string): boolean {
  return timingSafeEqual(Buffer.from(tagOf(key, token.slice(0, token.lastIndexOf(".")))), Buffer.from(tag));
}

/** Mints, parses, hashes and seals refresh tokens under the configured secrets' keys. */
export class RefreshTokenCodec {
  readonly #keys: SecretKeySet;

  /** Takes the derived keys (or secrets, current first); throws `CONFIG_ERROR` for a plainly weak secret (see `secretProblem`). */
  constructor(secrets: SecretKeySet | string | readonly string[]) {
    this.#keys = typeof secrets === "object" && "current" in secrets ? secrets : deriveSecretKeys(secrets);
  }

  /** Mints a fresh token for a session generation, under the current secret. */
  mint(sessionId: string, generation: number): string {
    const { kid, refresh } = this.#keys.current;
    const body = `${kid}.${sessionId}.${generation}.${randomToken(32)}`;
    return `${body}.${tagOf(refresh.tag, body)}`;
  }

  /** Parses a token and checks its tag in constant time; `null` for anything we did not mint (or an unknown kid). */
  parse(token: unknown): ParsedRefreshToken | null {
    if (typeof token !== "string" || token.length > 200) return null;
    const m = SHAPE.exec(token);
    if (m) {
      const keys = this.#keys.byKid(m[1]!)?.refresh; // one key: the token's own secret's
      return keys && tagged(keys.tag, token, m[4]!) ? { sessionId: m[2]!, generation: Number(m[3]), keys } : null;
    }
    const old = LEGACY_SHAPE.exec(token);
    if (!old) return null;
    // Transition only: a token from before key ids names no secret, so each configured one's old tag key is tried.
    const secret = this.#keys.all.find((s) => tagged(s.legacy.refresh.tag, token, old[3]!));
    return secret ? { sessionId: old[1]!, generation: Number(old[2]), keys: secret.legacy.refresh } : null;
  }

  /** The keyed hash stored in place of a token: under the current secret, or the keys `parse` found. */
  hash(token: string, keys: RefreshKeys = this.#keys.current.refresh): string {
    return createHmac("sha256", keys.hash).update(token).digest("base64url");
  }

  /** Constant-time comparison of a parsed token with a stored hash, under the token's own keys. */
  matches(token: string, parsed: ParsedRefreshToken, storedHash: string): boolean {
    const a = Buffer.from(this.hash(token, parsed.keys));
    const b = Buffer.from(storedHash);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /**
   * Encrypts a successor token (AES-256-GCM under the current secret's seal key, bound to its session and
   * generation) so a concurrent duplicate within the reuse interval can be handed the same successor:
   * `<kid>.<base64url(iv | tag | ciphertext)>`. Useless without the secret.
   */
  seal(token: string, sessionId: string, generation: number): string {
    const { kid, refresh } = this.#keys.current;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", refresh.seal, iv).setAAD(Buffer.from(`${sessionId}.${generation}`));
    const data = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
    return `${kid}.${Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64url")}`;
  }

  /**
   * Decrypts {@link seal}'s output with the seal key of the kid it names; `null` when it was not sealed for this
   * session generation or its secret is gone. A blob sealed before key ids (no kid) is tried under each
   * configured secret's old seal key (transition only).
   */
  unseal(sealed: string, sessionId: string, generation: number): string | null {
    if (sealed.indexOf(".") === KID_LENGTH) {
      const keys = this.#keys.byKid(sealed.slice(0, KID_LENGTH))?.refresh;
      return keys ? open(keys.seal, sealed.slice(KID_LENGTH + 1), sessionId, generation) : null;
    }
    for (const s of this.#keys.all) {
      const token = open(s.legacy.refresh.seal, sealed, sessionId, generation);
      if (token !== null) return token;
    }
    return null;
  }
}

function open(key: KeyObject, sealed: string, sessionId: string, generation: number): string | null {
  try {
    const raw = Buffer.from(sealed, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12))
      .setAAD(Buffer.from(`${sessionId}.${generation}`))
      .setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
