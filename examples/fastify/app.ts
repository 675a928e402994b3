/**
 * A Fastify 5 app on auth-skill: the auth routes under /auth (auth-skill/http's handler through
 * auth-skill/node, in an encapsulated plugin that leaves request bodies unread), a protected `GET /me`, and a
 * JSON route of the app's own parsed by Fastify as usual.
 */
import type { AccessTokenClaims, AuthResult, AuthSkill, PendingVerification, SigninResult } from "auth-skill";
import { authenticate, createAuthHandler, toResponse, type TrustedProxies } from "auth-skill/http";
import { toNodeHandler } from "auth-skill/node";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";

export interface AppOptions {
  /** Who may set X-Forwarded-For: `1` behind one reverse proxy; unset when clients connect directly. */
  trustedProxies?: TrustedProxies | undefined;
}

declare module "fastify" {
  interface FastifyRequest {
    claims?: AccessTokenClaims;
  }
}

/**
 * The app. `auth` is your `AuthSkill`; its tests hand it the one `createTestAuth()` makes.
 *
 * @example
 * ```ts
 * await createApp(new AuthSkill(), { trustedProxies: 1 }).listen({ port: 3000 });
 * ```
 */
export function createApp(auth: AuthSkill<AuthResult | PendingVerification, SigninResult>, options: AppOptions = {}): FastifyInstance {
  const app = Fastify();
  const authHandler = toNodeHandler(createAuthHandler(auth, { basePath: "/auth", trustedProxies: options.trustedProxies }));

  // The auth routes in a plugin of their own (encapsulated: its parsers apply to its routes only). Fastify
  // would parse JSON bodies before the route runs, so the plugin swaps its parsers for one that reads nothing:
  // the handler reads the raw stream itself, with its 16 KiB cap. reply.hijack() hands the raw response over.
  app.register(
    async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser("*", (_request, _payload, done) => done(null));
      scope.all("/*", async (request, reply) => {
        reply.hijack();
        await authHandler(request.raw, reply.raw);
      });
    },
    { prefix: "/auth" },
  );

  /** Verifies the bearer token (and that its session is live); 401 with WWW-Authenticate otherwise. */
  const requireUser = async (request: FastifyRequest, reply: FastifyReply) => {
    const authorization = request.headers.authorization;
    const web = new Request(`http://localhost${request.url}`, authorization ? { headers: { authorization } } : {});
    try {
      request.claims = await authenticate(auth, web, { checkRevocation: true });
    } catch (err) {
      const response = toResponse(err, web);
      response.headers.forEach((value, name) => {
        reply.header(name, value);
      });
      return reply.code(response.status).send(await response.text());
    }
  };

  app.get("/me", { preHandler: requireUser }, async (request, reply) => {
    const user = await auth.getUser(request.claims!.sub);
    return reply.header("cache-control", "no-store").send({ id: user?.id, email: user?.email });
  });

  app.post<{ Body: { text?: unknown } }>("/notes", { preHandler: requireUser, bodyLimit: 16 * 1024 }, async (request, reply) => {
    const text = typeof request.body?.text === "string" ? request.body.text : "";
    return reply.code(201).send({ owner: request.claims!.sub, text });
  });

  return app;
}
