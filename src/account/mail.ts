import type { User } from "../types.js";
import type { EmailKind, Emit } from "./events.js";

/**
 * A message for `email.send` to deliver. The library never sends mail itself and never builds links: put
 * `token` into a link of your own (from configuration, never from the request's Host) to a page that POSTs it
 * back, so that mail scanners that open links do not spend it.
 *
 * - `password-reset`, `email-verification`: `token` and `expiresAt` are set; `to` is the user's address.
 * - `email-change` to the new address: the confirmation, with `token`; `newEmail` is `to`.
 * - `email-change` to the old address: a notice that the address was changed, `token` and `expiresAt` null.
 *
 * @example
 * ```ts
 * const send = async (m: EmailMessage) => {
 *   const link = m.token && `https://app.example.com/${m.kind}?token=${encodeURIComponent(m.token)}`;
 *   await mailer.sendMail({ to: m.to, subject: subjects[m.kind], text: link ?? "Your email address was changed." });
 * };
 * ```
 */
export interface EmailMessage {
  kind: EmailKind;
  to: string;
  token: string | null;
  expiresAt: Date | null;
  /** The account, as it is when the message is made. */
  user: User;
  /** For `email-change`: the address the account changes to. */
  newEmail?: string | undefined;
}

/** The `email` option: how messages leave. */
export interface EmailOptions {
  /** Delivers one message (a mailer, a queue). Not awaited by the flows: a rejection becomes `email.send_failed`. */
  send: (message: EmailMessage) => unknown;
}

/** Starts sending a message without waiting for it; a failure (thrown or rejected) becomes `email.send_failed`. */
export function dispatch(email: EmailOptions, message: EmailMessage, emit: Emit, now: () => Date): void {
  const failed = () => {
    try {
      emit({ type: "email.send_failed", kind: message.kind, userId: message.user.id, at: now() });
    } catch {
      // a broken clock: nothing more can be said
    }
  };
  try {
    Promise.resolve(email.send(message)).then(undefined, failed);
  } catch {
    failed();
  }
}

/**
 * Runs a mail request's work (find the account, store its token, start the send) after the caller has been
 * answered, so that the answer and its timing are the same whether or not the address names an account. A
 * failure on the way becomes `email.send_failed`.
 */
export function inBackground(kind: EmailKind, work: () => Promise<void>, emit: Emit, now: () => Date): void {
  setTimeout(() => {
    work().then(undefined, () => {
      try {
        emit({ type: "email.send_failed", kind, at: now() });
      } catch {
        // a broken clock: nothing more can be said
      }
    });
  }, 0);
}
