import { exportJWK, generateKeyPair, type JWK } from "jose";
import { AuthError } from "../errors.js";
import { randomId } from "../ids.js";
import type { SigningAlgorithm } from "../tokens/algorithms.js";
import { fromDb, fromDbNullable, toDb, type Db } from "./db.js";
import { decryptFromBetterAuth, encryptForBetterAuth, type KeySecrets } from "./symmetric.js";

/**
 * Better Auth's jwt-plugin keys (`jwks` table). `privateKey` holds `JSON.stringify(ciphertext)` where the
 * ciphertext is hex(nonce ‖ XChaCha20-Poly1305(key = SHA-256(utf8 secret), private JWK JSON)) — written
 * `$ba$<version>$<hex>` when Better Auth runs with `secrets` rotation — or the plain JWK JSON when the plugin
 * runs with `disablePrivateKeyEncryption` (see better-auth `crypto/index.ts` symmetricEncrypt/Decrypt).
 */
export type { KeySecrets };

/** The algorithms both Better Auth's jwt plugin and AuthSkill sign with. */
const SHARED_ALGORITHMS = new Set<string>(["EdDSA", "ES256", "RS256"]);

const undecryptable = () => new AuthError("CONFIG_ERROR", "betterAuthBridge: a jwks private key could not be decrypted with the configured secret(s).");

/** Decrypts a stored `jwks.privateKey` column into the private JWK, as Better Auth's `symmetricDecrypt` does. */
export function decryptPrivateKey(column: string, secrets: KeySecrets): JWK {
  let stored: unknown;
  try {
    stored = JSON.parse(column);
  } catch {
    throw undecryptable();
  }
  if (typeof stored === "object" && stored !== null) return stored as JWK; // disablePrivateKeyEncryption
  if (typeof stored !== "string") throw undecryptable();
  const json = decryptFromBetterAuth(stored, secrets);
  if (json === null) throw undecryptable();
  try {
    return JSON.parse(json) as JWK;
  } catch {
    throw undecryptable();
  }
}

/** Encrypts a private JWK for the `jwks.privateKey` column, as Better Auth's `symmetricEncrypt` does. */
export function encryptPrivateKey(jwk: JWK, secrets: KeySecrets): string {
  return JSON.stringify(encryptForBetterAuth(JSON.stringify(jwk), secrets));
}

/**
 * Options of `bridge.signingKeys()`.
 *
 * @example
 * ```ts
 * const keys = await bridge.signingKeys({ algorithm: "EdDSA", create: true });
 * ```
 */
export interface SigningKeysOptions {
  /** Only keys of this algorithm (default: the algorithm of the newest live key, else "EdDSA"). */
  algorithm?: Exclude<SigningAlgorithm, "HS256"> | undefined;
  /** When there is no live key of the algorithm, create one in the `jwks` table, as Better Auth would (default false). */
  create?: boolean | undefined;
}

interface KeyRow {
  id: string;
  privateKey: string;
  alg: string;
  createdAt: Date;
  expiresAt: Date | null;
}

async function readRows(db: Db): Promise<KeyRow[]> {
  const rows = await db.kysely.selectFrom("jwks").select(["id", "privateKey", "alg", "createdAt", "expiresAt"]).execute();
  return rows.map((r) => ({
    id: String(r.id),
    privateKey: String(r.privateKey),
    alg: typeof r.alg === "string" && r.alg !== "" ? r.alg : "EdDSA", // rows from before the alg column: the plugin's default
    createdAt: fromDb(r.createdAt),
    expiresAt: fromDbNullable(r.expiresAt),
  }));
}

async function createKey(db: Db, secrets: KeySecrets, algorithm: Exclude<SigningAlgorithm, "HS256">, now: Date): Promise<void> {
  const crv = algorithm === "EdDSA" ? "Ed25519" : algorithm === "ES256" ? "P-256" : null;
  const { publicKey, privateKey } = await generateKeyPair(algorithm, { extractable: true, ...(crv === "Ed25519" ? { crv } : {}) });
  const privateJwk = await exportJWK(privateKey);
  await db.kysely
    .insertInto("jwks")
    .values({
      id: randomId(),
      publicKey: JSON.stringify(await exportJWK(publicKey)),
      privateKey: encryptPrivateKey(privateJwk, secrets),
      createdAt: toDb(db, now),
      expiresAt: null,
      alg: algorithm,
      crv,
    })
    .execute();
}

/**
 * Better Auth's private signing keys for one algorithm as JWKs for `accessToken.keys`: live keys newest
 * first (so keys[0] is the key Better Auth signs with), then expired ones (still good for verifying).
 * `kid` is the row id, as in Better Auth's tokens and its /jwks. Throws `CONFIG_ERROR` when a key does not
 * decrypt (wrong secret) or there is no key (and `create` is off).
 */
export async function signingKeys(db: Db, secrets: KeySecrets, now: Date, options: SigningKeysOptions = {}): Promise<JWK[]> {
  if (options.algorithm !== undefined && !SHARED_ALGORITHMS.has(options.algorithm)) throw new TypeError("signingKeys: algorithm must be EdDSA, ES256 or RS256");
  const isLive = (r: KeyRow) => r.expiresAt === null || r.expiresAt.getTime() > now.getTime();
  const order = (rows: KeyRow[]) => [...rows].sort((a, b) => Number(isLive(b)) - Number(isLive(a)) || b.createdAt.getTime() - a.createdAt.getTime());
  let rows = order(await readRows(db));
  const algorithm = options.algorithm ?? (rows.find(isLive)?.alg as Exclude<SigningAlgorithm, "HS256"> | undefined) ?? "EdDSA";
  if (!SHARED_ALGORITHMS.has(algorithm))
    throw new AuthError("CONFIG_ERROR", `betterAuthBridge: Better Auth's newest key uses ${algorithm}, which AuthSkill does not sign with; pass algorithm.`);
  if (options.create && !rows.some((r) => r.alg === algorithm && isLive(r))) {
    await createKey(db, secrets, algorithm, now);
    rows = order(await readRows(db));
  }
  const keys: JWK[] = [];
  for (const row of rows.filter((r) => r.alg === algorithm)) {
    try {
      keys.push({ ...decryptPrivateKey(row.privateKey, secrets), kid: row.id, alg: algorithm });
    } catch (err) {
      if (keys.length === 0) throw err; // the signing key must decrypt; an older one under a retired secret is skipped
    }
  }
  if (keys.length === 0)
    throw new AuthError("CONFIG_ERROR", `betterAuthBridge: the jwks table has no ${algorithm} key yet (pass create: true, or let Better Auth mint one).`);
  return keys;
}
