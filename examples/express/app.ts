/**
 * An Express 5 app on auth-skill: the auth routes under /auth (auth-skill/http's handler through
 * auth-skill/node), a protected `GET /me`, and a JSON route of the app's own behind `express.json()`.
 */
import type { AccessTokenClaims, AuthResult, AuthSkill, PendingVerification, SigninResult } from "auth-skill";
import { authenticate, createAuthHandler, toResponse, type TrustedProxies } from "auth-skill/http";
import { toNodeHandler } from "auth-skill/node";
import express, { type Express, type NextFunction, type Request as ExpressRequest, type Response as ExpressResponse } from "express";

export interface AppOptions {
  /** Who may set X-Forwarded-For: `1` behind one reverse proxy; unset when clients connect directly. */
  trustedProxies?: TrustedProxies | undefined;
}

/** Sends a Web `Response` (here: `toResponse`'s error answers) through Express. */
async function send(response: Response, res: ExpressResponse): Promise<void> {
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.status(response.status).send(await response.text());
}

/**
 * The app. `auth` is your `AuthSkill`; its tests hand it the one `createTestAuth()` makes.
 *
 * @example
 * ```ts
 * createApp(new AuthSkill(), { trustedProxies: 1 }).listen(3000);
 * ```
 */
export function createApp(auth: AuthSkill<AuthResult | PendingVerification, SigninResult>, options: AppOptions = {}): Express {
  const app = express();

  // 1. The auth routes FIRST: the handler reads the raw request stream (16 KiB cap). A body parser mounted
  //    before it (app.use(express.json())) would consume that stream, and sign-in would see an empty body.
  app.all("/auth/{*rest}", toNodeHandler(createAuthHandler(auth, { basePath: "/auth", trustedProxies: options.trustedProxies })));

  // 2. Then the app's own body parsing and routes.
  app.use(express.json({ limit: "16kb" }));

  /** Verifies the bearer token (and that its session is live); 401 with WWW-Authenticate otherwise. */
  const requireUser = async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    const authorization = req.get("authorization");
    const request = new Request(`http://localhost${req.originalUrl}`, authorization ? { headers: { authorization } } : {});
    try {
      res.locals.claims = await authenticate(auth, request, { checkRevocation: true });
      next();
    } catch (err) {
      await send(toResponse(err, request), res);
    }
  };

  app.get("/me", requireUser, async (_req, res) => {
    const claims = res.locals.claims as AccessTokenClaims;
    const user = await auth.getUser(claims.sub);
    res.set("cache-control", "no-store").json({ id: user?.id, email: user?.email });
  });

  app.post("/notes", requireUser, (req, res) => {
    const text = typeof req.body?.text === "string" ? req.body.text : "";
    res.status(201).json({ owner: (res.locals.claims as AccessTokenClaims).sub, text });
  });

  return app;
}
