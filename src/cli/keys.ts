import { writeFile } from "node:fs/promises";
import { importJWK, type JWK } from "jose";
import type { SigningAlgorithm } from "../tokens/algorithms.js";
import { checkJwks, generateSigningKey, publicJwk } from "../tokens/key-ring.js";
import { KEY_ALGORITHMS, type KeyAlgorithm } from "./choices.js";
import { CliFailure, usageError } from "./io.js";
import { jwkList } from "./json-file.js";

/**
 * A new private signing JWK (`kid`, `alg`, `use` set) for `accessToken.keys`, from the library's `generateSigningKey`.
 *
 * @example
 * ```ts
 * const jwk = await keygen("EdDSA", "2026-12");
 * ```
 */
export async function keygen(alg: string, kid: string | undefined): Promise<JWK> {
  if (!(KEY_ALGORITHMS as readonly string[]).includes(alg)) throw usageError(`--alg must be one of ${KEY_ALGORITHMS.join(", ")}`);
  if (kid !== undefined && (kid === "" || kid.length > 255 || /[^\x21-\x7e]/.test(kid))) {
    throw usageError("--kid must be 1 to 255 printable ASCII characters without spaces");
  }
  return generateSigningKey(alg as KeyAlgorithm, kid === undefined ? {} : { kid });
}

/**
 * Writes a private key to a new file readable by its owner only (mode 0600); an existing file is never replaced.
 *
 * @example
 * ```ts
 * await writePrivateFile("signing-key.json", JSON.stringify(jwk));
 * ```
 */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text, { mode: 0o600, flag: "wx" });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliFailure(
      code === "EEXIST" ? `${JSON.stringify(path)} exists: not replaced` : `cannot write ${JSON.stringify(path)}${code ? ` (${code})` : ""}`,
    );
  }
}

/**
 * The algorithm a JWK is for: its `alg`, else its key type and curve (OKP Ed25519, EC P-256, RSA); `null` otherwise.
 *
 * @example
 * ```ts
 * algorithmOf({ kty: "OKP", crv: "Ed25519" }); // "EdDSA"
 * ```
 */
export function algorithmOf(jwk: Record<string, unknown>): KeyAlgorithm | null {
  if (jwk.alg !== undefined) return (KEY_ALGORITHMS as readonly unknown[]).includes(jwk.alg) ? (jwk.alg as KeyAlgorithm) : null;
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") return "EdDSA";
  if (jwk.kty === "EC" && jwk.crv === "P-256") return "ES256";
  if (jwk.kty === "RSA") return "RS256";
  return null;
}

/**
 * The public JWKS of private signing keys (a key file as `accessToken.keys` holds them): each key checked as the
 * library checks its keys, its private members dropped, and its public half imported to prove it is a key.
 * Failures name the key by its position, never by its content.
 *
 * @example
 * ```ts
 * const jwks = await publicJwks(JSON.parse(readFileSync("keys.json", "utf8")));
 * ```
 */
export async function publicJwks(value: unknown): Promise<{ keys: JWK[] }> {
  const list = jwkList(value, "the key file");
  const kids = new Set<unknown>();
  const keys: JWK[] = [];
  for (const [i, jwk] of list.entries()) {
    const alg = algorithmOf(jwk);
    if (alg === null) throw new CliFailure(`key ${i} is not an EdDSA (Ed25519), ES256 (P-256) or RS256 signing key`);
    const problem = checkJwks(alg as SigningAlgorithm, [jwk as JWK]);
    if (problem) throw new CliFailure(problem.replace("accessToken.keys[0]", `key ${i}`));
    if (kids.has(jwk.kid)) throw new CliFailure(`key ${i} repeats a kid`);
    kids.add(jwk.kid);
    const pub = publicJwk(jwk as JWK, alg);
    try {
      await importJWK(pub, alg);
    } catch {
      throw new CliFailure(`key ${i} is not a valid ${alg} key`);
    }
    keys.push(pub);
  }
  return { keys };
}
