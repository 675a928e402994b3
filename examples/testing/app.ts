/**
 * A small Hono app on auth-skill: sign in, read your profile, an admin-only route, and a password reset by mail.
 * It takes its `AuthSkill` as an argument, so its tests (app.test.ts) hand it the one `createTestAuth()` makes.
 */
import { type AccessTokenClaims, type AuthResult, type AuthSkill, hasRole, isAuthError, type PendingVerification, type SigninResult } from "auth-skill";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { ContentfulStatusCode } from "hono/utils/http-status";

type Env = { Variables: { claims: AccessTokenClaims } };

/**
 * The app. `auth` is your `AuthSkill` (in production: `new AuthSkill({ secret: process.env.AUTH_SECRET, storage, email })`).
 *
 * @example
 * ```ts
 * const app = createApp(new AuthSkill({ secret: process.env.AUTH_SECRET }));
 * export default app; // Bun and Deno serve it as it is; on Node, use @hono/node-server
 * ```
 */
export function createApp(auth: AuthSkill<AuthResult | PendingVerification, SigninResult>): Hono<Env> {
  const app = new Hono<Env>();

  // Every auth-skill failure becomes its own status and a JSON body without secrets (AuthError.toJSON).
  app.onError((err, c) => (isAuthError(err) ? c.json(err.toJSON(), err.status as ContentfulStatusCode) : c.json({ error: "internal" }, 500)));

  /** Verifies the Bearer token; 401 with an RFC 6750 WWW-Authenticate header when it is missing or bad. */
  const authenticate = createMiddleware<Env>(async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const token = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
    try {
      c.set("claims", await auth.verifyAccessToken(token, { checkRevocation: true }));
    } catch (err) {
      if (!isAuthError(err)) throw err;
      c.header("WWW-Authenticate", token === "" ? 'Bearer realm="api"' : 'Bearer realm="api", error="invalid_token"');
      return c.json(err.toJSON(), 401);
    }
    await next();
  });

  app.post("/login", async (c) => {
    const { email, password } = await c.req.json<{ email: string; password: string }>();
    // In production, pass { ip } from the connection (hono/conninfo for your runtime) or your trusted proxy's header.
    const result = await auth.signin({ email, password });
    // an account with a second factor gets no tokens yet: the client sends a code with mfaToken to verifySecondFactor
    if ("mfaRequired" in result) return c.json({ mfaToken: result.mfaToken, methods: result.methods }, 200, { "Cache-Control": "no-store" });
    const { accessToken, refreshToken } = result;
    return c.json({ accessToken, refreshToken }, 200, { "Cache-Control": "no-store" });
  });

  app.get("/me", authenticate, async (c) => {
    const user = await auth.getUser(c.get("claims").sub);
    return c.json({ id: user?.id, email: user?.email, roles: user?.roles });
  });

  app.get("/admin/stats", authenticate, (c) => {
    if (!hasRole(c.get("claims"), "admin")) return c.json({ error: { code: "FORBIDDEN", message: "Admins only." } }, 403);
    return c.json({ ok: true });
  });

  app.post("/password-reset", async (c) => {
    const { email } = await c.req.json<{ email: string }>();
    await auth.requestPasswordReset({ email });
    return c.json({ sent: "if this address has an account" }, 202);
  });

  app.post("/password-reset/confirm", async (c) => {
    const { token, password } = await c.req.json<{ token: string; password: string }>();
    await auth.resetPassword({ token, password });
    return c.body(null, 204);
  });

  return app;
}
