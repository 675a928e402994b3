import type { AccessTokenClaims } from "../types.js";
import { checkTimes, verifyAccessTokenJws, type AccessTokenSettings } from "./access-token-jwt.js";
import type { KeyRing } from "./key-ring.js";

/**
 * A bounded cache of verified access tokens, keyed by the whole token string and by the key ring that
 * verified it (a new ring — keys changed — starts empty). A hit still checks `exp` and `nbf` against the
 * clock with exactly the verifier's rule ({@link checkTimes}); revocation checks happen after it, never
 * inside. Least recently used entries go first.
 *
 * Admission: a token enters the cache on its second verification, not its first. A doorkeeper — a
 * fixed array of small fingerprints, no objects — remembers tokens seen once. A stream of distinct tokens
 * (the cold case) then never fills the cache with entries that would only outlive a few garbage collections
 * and be evicted unused; that retention alone cost ~10% of cold HS256 throughput.
 */
export class VerifiedTokenCache {
  readonly #max: number;
  #ring: KeyRing | undefined;
  #entries = new Map<string, AccessTokenClaims>();
  readonly #seen = new Uint32Array(4096);

  constructor(max: number) {
    this.#max = max;
  }

  verify(token: unknown, settings: AccessTokenSettings, ring: KeyRing): Promise<AccessTokenClaims> {
    if (ring !== this.#ring) {
      this.clear();
      this.#ring = ring;
    }
    const hit = this.#entries.get(token as string); // keys are strings: anything else is a miss
    if (hit) {
      let times: ReturnType<typeof checkTimes>;
      try {
        times = checkTimes(hit, settings); // the same rule as a fresh verification; a broken clock throws
      } catch (err) {
        return Promise.reject(err);
      }
      if (times === "ok") {
        this.#entries.delete(token as string); // re-insert: most recently used last
        this.#entries.set(token as string, hit);
        return Promise.resolve({ ...hit }); // nested values are frozen; the copy keeps callers off the entry
      }
      // expired, or early (the clock went back before nbf): dropped, and verified afresh below,
      // which rejects it with exactly the code (and cause) a first verification gives
      this.#entries.delete(token as string);
    }
    return verifyAccessTokenJws(ring, settings, token).then((verified) => {
      const claims = deepFreeze(verified); // nested values frozen either way, so callers see one behaviour
      if (!this.#admit(token as string)) return claims; // first sighting: nothing retained, no copy needed
      this.#entries.set(token as string, claims);
      if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
      return { ...claims };
    });
  }

  clear(): void {
    this.#entries.clear();
    this.#seen.fill(0);
  }

  /** True on a token's second sighting (by fingerprint); marks it seen otherwise. */
  #admit(token: string): boolean {
    // FNV-1a over the signature's last 16 characters: random bits, so a cheap and well-spread fingerprint.
    // A collision only admits a token one sighting early; the cache itself is keyed by the whole token.
    let h = 0x811c9dc5;
    for (let i = Math.max(0, token.length - 16); i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193);
    const fingerprint = h >>> 0 || 1;
    const slot = fingerprint & (this.#seen.length - 1);
    if (this.#seen[slot] === fingerprint) return true;
    this.#seen[slot] = fingerprint;
    return false;
  }
}

/**
 * Freezes the nested objects and arrays of verified claims, all the way down (the top level is never handed
 * out: callers get copies). Claims come fresh from the verifier, so we own them.
 */
function deepFreeze<T extends object>(claims: T): T {
  for (const value of Object.values(claims) as unknown[]) {
    // primitives and null count as frozen (Object.isFrozen answers true for them)
    if (!Object.isFrozen(value)) deepFreeze(Object.freeze(value as object));
  }
  return claims;
}
