import {
  changePasswordRoute,
  emailChangeConfirmRoute,
  emailChangeRoute,
  resetRequestRoute,
  resetRoute,
  verifyRequestRoute,
  verifyRoute,
} from "./account-routes.js";
import { EarlyResponse } from "./body.js";
import {
  passkeyAuthenticationOptionsRoute,
  passkeyDeleteRoute,
  passkeyRegisterRoute,
  passkeyRegistrationOptionsRoute,
  passkeySigninRoute,
  passkeysListRoute,
} from "./passkey-routes.js";
import { mfaVerifyRoute, recoveryCodesRoute, totpConfirmRoute, totpDisableRoute, totpEnrollRoute, totpStatusRoute } from "./second-factor-routes.js";
import { emailCodeRequestRoute, emailCodeSigninRoute, magicLinkRequestRoute, magicLinkSigninRoute } from "./passwordless-routes.js";
import { compileTrust, resolveClientIp, type ForwardedHeader, type TrustedProxies } from "./client-ip.js";
import { checkOrigin, checkOrigins, refreshCookie, type RefreshCookieOptions } from "./cookies.js";
import { httpError, toResponse } from "./response.js";
import type { HandlerAuth, HandlerMode, Route, RouteContext } from "./route-context.js";
import {
  deleteSessionRoute,
  jwksRoute,
  refreshRoute,
  revokeRoute,
  sessionRoute,
  sessionsRoute,
  signinRoute,
  signoutRoute,
  signupRoute,
} from "./session-routes.js";

/** Options of {@link createAuthHandler}. */
export interface AuthHandlerOptions {
  /** Where the routes live (default `"/auth"`); requests outside it get 404. `""` or `"/"` mounts them at the root. */
  basePath?: string | undefined;
  /**
   * `"bearer"` (default): tokens travel in JSON bodies. `"cookie"`: the refresh token travels only in an
   * HttpOnly cookie, every POST/DELETE must come from `trustedOrigins` (or `Sec-Fetch-Site: same-origin`), and
   * the instance should have `refreshToken: { reuseInterval: "10s" }` (two tabs refreshing at once).
   */
  mode?: HandlerMode | undefined;
  /** Cookie mode: the origins whose pages may make state-changing requests, e.g. `["https://app.example.com"]`. */
  trustedOrigins?: readonly string[] | undefined;
  /** Who may report the client's address (see `clientIp`): a hop count or CIDR ranges; default none. */
  trustedProxies?: TrustedProxies | undefined;
  /** The header those proxies write (see `clientIp`): `"x-forwarded-for"` (default) or `"forwarded"`. */
  forwardedHeader?: ForwardedHeader | undefined;
  /** Cookie mode: the refresh cookie's name (`__Host-` prefixed) and SameSite. */
  cookie?: RefreshCookieOptions | undefined;
}

/** What the runtime knows about the connection, passed with each request. */
export interface ConnectionInfo {
  /** The peer's address (Node: `req.socket.remoteAddress`; Bun: `server.requestIP(req)?.address`; Deno: `info.remoteAddr.hostname`). */
  socketAddress?: string | undefined;
}

/** The handler: a Web `Request` in, a `Response` out. */
export type AuthHandler = (request: Request, connection?: ConnectionInfo) => Promise<Response>;

type Method = "GET" | "POST" | "DELETE";

const ROUTES: Readonly<Record<string, Partial<Record<Method, Route>>>> = {
  "/signup": { POST: signupRoute },
  "/signin": { POST: signinRoute },
  "/refresh": { POST: refreshRoute },
  "/signout": { POST: signoutRoute },
  "/revoke": { POST: revokeRoute },
  "/session": { GET: sessionRoute },
  "/sessions": { GET: sessionsRoute },
  "/sessions/:id": { DELETE: deleteSessionRoute },
  "/password/reset-request": { POST: resetRequestRoute },
  "/password/reset": { POST: resetRoute },
  "/password/change": { POST: changePasswordRoute },
  "/email/verify-request": { POST: verifyRequestRoute },
  "/email/verify": { POST: verifyRoute },
  "/email/change": { POST: emailChangeRoute },
  "/email/change/confirm": { POST: emailChangeConfirmRoute },
  "/jwks": { GET: jwksRoute },
  "/mfa/verify": { POST: mfaVerifyRoute },
  "/totp": { GET: totpStatusRoute },
  "/totp/enroll": { POST: totpEnrollRoute },
  "/totp/confirm": { POST: totpConfirmRoute },
  "/totp/disable": { POST: totpDisableRoute },
  "/totp/recovery-codes": { POST: recoveryCodesRoute },
  "/magic-link/request": { POST: magicLinkRequestRoute },
  "/magic-link/signin": { POST: magicLinkSigninRoute },
  "/email-code/request": { POST: emailCodeRequestRoute },
  "/email-code/signin": { POST: emailCodeSigninRoute },
  "/passkeys": { GET: passkeysListRoute },
  "/passkeys/registration-options": { POST: passkeyRegistrationOptionsRoute },
  "/passkeys/register": { POST: passkeyRegisterRoute },
  "/passkeys/authentication-options": { POST: passkeyAuthenticationOptionsRoute },
  "/passkeys/signin": { POST: passkeySigninRoute },
  "/passkeys/:id": { DELETE: passkeyDeleteRoute },
};

