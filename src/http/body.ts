import { AuthError } from "../errors.js";
import { httpError } from "./response.js";

/** The largest request body the handler reads (16 KiB); a longer one is 413, whatever `Content-Length` says. */
export const MAX_BODY_BYTES = 16 * 1024;

/** A request the handler answers before any flow runs (413, 415): thrown, then turned into its response. */
export class EarlyResponse extends Error {
  constructor(readonly response: Response) {
    super("early response");
  }
}

/** The media type of `Content-Type` (lower case, without parameters), and whether its charset, if any, is UTF-8. */
function mediaType(request: Request): { type: string; utf8: boolean } {
  const value = request.headers.get("content-type") ?? "";
  const [type = "", ...params] = value.split(";");
  const charset = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith("charset="));
  const name = charset?.slice("charset=".length).replace(/^"|"$/g, "");
  return { type: type.trim().toLowerCase(), utf8: name === undefined || name === "utf-8" || name === "utf8" };
}

/** Refuses a body that is not of `type` (UTF-8): 415 `UNSUPPORTED_MEDIA_TYPE`. */
function requireType(request: Request, type: string): void {
  const actual = mediaType(request);
  if (actual.type !== type || !actual.utf8) {
    throw new EarlyResponse(httpError(415, "UNSUPPORTED_MEDIA_TYPE", `The request body must be ${type} (UTF-8).`));
  }
}

/**
 * Reads the body as UTF-8 text, at most {@link MAX_BODY_BYTES}: the stream is read chunk by chunk and cancelled
 * at the first byte past the cap (a `Content-Length` can lie, or be absent). Invalid UTF-8 is `INVALID_INPUT`.
 */
export async function readText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new EarlyResponse(httpError(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${limit} bytes.`));
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new AuthError("INVALID_INPUT", "The request body is not valid UTF-8.");
  }
}

/** The body's fields, as read by {@link readJson}: only the names asked for, each as the client sent it. */
export type Fields<K extends string> = { [P in K]?: unknown };

/**
 * Reads a JSON object body (`Content-Type: application/json`) and keeps only the `names` given — own
 * properties, so `__proto__` and any extra field (`confirmPassword`) are ignored, never an error. The flows
 * validate each value (type, length) themselves. Malformed JSON, or JSON that is not an object, is `INVALID_INPUT`.
 */
export async function readJson<K extends string>(request: Request, names: readonly K[]): Promise<Fields<K>> {
  requireType(request, "application/json");
  const text = await readText(request);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AuthError("INVALID_INPUT", "The request body is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new AuthError("INVALID_INPUT", "The request body must be a JSON object.");
  }
  const fields: Fields<K> = {};
  for (const name of names) {
    if (Object.hasOwn(parsed, name)) fields[name] = (parsed as Record<string, unknown>)[name];
  }
  return fields;
}

/** Reads an `application/x-www-form-urlencoded` body (RFC 7009's revocation request). */
export async function readForm(request: Request): Promise<URLSearchParams> {
  requireType(request, "application/x-www-form-urlencoded");
  return new URLSearchParams(await readText(request));
}

/** A field that must be a string: `INVALID_INPUT` naming it otherwise. */
export function requireString(fields: Fields<string>, name: string, message: string): string {
  const value = fields[name];
  if (typeof value !== "string") throw new AuthError("INVALID_INPUT", message, { field: name });
  return value;
}
