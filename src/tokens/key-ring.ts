import type { KeyObject } from "node:crypto";
import type { SigningAlgorithm } from "./algorithms.js";
import { deriveSecretKeys, type SecretKeySet } from "./secret-keys.js";
import { signatureCheck, type SignatureCheck } from "./sync-jws.js";
import { base64url, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";

/** Expected JWK key type (and curve) per asymmetric algorithm. */
const KEY_SHAPE: Record<Exclude<SigningAlgorithm, "HS256">, { kty: string; crv?: string }> = {
  EdDSA: { kty: "OKP", crv: "Ed25519" },
  ES256: { kty: "EC", crv: "P-256" },
  RS256: { kty: "RSA" },
};
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;
/** RFC 7518 §3.3 and jose both require RSA keys of at least 2048 bits. */
const MIN_RSA_BITS = 2048;

/** Bit length of a base64url big-endian integer (an RSA modulus); 0 or less when it is not one. */
function modulusBits(n: unknown): number {
  if (typeof n !== "string") return 0;
  let bytes: Uint8Array;
  try {
    bytes = base64url.decode(n);
  } catch {
    return 0;
  }
  let i = 0;
  while (bytes[i] === 0) i++; // leading zero bytes (past the end, bytes[i] is undefined: the loop stops)
  // no non-zero byte (empty, or all zeros): (-1) * 8 + (32 - clz32(undefined) = 0) = -8
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/** Imported keys: the first one signs, every one verifies (looked up by `kid`). */
export interface KeyRing {
  readonly algorithm: SigningAlgorithm;
  readonly signing: { key: CryptoKey | Uint8Array; kid?: string };
  readonly verifying: ReadonlyMap<string, CryptoKey | Uint8Array>;
  /**
   * HS256 only, transition: the key of tokens without `kid` (made before key ids) — the raw UTF-8 bytes of the
   * FIRST secret, never of another one.
   */
  readonly legacy?: CryptoKey;
  readonly publicJwks: JWK[];
  /** HS256 only: the current secret's derived key as a node:crypto key and our header segment, for synchronous signing. */
  readonly hmac?: { readonly key: KeyObject; readonly header: string };
  /** Synchronous signature checks (node:crypto) by the exact header segment we write for each key. */
  readonly syncChecks: ReadonlyMap<string, SignatureCheck>;
}

/** The protected header our signer writes, in the order it writes it. */
export function headerFor(algorithm: SigningAlgorithm, kid?: string): { alg: SigningAlgorithm; typ: "at+jwt"; kid?: string } {
  return kid === undefined ? { alg: algorithm, typ: "at+jwt" } : { alg: algorithm, typ: "at+jwt", kid };
}

const segment = (header: object) => Buffer.from(JSON.stringify(header)).toString("base64url");

/**
 * Checks asymmetric private JWKs before any import: a `kid` each, unique, of the algorithm's key type,
 * private, not marked for another algorithm or use (`alg`, `use`, `key_ops`), and RSA of >= 2048 bits.
 * Returns an error message or `null`.
 */
export function checkJwks(algorithm: SigningAlgorithm, keys: readonly JWK[] | undefined): string | null {
  if (algorithm === "HS256") return keys?.length ? "accessToken.keys is for asymmetric algorithms; HS256 uses the secret" : null;
  if (!keys?.length) return `accessToken.keys must hold at least one private JWK for ${algorithm}`;
  const shape = KEY_SHAPE[algorithm];
  const kids = new Set<string>();
  for (const [i, jwk] of keys.entries()) {
    if (typeof jwk.kid !== "string" || jwk.kid === "") return `accessToken.keys[${i}] needs a kid`;
    if (kids.has(jwk.kid)) return `accessToken.keys[${i}] repeats a kid`;
    kids.add(jwk.kid);
    if (jwk.kty !== shape.kty || (shape.crv && jwk.crv !== shape.crv)) return `accessToken.keys[${i}] is not a ${algorithm} key`;
    if (jwk.alg !== undefined && jwk.alg !== algorithm) return `accessToken.keys[${i}] is marked for another algorithm`;
    if (jwk.d === undefined) return `accessToken.keys[${i}] must be a private key`;
    if (jwk.use !== undefined && jwk.use !== "sig") return `accessToken.keys[${i}] is marked for another use than signatures`;
    if (
      jwk.key_ops !== undefined &&
      (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes("sign") || jwk.key_ops.some((op) => op !== "sign" && op !== "verify"))
    ) {
      return `accessToken.keys[${i}] has key_ops other than sign/verify, or without sign`;
    }
    if (shape.kty === "RSA" && modulusBits(jwk.n) < MIN_RSA_BITS) return `accessToken.keys[${i}] is shorter than ${MIN_RSA_BITS} bits`;
  }
  return null;
}

/** The public half of a private JWK: private members dropped, `alg`, `use` and `kid` set. */
export function publicJwk(jwk: JWK, algorithm: SigningAlgorithm): JWK {
  const pub: JWK = { ...jwk, alg: algorithm, use: "sig" };
  for (const member of PRIVATE_MEMBERS) delete (pub as Record<string, unknown>)[member];
  delete pub.key_ops;
  delete pub.ext;
  return pub;
}

const importHmac = (key: KeyObject) => crypto.subtle.importKey("raw", key.export(), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);

/**
 * Imports the keys once. HS256 signs with the current (first) secret's derived key under its `kid`, and
 * verifies by the header's `kid` among the configured secrets (one key, never all); a token without `kid`
 * (made before key ids) verifies with the raw bytes of the first secret only. A plainly weak secret, an empty,
 * too long or repeating list: `CONFIG_ERROR`.
 */
export async function createKeyRing(algorithm: SigningAlgorithm, secrets: SecretKeySet | string | readonly string[], keys?: readonly JWK[]): Promise<KeyRing> {
  if (algorithm === "HS256") {
    const set = typeof secrets === "object" && "current" in secrets ? secrets : deriveSecretKeys(secrets);
    const { current } = set;
    // Imported once as CryptoKeys for jose's path: given raw bytes, jose would import them again on every verify.
    const verifying = new Map<string, CryptoKey | Uint8Array>();
    for (const k of set.all) verifying.set(k.kid, await importHmac(k.accessToken));
    const header = segment(headerFor(algorithm, current.kid));
    return {
      algorithm,
      signing: { key: verifying.get(current.kid)!, kid: current.kid },
      verifying,
      legacy: await importHmac(current.legacy.accessToken),
      publicJwks: [],
      hmac: { key: current.accessToken, header },
      syncChecks: new Map([
        ...set.all.map((k): [string, SignatureCheck] => [segment(headerFor(algorithm, k.kid)), signatureCheck(algorithm, k.accessToken)]),
        [segment(headerFor(algorithm)), signatureCheck(algorithm, current.legacy.accessToken)],
      ]),
    };
  }

  const list = keys ?? [];
  const verifying = new Map<string, CryptoKey | Uint8Array>();
  for (const jwk of list) verifying.set(jwk.kid!, (await importJWK(publicJwk(jwk, algorithm), algorithm)) as CryptoKey);
  const first = list[0]!; // only the first key signs: the others' private halves are never imported
  return {
    algorithm,
    signing: { key: (await importJWK({ ...first, alg: algorithm }, algorithm)) as CryptoKey, kid: first.kid! },
    verifying,
    publicJwks: list.map((jwk) => publicJwk(jwk, algorithm)),
    syncChecks: new Map(list.map((jwk) => [segment(headerFor(algorithm, jwk.kid)), signatureCheck(algorithm, publicJwk(jwk, algorithm))])),
  };
}

/**
 * Generates a private signing JWK for `accessToken.keys`, with `kid`, `alg` and `use` set.
 * Keep it secret (a secrets manager, an env variable holding its JSON); publish only `auth.jwks()`.
 *
 * @example
 * ```ts
 * const key = await generateSigningKey("EdDSA");
 * const auth = new AuthSkill({ secret, accessToken: { algorithm: "EdDSA", keys: [key] } });
 * ```
 */
export async function generateSigningKey(alg: Exclude<SigningAlgorithm, "HS256">, options: { kid?: string } = {}): Promise<JWK> {
  if (typeof alg !== "string" || !Object.hasOwn(KEY_SHAPE, alg)) throw new TypeError(`Unsupported algorithm: ${String(alg)}`);
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === "EdDSA" ? { crv: "Ed25519" } : {}) });
  const jwk = await exportJWK(privateKey);
  const kid = options.kid ?? crypto.randomUUID();
  return { ...jwk, kid, alg, use: "sig" };
}
