/**
 * The page's files, served as Web `Response`s from one folder (examples/web-app/public): GET and HEAD only,
 * known file types only, nothing outside the folder, and the headers that keep an access token held in page
 * memory out of reach of other scripts and other sites (a strict Content-Security-Policy, no framing).
 */
import { readFile } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

/**
 * Scripts and styles from this origin only (no inline script: an injected `<script>` does not run), fetches
 * to this origin only, forms posting here only, and no page of another site may frame this one (clickjacking).
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/** The headers of every page the example serves (the outbox page too). */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

function text(status: number, body: string, extra: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", ...extra } });
}

/**
 * A function answering requests for the files under `root`: `/` is `index.html`, `/reset` is `reset.html`;
 * 404 for anything else that is not a file of a known type there, 405 for a method other than GET or HEAD.
 *
 * @example
 * ```ts
 * const files = staticFiles(fileURLToPath(new URL("./public/", import.meta.url)));
 * const response = await files(new Request("http://127.0.0.1:3000/app.js")); // 200 text/javascript
 * ```
 */
export function staticFiles(root: string): (request: Request) => Promise<Response> {
  const base = resolve(root);
  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") return text(405, "Method not allowed.", { allow: "GET, HEAD" });
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url).pathname);
    } catch {
      return text(400, "Bad path.");
    }
    if (path === "/") path = "/index.html";
    if (path === "/reset") path = "/reset.html";
    const type = TYPES[extname(path)];
    const file = resolve(join(base, path));
    // Only files directly in the folder: no "..", no dotfiles, no sub-folders, no NUL.
    if (type === undefined || !file.startsWith(base + sep) || file.slice(base.length + 1).includes(sep) || /[\0]|\/\./.test(path)) {
      return text(404, "Not found.");
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return text(404, "Not found.");
    }
    const headers = { "content-type": type, ...PAGE_HEADERS };
    return new Response(request.method === "HEAD" ? null : new Uint8Array(body), { status: 200, headers });
  };
}
