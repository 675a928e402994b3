/**
 * AuthSkill's `email.send`, on nodemailer over SMTP. The library hands over a message (`kind`, `to`, `token`);
 * this turns it into a plain-text mail whose link is built from configuration (APP_URL) — never from a
 * request's Host or X-Forwarded-Host — and points at a page of your app that POSTs the token back, so that
 * mail scanners that open links do not spend it. The token is only ever in the body's link, in its #fragment
 * (which browsers never send to a server, so it stays out of access logs and Referer headers): never in a
 * subject, a header, a query string or a log line.
 */
import type { EmailMessage } from "auth-skill";
import nodemailer from "nodemailer";

/** Where mail goes and what links point at. */
export interface MailConfig {
  /** The SMTP server (SMTP_HOST, default 127.0.0.1). */
  smtpHost: string;
  /** Its port (SMTP_PORT, default 2525). */
  smtpPort: number;
  /** The public address of the app the links open (APP_URL), e.g. `https://app.example.com/`. */
  appUrl: URL;
  /** The sender (MAIL_FROM). */
  from: string;
  /** SMTP credentials (SMTP_USER, SMTP_PASS), when the server wants them. */
  auth?: { user: string; pass: string } | undefined;
}

/**
 * Reads the configuration from the environment; throws on a missing or malformed value.
 *
 * @example
 * ```ts
 * const config = mailConfigFromEnv(); // SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASS, APP_URL, MAIL_FROM
 * ```
 */
export function mailConfigFromEnv(env: Record<string, string | undefined> = process.env): MailConfig {
  const port = Number(env.SMTP_PORT ?? 2525);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error("SMTP_PORT must be a port number");
  if (!env.APP_URL) throw new Error("Set APP_URL to the public address of your app, e.g. https://app.example.com/");
  return {
    smtpHost: env.SMTP_HOST ?? "127.0.0.1",
    smtpPort: port,
    appUrl: appUrl(env.APP_URL),
    from: env.MAIL_FROM ?? "Example App <no-reply@example.com>",
    auth: env.SMTP_USER ? { user: env.SMTP_USER, pass: env.SMTP_PASS ?? "" } : undefined,
  };
}

/** An absolute http(s) URL, with a trailing slash so that links resolve below its path. */
function appUrl(value: string): URL {
  const url = new URL(value);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("APP_URL must be an http(s) URL");
  if (url.search || url.hash || url.username || url.password) throw new Error("APP_URL must have no query, fragment or credentials");
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

/** The page of the app each kind of link opens (it shows a form that POSTs the token). */
export const pages = {
  "password-reset": "reset-password",
  "email-verification": "verify-email",
  "email-change": "confirm-email-change",
  "magic-link": "sign-in",
  "email-code": "sign-in", // a code is typed in, not followed: its mail carries no link
} as const satisfies Record<EmailMessage["kind"], string>;

/** A mail's subject and text. */
export interface Composed {
  subject: string;
  text: string;
}

/**
 * The subject and text of one message. Subjects are fixed per kind; the link is `APP_URL` + the kind's page +
 * `#token=…`; the notice to the old address of an email change has no token and no link.
 *
 * @example
 * ```ts
 * const { subject, text } = compose(message, new URL("https://app.example.com/"));
 * ```
 */
export function compose(message: EmailMessage, base: URL): Composed {
  // No user-supplied text (name, username) goes into a mail: whoever signs up with someone else's address
  // would otherwise write words of their own into a mail from you to that person. Hence a plain "Hello,".
  if (message.token === null) {
    return {
      subject: "Your email address was changed",
      text: `Hello,\n\nThe email address of your account was changed to ${message.newEmail ?? "another address"}.\nIf you did not do this, contact us at once: your account may be in someone else's hands.\n`,
    };
  }
  const link = new URL(pages[message.kind], base);
  link.hash = new URLSearchParams({ token: message.token }).toString();
  const until = message.expiresAt ? `This link works once, until ${message.expiresAt.toUTCString()}.` : "This link works once.";
  switch (message.kind) {
    case "password-reset":
      return {
        subject: "Reset your password",
        text: `Hello,\n\nSomeone (we hope you) asked to reset the password of your account. To choose a new one, open:\n\n${link.href}\n\n${until}\nIf you did not ask for this, ignore this mail: your password stays as it is.\n`,
      };
    case "email-verification":
      return {
        subject: "Confirm your email address",
        text: `Hello,\n\nTo confirm that this address is yours, open:\n\n${link.href}\n\n${until}\n`,
      };
    case "email-change":
      return {
        subject: "Confirm your new email address",
        text: `Hello,\n\nTo make ${message.to} the email address of your account, open:\n\n${link.href}\n\n${until}\nIf you did not ask for this, ignore this mail: nothing changes.\n`,
      };
    case "magic-link":
      return {
        subject: "Your sign-in link",
        text: `Hello,\n\nTo sign in, open:\n\n${link.href}\n\n${until}\nIf you did not ask for this, ignore this mail.\n`,
      };
    case "email-code":
      return {
        subject: "Your sign-in code",
        text: `Hello,\n\nYour sign-in code is ${message.token}. It works once${message.expiresAt ? `, until ${message.expiresAt.toUTCString()}` : ""}.\nIf you did not ask for this, ignore this mail.\n`,
      };
  }
}

/** A mailer for the `email` option, and a way to close its SMTP connections. */
export interface Mailer {
  send: (message: EmailMessage) => Promise<void>;
  close: () => void;
}

/**
 * A nodemailer SMTP transport and the `send` that AuthSkill calls. AuthSkill does not await it: a failure
 * becomes an `email.send_failed` event (its kind and user id; no address, no token). On loopback it speaks
 * plain SMTP (a local sink or relay); elsewhere TLS is required: implicit on port 465, STARTTLS otherwise.
 *
 * @example
 * ```ts
 * const mailer = createMailer(mailConfigFromEnv());
 * const auth = new AuthSkill({ secret, storage, email: { send: mailer.send } });
 * ```
 */
export function createMailer(config: MailConfig): Mailer {
  const local = isLocal(config.smtpHost);
  const transport = nodemailer.createTransport({
    host: config.smtpHost,
    port: config.smtpPort,
    secure: !local && config.smtpPort === 465,
    requireTLS: !local, // refuse a server that does not offer STARTTLS rather than send the link in clear
    ignoreTLS: local,
    ...(config.auth ? { auth: config.auth } : {}),
  });
  return {
    async send(message) {
      const { subject, text } = compose(message, config.appUrl);
      await transport.sendMail({ from: config.from, to: message.to, subject, text });
    },
    close: () => transport.close(),
  };
}

/** A loopback host: no TLS to negotiate with a local sink. */
function isLocal(host: string): boolean {
  return host === "localhost" || host === "127.0.0.1" || host === "::1";
}