/** The routes with an `:id`: a session id (at most 255 characters), a passkey's credential id (base64url, at most 1364). */
const ID_PATHS: readonly (readonly [string, RegExp])[] = [
  ["/sessions/:id", /^\/sessions\/([^/]{1,255})$/],
  ["/passkeys/:id", /^\/passkeys\/([^/]{1,1400})$/],
];

/** The route key and `:id` of a path below the base path, or null. */
function match(path: string): { key: string; id: string } | null {
  if (Object.hasOwn(ROUTES, path) && !path.endsWith("/:id")) return { key: path, id: "" };
  for (const [key, pattern] of ID_PATHS) {
    const m = pattern.exec(path);
    if (!m) continue;
    try {
      return { key, id: decodeURIComponent(m[1]!) };
    } catch {
      return null; // a malformed percent-escape names nothing
    }
  }
  return null;
}

function checkBasePath(basePath: string): string {
  if (typeof basePath !== "string" || (basePath !== "" && !/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/.test(basePath)) || basePath.includes("//")) {
    throw new TypeError('basePath: a path such as "/auth"');
  }
  return basePath.endsWith("/") ? basePath.slice(0, -1) : basePath;
}

/**
 * The HTTP surface of an `AuthSkill` as one Web-standard function, `(request, { socketAddress }?) =>
 * Promise<Response>`, for Node (through an adapter), Bun, Deno and edge runtimes. Routes under `basePath`:
 * POST `/signup`, `/signin`, `/refresh`, `/signout`, `/revoke` (RFC 7009, form-encoded), GET `/session`,
 * `/sessions`, DELETE `/sessions/:id`, POST `/password/reset-request`, `/password/reset`, `/password/change`,
 * `/email/verify-request`, `/email/verify`, `/email/change`, `/email/change/confirm`, GET `/jwks`, and signing in
 * by mail: POST `/magic-link/request`, `/magic-link/signin`, `/email-code/request`, `/email-code/signin`; with the
 * `passkeys` option, POST `/passkeys/registration-options`, `/passkeys/register`, `/passkeys/authentication-options`,
 * `/passkeys/signin`, GET `/passkeys`, DELETE `/passkeys/:id` (404 without it). Routes
 * that act for a signed-in user read the access token from `Authorization: Bearer` (in cookie mode too) and
 * check its session is live. 404 outside `basePath` or for an unknown route, 405 (with `Allow`) for a wrong
 * method. JSON bodies only (form-encoded for `/revoke`), at most 16 KiB; extra fields are ignored. Errors are
 * {@link toResponse}'s. The handler never redirects and builds no links. `TypeError` for a bad option.
 *
 * @example
 * ```ts
 * import { AuthSkill } from "auth-skill";
 * import { createAuthHandler } from "auth-skill/http";
 *
 * const auth = new AuthSkill({ refreshToken: { reuseInterval: "10s" } });
 * const handler = createAuthHandler(auth, { mode: "cookie", trustedOrigins: ["https://app.example.com"], trustedProxies: 1 });
 * const response = await handler(new Request("https://app.example.com/auth/jwks"));
 * ```
 */
export function createAuthHandler(auth: HandlerAuth, options: AuthHandlerOptions = {}): AuthHandler {
  const basePath = checkBasePath(options.basePath ?? "/auth");
  const mode = options.mode ?? "bearer";
  if (mode !== "bearer" && mode !== "cookie") throw new TypeError('mode: "bearer" or "cookie"');
  const origins = checkOrigins(options.trustedOrigins);
  const trust = compileTrust(options.trustedProxies);
  const header = options.forwardedHeader ?? "x-forwarded-for";
  if (header !== "x-forwarded-for" && header !== "forwarded") throw new TypeError('forwardedHeader: "x-forwarded-for" or "forwarded"');
  const cookie = refreshCookie(options.cookie);

  return async (request, connection = {}) => {
    const path = new URL(request.url).pathname;
    if (path !== basePath && !path.startsWith(`${basePath}/`)) return httpError(404, "NOT_FOUND", "Not found.");
    const found = match(path.slice(basePath.length));
    if (!found) return httpError(404, "NOT_FOUND", "Not found.");
    const methods = ROUTES[found.key]!;
    const route = Object.hasOwn(methods, request.method) ? methods[request.method as Method] : undefined;
    if (!route) return httpError(405, "METHOD_NOT_ALLOWED", "Method not allowed.", { allow: Object.keys(methods).join(", ") });
    try {
      if (mode === "cookie" && request.method !== "GET") checkOrigin(request, origins);
      const userAgent = request.headers.get("user-agent");
      const ctx: RouteContext = {
        auth,
        request,
        client: { ip: resolveClientIp(request, trust, connection.socketAddress, header), userAgent: userAgent ?? undefined },
        mode,
        cookie,
        id: found.id,
      };
      return await route(ctx);
    } catch (err) {
      return err instanceof EarlyResponse ? err.response : toResponse(err, request);
    }
  };
}
