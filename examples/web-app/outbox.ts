/**
 * DEMO ONLY — a stand-in for the user's mailbox. AuthSkill hands each message to `email.send`; a real app
 * mails it (see examples/mail). This demo keeps the messages in memory and lists them at `/outbox`, so you
 * can click a reset link without a mail server. Never serve such a page in production: it shows every
 * user's reset link to whoever opens it.
 */
import type { EmailMessage } from "auth-skill";
import { PAGE_HEADERS } from "./static.js";

/** One message as the outbox page lists it. */
export interface OutboxEntry {
  kind: EmailMessage["kind"];
  to: string;
  /** The link the mail would carry (the token in its #fragment, so it never reaches a server log), or null. */
  link: string | null;
  at: Date;
}

/** The demo's in-memory mailbox. */
export interface DemoOutbox {
  /** Give this as the instance's `email.send`. */
  readonly send: (message: EmailMessage) => void;
  /** The messages, newest first (at most 50 are kept). */
  readonly entries: () => readonly OutboxEntry[];
  /** `GET /outbox`: the messages as an HTML page. */
  readonly page: (request: Request) => Response;
}

const KEEP = 50;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page a message links to: only password resets are handled by this demo's pages. */
function linkOf(message: EmailMessage, origin: string): string | null {
  if (message.kind !== "password-reset" || message.token === null) return null;
  return `${origin}/reset#token=${encodeURIComponent(message.token)}`;
}

/**
 * An empty demo outbox whose links point at `origin` (the app's own configured origin — never a request's
 * `Host`, which a client chooses).
 *
 * @example
 * ```ts
 * const outbox = createDemoOutbox("http://127.0.0.1:3000");
 * const auth = new AuthSkill({ email: { send: outbox.send }, refreshToken: { reuseInterval: "10s" } });
 * ```
 */
export function createDemoOutbox(origin: string): DemoOutbox {
  const entries: OutboxEntry[] = [];
  return {
    send(message) {
      entries.unshift({ kind: message.kind, to: message.to, link: linkOf(message, origin), at: new Date() });
      entries.length = Math.min(entries.length, KEEP);
    },
    entries: () => entries.slice(),
    page(request) {
      if (request.method !== "GET" && request.method !== "HEAD") {
        return new Response("Method not allowed.", { status: 405, headers: { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" } });
      }
      const rows = entries.map((e) => {
        const link = e.link === null ? "(no link in this demo)" : `<a class="mail-link" href="${escapeHtml(e.link)}">Reset your password</a>`;
        return `<li class="mail"><strong>${escapeHtml(e.kind)}</strong> to <span class="mail-to">${escapeHtml(e.to)}</span>
<time>${e.at.toISOString()}</time><br>${link}</li>`;
      });
      const html = `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Demo outbox</title><link rel="stylesheet" href="/style.css">
<main><p class="demo-banner"><strong>Demo only.</strong> This page stands in for your users' mailboxes: it lists the mail
the app sent since it started. A real app mails these links (examples/mail) and never serves a page like this.</p>
<h1>Outbox</h1>${rows.length === 0 ? "<p>No mail yet.</p>" : `<ul class="mails">${rows.join("\n")}</ul>`}
<p><a href="/">Back to the app</a></p></main></html>`;
      return new Response(request.method === "HEAD" ? null : html, { status: 200, headers: { "content-type": "text/html; charset=utf-8", ...PAGE_HEADERS } });
    },
  };
}
