import { readFile } from "node:fs/promises";
import { CliFailure, readStdin } from "./io.js";

/** The most bytes of a key or JWKS file read: real ones are a few kilobytes. */
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Parses JSON without ever repeating it: `JSON.parse`'s own messages quote the input, which may be a private key.
 *
 * @example
 * ```ts
 * const value = parseJsonQuietly(text, "the key file");
 * ```
 */
export function parseJsonQuietly(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliFailure(`${what} is not valid JSON`);
  }
}

/**
 * Reads and parses a JSON file, or stdin for "-". Failures name the file, never its content.
 *
 * @example
 * ```ts
 * const keys = await readJsonFile("keys.json", "the key file");
 * ```
 */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  if (path === "-") return parseJsonQuietly(await readStdin(process.stdin, MAX_FILE_BYTES), what);
  let text: string;
  try {
    const buffer = await readFile(path);
    if (buffer.length > MAX_FILE_BYTES) throw new CliFailure(`${what} is larger than ${MAX_FILE_BYTES} bytes`);
    text = buffer.toString("utf8");
  } catch (err) {
    if (err instanceof CliFailure) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliFailure(`cannot read ${what} ${JSON.stringify(path)}${code ? ` (${code})` : ""}`);
  }
  return parseJsonQuietly(text, what);
}

/**
 * The JWKs of a key or JWKS file: `{ "keys": [...] }`, an array (as `accessToken.keys`), or one JWK.
 *
 * @example
 * ```ts
 * jwkList([{ kty: "OKP" }], "the key file"); // [{ kty: "OKP" }]
 * ```
 */
export function jwkList(value: unknown, what: string): Record<string, unknown>[] {
  const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.keys) ? value.keys : isObject(value) && "kty" in value ? [value] : null;
  if (list === null) throw new CliFailure(`${what} must hold a JWK, an array of JWKs or a JWKS ({ "keys": [...] })`);
  if (list.length === 0) throw new CliFailure(`${what} holds no key`);
  for (const [i, jwk] of list.entries()) if (!isObject(jwk)) throw new CliFailure(`${what}: key ${i} is not a JSON object`);
  return list as Record<string, unknown>[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
