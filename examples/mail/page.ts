/**
 * The page a reset link opens, as a Web-standard handler (Request -> Response): GET shows a form and spends
 * nothing — mail scanners and link previews open links — and only the form's POST calls `resetPassword`.
 */
import { AuthError, type AuthSkill } from "auth-skill";

const headers = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  // the page's URL carries the token: no Referer to anything the page links to or loads
  "referrer-policy": "no-referrer",
} as const;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A handler for `GET|POST /reset-password`.
 *
 * @example
 * ```ts
 * const page = resetPasswordPage(auth);
 * const response = await page(request); // e.g. from Bun.serve, Deno.serve or a Hono route
 * ```
 */
export function resetPasswordPage(auth: Pick<AuthSkill, "resetPassword">): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method === "GET") {
      const token = new URL(request.url).searchParams.get("token") ?? "";
      const form = `<!doctype html><meta name="referrer" content="no-referrer"><title>Choose a new password</title>
<form method="post"><input type="hidden" name="token" value="${escapeHtml(token)}">
<label>New password <input type="password" name="password" autocomplete="new-password" required></label>
<button>Set password</button></form>`;
      return new Response(form, { status: 200, headers });
    }
    if (request.method !== "POST") return new Response(null, { status: 405, headers: { allow: "GET, POST" } });
    const body = await request.formData();
    const token = body.get("token");
    const password = body.get("password");
    if (typeof token !== "string" || typeof password !== "string") return new Response("Missing token or password.", { status: 400, headers });
    try {
      await auth.resetPassword({ token, password });
      // no session: a reset never signs anyone in; send the user to the signin page
      return new Response("Your password was changed. Sign in with it.", { status: 200, headers });
    } catch (err) {
      // TOKEN_INVALID / TOKEN_EXPIRED: ask for a new link; WEAK_PASSWORD: the link still works, try another
      if (err instanceof AuthError) return new Response(escapeHtml(err.message), { status: err.status, headers });
      throw err;
    }
  };
}
