/**
 * The backend: a web-standard `fetch` handler (run it under node:http, Bun, Deno, or any framework that
 * speaks Request/Response) that authenticates Better Auth's users through the bridge.
 *
 *   GET  /api/me              Better Auth session cookie, or `Authorization: Bearer <set-auth-token>`
 *   GET  /api/jwt/me          `Authorization: Bearer <JWT from /api/auth/token>` (Better Auth's jwt plugin)
 *   POST /api/web/signin      { email, password } → AuthSkill's signin (argon2id, throttling), as a Better Auth cookie
 *   POST /api/native/signin   { email, password } → AuthSkill access + rotating refresh token (+ Better Auth bearer)
 *   POST /api/native/handoff  a signed-in browser (cookie) → tokens for a native app, as a new session
 *   POST /api/native/refresh  { refreshToken } → rotated tokens; a replayed token ends the session
 *   POST /api/native/signout  { refreshToken } → ends the session for both sides
 *   GET  /api/native/me       `Authorization: Bearer <AuthSkill access token>`, checked against revocation
 *   *    /api/auth/*          Better Auth itself (in the Next.js app this is its route handler)
 */
import { getMigrations } from "better-auth/db/migration";
import { AuthError, AuthSkill, type AuthResult } from "auth-skill";
import { betterAuthBridge } from "auth-skill/better-auth";
import { auth, baseURL, secret } from "./auth.js";
import { db } from "./db.js";

export interface Backend {
  handle(request: Request): Promise<Response>;
  close(): Promise<void>;
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });

function bearerOf(request: Request): string {
  const header = request.headers.get("authorization") ?? "";
  return header.slice(0, 7).toLowerCase() === "bearer " ? header.slice(7).trim() : "";
}

async function bodyOf(request: Request): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await request.json();
    return typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Creates the tables (Better Auth's, then the bridge's) and the handler. */
export async function createBackend(): Promise<Backend> {
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  const bridge = betterAuthBridge({ db, secret, baseURL });
  await bridge.migrate();
  const origin = new URL(baseURL).origin;
  // AuthSkill signs with Better Auth's own jwt key, so its access tokens also verify at /api/auth/jwks.
  const authSkill = new AuthSkill({
    secret,
    storage: bridge.storage,
    accessToken: { algorithm: "EdDSA", keys: await bridge.signingKeys({ create: true }), issuer: origin, audience: origin },
  });

  const tokens = async (r: AuthResult) => ({
    user: r.user,
    accessToken: r.accessToken,
    accessTokenExpiresAt: r.accessTokenExpiresAt,
    refreshToken: r.refreshToken,
    refreshTokenExpiresAt: r.refreshTokenExpiresAt,
    tokenType: r.tokenType,
    // the same session for Better Auth's own endpoints (bearer plugin), e.g. /api/auth/list-sessions
    betterAuthBearer: await bridge.cookieFor(r.sessionId).then((c) => (c ? bridge.bearerToken(c.token) : null)),
  });
  const context = (request: Request) => {
    const userAgent = request.headers.get("user-agent");
    return userAgent === null ? {} : { userAgent };
  };

  async function route(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    const method = request.method;
    if (pathname.startsWith("/api/auth/")) return auth.handler(request);
    if (method === "GET" && pathname === "/api/me") {
      const current = await bridge.getSession(request);
      if (!current) return json({ error: { code: "UNAUTHENTICATED", message: "Sign in first." } }, 401);
      return json({ user: current.user, session: { id: current.session.id, expiresAt: current.session.expiresAt } });
    }
    if (method === "GET" && pathname === "/api/jwt/me") return json({ claims: await bridge.verifyJWT(bearerOf(request)) });
    if (method === "POST" && pathname === "/api/web/signin") {
      const { email, password } = await bodyOf(request);
      const r = await authSkill.signin({ email: email as string, password: password as string }, context(request));
      // The AuthSkill session is a Better Auth session too: hand the browser its cookie, no tokens.
      const cookie = await bridge.cookieFor(r.sessionId);
      return json({ user: r.user }, 200, cookie ? { "set-cookie": cookie.setCookie } : {});
    }
    if (method === "POST" && pathname === "/api/native/signin") {
      const { email, password } = await bodyOf(request);
      return json(await tokens(await authSkill.signin({ email: email as string, password: password as string }, context(request))));
    }
    if (method === "POST" && pathname === "/api/native/handoff") return json(await tokens(await bridge.issueTokens(authSkill, request)));
    if (method === "POST" && pathname === "/api/native/refresh") {
      return json(await tokens(await authSkill.refresh(String((await bodyOf(request)).refreshToken ?? ""))));
    }
    if (method === "POST" && pathname === "/api/native/signout") {
      await authSkill.revoke(String((await bodyOf(request)).refreshToken ?? ""));
      return new Response(null, { status: 204 });
    }
    if (method === "GET" && pathname === "/api/native/me") {
      return json({ claims: await authSkill.verifyAccessToken(bearerOf(request), { checkRevocation: true }) });
    }
    return json({ error: { code: "NOT_FOUND", message: "No such route." } }, 404);
  }

  return {
    async handle(request) {
      try {
        return await route(request);
      } catch (err) {
        if (err instanceof AuthError) {
          const challenge = err.status === 401 ? { "www-authenticate": 'Bearer error="invalid_token"' } : {};
          return json(err.toJSON(), err.status, challenge);
        }
        return json({ error: { code: "INTERNAL", message: "Something went wrong." } }, 500);
      }
    },
    close: () => db.destroy(),
  };
}
