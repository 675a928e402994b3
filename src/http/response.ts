import { isAuthError, type AuthErrorCode } from "../errors.js";
import { getBearerToken, insufficientScope } from "./bearer.js";

/**
 * The `code` of an error body: an {@link AuthErrorCode}, or one of the handler's own HTTP-level answers
 * (`NOT_FOUND` 404, `METHOD_NOT_ALLOWED` 405, `PAYLOAD_TOO_LARGE` 413, `UNSUPPORTED_MEDIA_TYPE` 415,
 * `INTERNAL_ERROR` 500 for anything that is not an `AuthError`).
 */
export type HttpErrorCode = AuthErrorCode | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "INTERNAL_ERROR";

/** The JSON body of every error response: `{ error: { code, message, field? } }`. */
export interface ErrorBody {
  error: { code: HttpErrorCode; message: string; field?: string };
}

/** The codes whose 401 means "your access token is bad" (RFC 6750 `invalid_token`), not "wrong password". */
const ACCESS_TOKEN_CODES: ReadonlySet<string> = new Set(["TOKEN_INVALID", "TOKEN_EXPIRED", "TOKEN_REVOKED"]);

/** A JSON response that no cache keeps (RFC 6749 §5.1: token responses; every auth answer here). */
export function jsonResponse(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/json; charset=utf-8");
  if (!h.has("cache-control")) h.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { status, headers: h });
}

/** An empty response (204, 202) that no cache keeps. */
export function emptyResponse(status: number, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set("cache-control", "no-store");
  return new Response(null, { status, headers: h });
}

/** An error response of the handler's own (404, 405, 413, 415), in the one error shape. */
export function httpError(status: number, code: HttpErrorCode, message: string, headers: HeadersInit = {}): Response {
  return jsonResponse({ error: { code, message } } satisfies ErrorBody, status, headers);
}

/**
 * Turns a thrown value into the response a client should get. An `AuthError` (from either build of the package)
 * becomes `{ error: { code, message, field? } }` with its code's status and `Cache-Control: no-store`, plus:
 *
 * - 429: `Retry-After` (whole seconds, rounded up) from the error's `retryAfter`;
 * - 401: RFC 6750 `WWW-Authenticate` — `Bearer error="invalid_token"` when `request` carried a bearer token and
 *   the error is about it (`TOKEN_INVALID`, `TOKEN_EXPIRED`, `TOKEN_REVOKED`), else `Bearer` alone (RFC 6750
 *   §3.1: no error code when the request had no credentials);
 * - 403 from {@link authenticate}'s `permission`: `WWW-Authenticate: Bearer error="insufficient_scope"`.
 *
 * Anything else becomes a 500 `INTERNAL_ERROR` with a fixed message: no detail, no stack (log `err` yourself).
 *
 * @example
 * ```ts
 * import { authenticate, toResponse } from "auth-skill/http";
 * import type { AuthSkill } from "auth-skill";
 *
 * export async function me(auth: AuthSkill, request: Request): Promise<Response> {
 *   try {
 *     const claims = await authenticate(auth, request);
 *     return Response.json({ userId: claims.sub });
 *   } catch (err) {
 *     return toResponse(err, request); // 401 with WWW-Authenticate, 429 with Retry-After, ...
 *   }
 * }
 * ```
 */
export function toResponse(err: unknown, request?: Request): Response {
  if (!isAuthError(err)) return httpError(500, "INTERNAL_ERROR", "Something went wrong. Please try again.");
  const headers = new Headers();
  if (err.status === 429 && typeof err.retryAfter === "number" && Number.isFinite(err.retryAfter) && err.retryAfter >= 0) {
    headers.set("retry-after", String(Math.ceil(err.retryAfter)));
  }
  if (err.status === 401) {
    const carriedToken = request !== undefined && getBearerToken(request) !== null;
    headers.set("www-authenticate", carriedToken && ACCESS_TOKEN_CODES.has(err.code) ? 'Bearer error="invalid_token"' : "Bearer");
  }
  if (insufficientScope.has(err)) headers.set("www-authenticate", 'Bearer error="insufficient_scope"');
  return jsonResponse(err.toJSON() satisfies ErrorBody, err.status, headers);
}
