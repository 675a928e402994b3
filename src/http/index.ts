/**
 * "auth-skill/http": the HTTP surface of an `AuthSkill` on Web `Request`/`Response` (Node through an adapter,
 * Bun, Deno, edge runtimes). It imports only the core and the Web platform: no framework, no Node built-in.
 */
export { createAuthHandler } from "./handler.js";
export type { AuthHandler, AuthHandlerOptions, ConnectionInfo } from "./handler.js";
export type { HandlerAuth, HandlerMode } from "./route-context.js";
export { authenticate, getBearerToken } from "./bearer.js";
export type { AccessTokenVerifier, AuthenticateOptions } from "./bearer.js";
export { clientIp } from "./client-ip.js";
export type { ClientIpOptions, ForwardedHeader, TrustedProxies } from "./client-ip.js";
export { toResponse } from "./response.js";
export type { ErrorBody, HttpErrorCode } from "./response.js";
export type { RefreshCookieOptions } from "./cookies.js";
export { MAX_BODY_BYTES } from "./body.js";
