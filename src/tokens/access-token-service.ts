import type { JWK } from "jose";
import { AuthError } from "../errors.js";
import type { ResolvedOptions } from "../options.js";
import type { AccessTokenClaims } from "../types.js";
import { signAccessToken, type AccessTokenInput, type AccessTokenSettings } from "./access-token-jwt.js";
import { VerifiedTokenCache } from "./verified-token-cache.js";
import { createKeyRing, type KeyRing } from "./key-ring.js";

/** One instance's access tokens: its key ring (imported once), signer, verifier and verified-token cache. */
export class AccessTokens {
  readonly #settings: AccessTokenSettings;
  readonly #cache = new VerifiedTokenCache(1000);
  readonly #loadKeys: () => Promise<KeyRing>;
  #keys: Promise<KeyRing> | undefined;
  #loaded: KeyRing | undefined; // once imported, used without awaiting a promise on the hot path

  constructor(o: Pick<ResolvedOptions, "algorithm" | "secret" | "keys" | "issuer" | "audience" | "accessTtlMs" | "clockToleranceMs" | "now">) {
    this.#settings = { issuer: o.issuer, audience: o.audience, ttlMs: o.accessTtlMs, clockToleranceMs: o.clockToleranceMs, now: o.now };
    this.#loadKeys = () => createKeyRing(o.algorithm, o.secret, o.keys);
  }

  /** Signs a token; resolves it with its expiry. */
  async sign(input: AccessTokenInput): Promise<{ token: string; expiresAt: Date }> {
    return signAccessToken(await this.#ring(), this.#settings, input);
  }

  /** Verifies a token (through the cache) and resolves its claims. */
  verify(token: unknown): Promise<AccessTokenClaims> {
    if (this.#loaded) return this.#cache.verify(token, this.#settings, this.#loaded);
    return this.#ring().then((ring) => this.#cache.verify(token, this.#settings, ring));
  }

  /** The public keys, as fresh copies. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.#ring()).publicJwks.map((k) => ({ ...k })) };
  }

  #ring(): Promise<KeyRing> {
    this.#keys ??= this.#loadKeys().then(
      (ring) => (this.#loaded = ring),
      (cause: unknown) => {
        if (cause instanceof AuthError) throw cause;
        throw new AuthError("CONFIG_ERROR", "auth-skill configuration: accessToken.keys could not be imported", { cause });
      },
    );
    return this.#keys;
  }
}
