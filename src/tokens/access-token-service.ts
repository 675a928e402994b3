import type { JWK } from "jose";
import { AuthError } from "../errors.js";
import type { AccessTokenClaims } from "../types.js";
import { signAccessToken, type AccessTokenInput, type AccessTokenSettings } from "./access-token-jwt.js";
import { VerifiedTokenCache } from "./verified-token-cache.js";
import type { SigningAlgorithm } from "./algorithms.js";
import { createKeyRing, type KeyRing } from "./key-ring.js";
import type { SecretKeySet } from "./secret-keys.js";

/** The access-token slice of the configuration: the claims' settings plus the asymmetric keys (HS256 takes the secrets' keys). */
export interface AccessTokensSettings extends AccessTokenSettings {
  algorithm: SigningAlgorithm;
  /** Private JWKs for the asymmetric algorithms (keys[0] signs); `undefined` for HS256. */
  keys: readonly JWK[] | undefined;
}

/** One instance's access tokens: its key ring (imported once), signer, verifier and verified-token cache. */
export class AccessTokens {
  readonly #settings: AccessTokenSettings;
  readonly #cache = new VerifiedTokenCache(1000);
  readonly #loadKeys: () => Promise<KeyRing>;
  #keys: Promise<KeyRing> | undefined;
  #loaded: KeyRing | undefined; // once imported, used without awaiting a promise on the hot path

  /** `secrets`: the derived keys of the configured secrets (HS256 signs and verifies with them; unused otherwise). */
  constructor(o: AccessTokensSettings, secrets: SecretKeySet) {
    this.#settings = { issuer: o.issuer, audience: o.audience, ttlMs: o.ttlMs, clockToleranceMs: o.clockToleranceMs, now: o.now };
    this.#loadKeys = () => createKeyRing(o.algorithm, secrets, o.keys);
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
