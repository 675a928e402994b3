import { createHmac, createSecretKey, type KeyObject } from "node:crypto";

/** One pepper key: an id (stored in each hash it made) and a secret kept outside the database. */
export interface PepperKey {
  /** 1–32 of `[A-Za-z0-9_-]`; written into the hashes it peppers, so it must never be reused for another secret. */
  id: string;
  /** At least 32 characters, from a secrets manager or the environment — never from the database. */
  secret: string;
}

const PREFIX = "$pepper$kid=";
const SHAPE = /^\$pepper\$kid=([A-Za-z0-9_-]{1,32})\$(.+)$/s;

/**
 * A pepper: before hashing, the (NFKC) password is replaced by base64url(HMAC-SHA256(pepper secret,
 * password)), and the stored hash reads `$pepper$kid=<id>$<the hasher's own hash>`. A stolen database
 * alone cannot be attacked offline without the pepper secret. The first key peppers new hashes; the
 * others still verify the hashes they made, which signins then re-hash under the first (rotation).
 */
export class Pepper {
  readonly currentId: string;
  readonly #keys: Map<string, KeyObject>;

  constructor(keys: readonly PepperKey[]) {
    this.currentId = keys[0]!.id;
    this.#keys = new Map(keys.map((k) => [k.id, createSecretKey(Buffer.from(k.secret))]));
  }

  /** What the hasher receives for `password` under key `id`; `null` for an unknown key id. */
  apply(password: string, id = this.currentId): string | null {
    const key = this.#keys.get(id);
    return key ? createHmac("sha256", key).update(password).digest("base64url") : null;
  }

  /** The stored form of a hash the hasher made from {@link apply}'s output under the current key. */
  wrap(innerHash: string): string {
    return `${PREFIX}${this.currentId}$${innerHash}`;
  }
}

/** The key id and the hasher's hash inside a peppered hash; `null` when `hash` is not one. */
export function parsePeppered(hash: string): { id: string; inner: string } | null {
  const m = SHAPE.exec(hash);
  return m ? { id: m[1]!, inner: m[2]! } : null;
}
