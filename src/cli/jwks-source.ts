import { CliFailure, usageError } from "./io.js";
import { jwkList, parseJsonQuietly, readJsonFile } from "./json-file.js";

/** The most bytes of a JWKS fetched from a URL. */
const MAX_JWKS_BYTES = 512 * 1024;
/** How long a JWKS URL has to answer, in milliseconds. */
export const JWKS_TIMEOUT_MS = 5000;

/** A URL as printed in messages: scheme, host and path (no query, no fragment: they may carry a credential). */
const shown = (url: URL) => `${url.origin}${url.pathname}`;

/** The body of an answer, read up to `max` bytes (a larger one is a failure, whatever its Content-Length says). */
async function boundedText(response: Response, max: number, url: URL): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (!reader) return "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      throw new CliFailure(`the JWKS at ${shown(url)} is larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Fetches a JWKS over http(s): no credentials in the URL, no redirect, a timeout and a size cap. */
async function fetchJwks(url: URL): Promise<unknown> {
  if (url.protocol !== "https:" && url.protocol !== "http:") throw usageError("--jwks takes a file or an http(s) URL");
  if (url.username !== "" || url.password !== "") throw usageError("--jwks: a URL with credentials is not accepted");
  let response: Response;
  try {
    response = await fetch(url, { redirect: "error", headers: { accept: "application/json" }, signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) });
  } catch (err) {
    const reason = err instanceof Error && err.name === "TimeoutError" ? `no answer within ${JWKS_TIMEOUT_MS} ms` : "the request failed";
    throw new CliFailure(`cannot fetch the JWKS at ${shown(url)}: ${reason}`);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new CliFailure(`cannot fetch the JWKS at ${shown(url)}: HTTP ${response.status}`);
  }
  return parseJsonQuietly(await boundedText(response, MAX_JWKS_BYTES, url), `the JWKS at ${shown(url)}`);
}

/**
 * The keys of a JWKS from a file ("-" for stdin) or an http(s) URL, as plain objects (not yet checked or imported).
 *
 * @example
 * ```ts
 * const keys = await loadJwks("https://auth.example.com/.well-known/jwks.json");
 * ```
 */
export async function loadJwks(source: string): Promise<Record<string, unknown>[]> {
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(source)) {
    let url: URL;
    try {
      url = new URL(source);
    } catch {
      throw usageError("--jwks: not a valid URL");
    }
    return jwkList(await fetchJwks(url), "the JWKS");
  }
  return jwkList(await readJsonFile(source, "the JWKS file"), "the JWKS file");
}
