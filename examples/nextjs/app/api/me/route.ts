// A protected route: 200 with the caller's ids for a valid access token of a live session; otherwise the same
// error responses as the auth routes (401 with WWW-Authenticate: Bearer when no token was sent).
import { authenticate, toResponse } from "auth-skill/http";
import { getAuth } from "@/lib/auth";

/**
 * GET /api/me with `Authorization: Bearer <access token>`.
 *
 * @example
 * ```ts
 * const response = await GET(new Request("http://localhost:3000/api/me", { headers: { authorization: `Bearer ${accessToken}` } }));
 * await response.json(); // { userId, sessionId }
 * ```
 */
export async function GET(request: Request): Promise<Response> {
  // Outside the try: a configuration error (no AUTH_SECRET) is Next.js's bare 500, logged on the server, and its
  // message does not reach the client.
  const auth = getAuth();
  try {
    // checkRevocation: a signed-out session's access token is refused at once, not when it expires.
    const claims = await authenticate(auth, request, { checkRevocation: true });
    return Response.json({ userId: claims.sub, sessionId: claims.sid ?? null }, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    return toResponse(err, request);
  }
}
