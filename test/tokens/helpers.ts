import { createHmac } from "node:crypto";
import { CompactSign, importJWK, type CryptoKey, type JWK } from "jose";
import { AuthError, AuthSkill, type AuthSkillOptions } from "../../src/index.js";

/** A frozen instant (2030-03-17T17:46:40Z) in whole seconds; every test clock starts here. */
export const T0 = 1_900_000_000;

/** A test secret: 40 characters with plenty of variety. */
export const SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuv";

/** A clock the tests move by hand (never sleep). */
export interface TestClock {
  now: () => Date;
  /** Current time in whole seconds. */
  readonly seconds: number;
  setMs(ms: number): void;
  advance(seconds: number): void;
}

export function frozenClock(startSeconds = T0): TestClock {
  let ms = startSeconds * 1000;
  return {
    now: () => new Date(ms),
    get seconds() {
      return Math.floor(ms / 1000);
    },
    setMs(value: number) {
      ms = value;
    },
    advance(seconds: number) {
      ms += seconds * 1000;
    },
  };
}

/** An `AuthSkill` with the test secret and a frozen clock (options override both). */
export function makeAuth(
  options: AuthSkillOptions & { requireEmailVerification?: false | undefined; totp?: undefined } = {},
  clock: TestClock = frozenClock(),
): AuthSkill {
  return new AuthSkill({ secret: SECRET, now: clock.now, ...options });
}

/** base64url of a string, bytes, or the JSON of an object. */
export function b64u(value: string | Uint8Array | object): string {
  if (typeof value === "string") return Buffer.from(value, "utf8").toString("base64url");
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64url");
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

/** Decodes one base64url JSON segment of a compact JWS. */
export function decodeSegment(token: string, index: 0 | 1): Record<string, unknown> {
  const part = token.split(".")[index]!;
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}

/** Claims of a token that would be valid for a default instance at `nowSeconds`; `undefined` removes one. */
export function validClaims(nowSeconds: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: "auth-skill", sub: "user-1", aud: "auth-skill", iat: nowSeconds, exp: nowSeconds + 600, jti: "jti-1", sid: "sess-1", ...overrides };
}

/** A compact JWS built by hand: base64url segments and a node:crypto HMAC over them. */
export function hmacToken(header: object, payload: object | string, key: string | Uint8Array, hash: "sha256" | "sha384" | "sha512" = "sha256"): string {
  const input = `${b64u(header)}.${b64u(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest("base64url")}`;
}

/** A compact JWS with any protected header, signed with jose's CompactSign (not through the library). */
export async function joseSign(header: Record<string, unknown> & { alg: string }, payload: object, key: CryptoKey | Uint8Array | JWK): Promise<string> {
  const signingKey = isJwk(key) ? ((await importJWK(key, header.alg)) as CryptoKey) : key;
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header).sign(signingKey);
}

function isJwk(key: CryptoKey | Uint8Array | JWK): key is JWK {
  return !(key instanceof Uint8Array) && typeof (key as JWK).kty === "string";
}

export { rejectsWith, throwsWith } from "../helpers.js";

/** Flips one bit of byte `index` of the token's signature, keeping the encoding canonical. */
export function flipSignatureByte(token: string, index = 0): string {
  const [h, p, s] = token.split(".") as [string, string, string];
  const sig = Buffer.from(s, "base64url");
  sig[index] = sig[index]! ^ 0x01;
  return `${h}.${p}.${sig.toString("base64url")}`;
}

/** The verdict of a call as text: "ok", or the code of the AuthError it rejected with (anything else rethrows). */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
}
