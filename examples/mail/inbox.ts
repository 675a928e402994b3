/**
 * Reads the mails that examples/mail/sink.py stored (one .eml file per message): just enough MIME for the
 * single-part text mails of mailer.ts — headers, and a body in 7bit, 8bit, quoted-printable or base64.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** One received mail. */
export interface ReceivedMail {
  file: string;
  /** Header names in lower case, values unfolded (still MIME-encoded-word where the sender encoded them). */
  headers: Map<string, string>;
  /** The raw header block, as received. */
  rawHeaders: string;
  /** The decoded text body. */
  text: string;
}

/** Parses one message as the sink stored it. */
export function parseMail(file: string, raw: string): ReceivedMail {
  const split = /\r?\n\r?\n/.exec(raw);
  const rawHeaders = split ? raw.slice(0, split.index) : raw;
  const body = split ? raw.slice(split.index + split[0].length) : "";
  const headers = new Map<string, string>();
  for (const line of rawHeaders.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const type = headers.get("content-type") ?? "text/plain";
  if (!/^text\/plain\b/i.test(type)) throw new Error(`${file}: expected a text/plain mail, got ${type}`);
  const encoding = (headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  return { file, headers, rawHeaders, text: decodeBody(body, encoding) };
}

function decodeBody(body: string, encoding: string): string {
  switch (encoding) {
    case "7bit":
    case "8bit":
      return body.replace(/\r\n/g, "\n");
    case "base64":
      return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8").replace(/\r\n/g, "\n");
    case "quoted-printable": {
      const soft = body.replace(/=\r?\n/g, "");
      const bytes = Buffer.from(
        soft.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
        "latin1",
      );
      return bytes.toString("utf8").replace(/\r\n/g, "\n");
    }
    default:
      throw new Error(`unsupported Content-Transfer-Encoding: ${encoding}`);
  }
}

/** Every mail in the directory, oldest first. */
export async function readMails(dir: string): Promise<ReceivedMail[]> {
  const files = (await readdir(dir)).filter((name) => /^\d+\.eml$/.test(name)).sort();
  return Promise.all(files.map(async (name) => parseMail(name, await readFile(join(dir, name), "latin1"))));
}

/**
 * Waits until a mail to `to` arrives that was not there before (`seen` files are skipped), checking every
 * 50 ms; gives up after `timeoutMs`. The send is not awaited by AuthSkill, so the mail comes a moment later.
 */
export async function waitForMail(dir: string, to: string, options: { seen?: ReadonlySet<string>; timeoutMs?: number } = {}): Promise<ReceivedMail> {
  const attempts = Math.ceil((options.timeoutMs ?? 10_000) / 50);
  for (let i = 0; i < attempts; i++) {
    const found = (await readMails(dir)).find((mail) => !options.seen?.has(mail.file) && recipient(mail) === to.toLowerCase());
    if (found) return found;
    await sleep(50);
  }
  throw new Error(`no mail to ${to} arrived in ${dir}`);
}

/** The address of the To header, in lower case. */
export function recipient(mail: ReceivedMail): string {
  const to = mail.headers.get("to") ?? "";
  return (/<([^>]+)>/.exec(to)?.[1] ?? to).trim().toLowerCase();
}

/**
 * The token in the #fragment of the first link in a mail that opens `page` under `appUrl` (what the page's
 * script reads); links anywhere else are ignored.
 *
 * @example
 * ```ts
 * const token = tokenFromLink(mail, new URL("https://app.example.com/"), "reset-password");
 * ```
 */
export function tokenFromLink(mail: ReceivedMail, appUrl: URL, page: string): string {
  const expected = new URL(page, appUrl);
  for (const match of mail.text.matchAll(/https?:\/\/\S+/g)) {
    const link = new URL(match[0]);
    const token = new URLSearchParams(link.hash.slice(1)).get("token");
    if (link.origin === expected.origin && link.pathname === expected.pathname && token) return token;
  }
  throw new Error(`${mail.file}: no link to ${expected.href} with a token`);
}
