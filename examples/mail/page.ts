/**
 * The page a reset link opens, as a Web-standard handler (Request -> Response). The link carries the token in
 * its #fragment, which the browser keeps to itself: GET serves the same static form to everyone and spends
 * nothing (mail scanners and link previews open links), the form's script copies the fragment's token into
 * the form, and only the form's POST calls `resetPassword`.
 */
import { AuthError, type AuthSkill } from "auth-skill";

/** Reads `#token=…`, takes it out of the address bar and history, and puts it into the form. */
const script = `const token = new URLSearchParams(location.hash.slice(1)).get("token") ?? "";
history.replaceState(null, "", location.pathname);
document.forms[0].elements.token.value = token;`;

const form = `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Choose a new password</title>
<form method="post"><input type="hidden" name="token">
<label>New password <input type="password" name="password" autocomplete="new-password" required></label>
<button>Set password</button></form>
<script>${script}</script>`;

const html = { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "referrer-policy": "no-referrer" };
const text = { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" };

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
    if (request.method === "GET") return new Response(form, { status: 200, headers: html });
    if (request.method !== "POST") return new Response(null, { status: 405, headers: { allow: "GET, POST" } });
    const body = await request.formData();
    const token = body.get("token");
    const password = body.get("password");
    if (typeof token !== "string" || typeof password !== "string") return new Response("Missing token or password.", { status: 400, headers: text });
    try {
      await auth.resetPassword({ token, password });
      // no session: a reset never signs anyone in; send the user to the signin page
      return new Response("Your password was changed. Sign in with it.", { status: 200, headers: text });
    } catch (err) {
      // TOKEN_INVALID / TOKEN_EXPIRED: ask for a new link; WEAK_PASSWORD: the link still works, try another
      if (err instanceof AuthError) return new Response(err.message, { status: err.status, headers: text });
      throw err;
    }
  };
}
