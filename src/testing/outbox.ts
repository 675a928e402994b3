import type { EmailKind } from "../account/events.js";
import type { EmailMessage } from "../account/mail.js";

/**
 * Collects the messages an `AuthSkill` sends (give `outbox.send` as `email.send`, as `createTestAuth` does), so
 * a test reads the token a user would find in their mail.
 */
export interface Outbox {
  /** Every message sent so far, oldest first. */
  readonly messages: readonly EmailMessage[];
  /** The `email.send` function that fills the outbox. */
  readonly send: (message: EmailMessage) => void;
  /** The latest message sent (of `kind`, when given), or `undefined`. Does not wait: see {@link Outbox.tokenFor}. */
  last(kind?: EmailKind): EmailMessage | undefined;
  /**
   * The token of the oldest message to `email` of `kind` that no earlier `tokenFor` returned, waiting (up to
   * `timeoutMs`, default 2,000 ms) for it to arrive: the request flows answer first and send after, so a test
   * awaits `requestPasswordReset` and then this. Asking twice after two requests gives both tokens, in order.
   * Rejects with an `Error` when no such message arrives in time, or when the message carries no token (the
   * notice to an old address after an email change).
   */
  tokenFor(email: string, kind: EmailKind, options?: { timeoutMs?: number | undefined }): Promise<string>;
  /** Empties the outbox (and forgets which messages `tokenFor` returned). */
  clear(): void;
}

/**
 * An empty {@link Outbox}.
 *
 * @example
 * ```ts
 * const outbox = createOutbox();
 * const auth = new AuthSkill({ email: { send: outbox.send } });
 * await auth.requestPasswordReset({ email: "ada@example.com" });
 * const token = await outbox.tokenFor("ada@example.com", "password-reset");
 * ```
 */
export function createOutbox(): Outbox {
  const messages: EmailMessage[] = [];
  const taken = new Set<EmailMessage>();
  const waiters = new Set<() => void>();

  const untaken = (to: string, kind: EmailKind) => messages.find((m) => !taken.has(m) && m.kind === kind && m.to.toLowerCase() === to);

  return {
    messages,
    send(message) {
      messages.push(message);
      for (const wake of [...waiters]) wake();
    },
    last(kind) {
      return messages.findLast((m) => kind === undefined || m.kind === kind);
    },
    tokenFor(email, kind, options = {}) {
      const to = email.trim().toLowerCase();
      const timeoutMs = options.timeoutMs ?? 2_000;
      return new Promise<string>((resolve, reject) => {
        const settle = (message: EmailMessage) => {
          taken.add(message);
          if (message.token === null) reject(new Error(`outbox: the ${kind} message to ${to} carries no token`));
          else resolve(message.token);
        };
        const found = untaken(to, kind);
        if (found) return settle(found);
        const wake = () => {
          const message = untaken(to, kind);
          if (!message) return;
          done();
          settle(message);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`outbox: no ${kind} message to ${to} arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        waiters.add(wake);
      });
    },
    clear() {
      messages.length = 0;
      taken.clear();
    },
  };
}
