// Shared set-up of the account-flow tests: a real AuthSkill (argon2, memoryStorage) with a manual clock, an
// in-memory outbox as `email.send`, and the events `onEvent` received.
import { AuthSkill, memoryStorage, type AuthEvent, type AuthSkillOptions, type EmailKind, type EmailMessage, type StorageAdapter } from "../../src/index.js";
import { SECRET, manualClock } from "../helpers.js";

export const PASSWORD = "quiet mountain lakes at dawn";
export const NEW_PASSWORD = "seven amber kites drifting";

/** The fixed messages of the account flows' errors (they name no address, token or reason). */
export const MESSAGES = {
  linkInvalid: "This link is invalid or has already been used.",
  linkExpired: "This link has expired. Please request a new one.",
  noSuchUser: "There is no user with this id.",
  wrongPassword: "The current password is not correct.",
  emailTaken: "An account with this email address already exists.",
  sameEmail: "This is already the account's email address.",
};

/** Lets the work the flows start without awaiting (mail, events: each a setTimeout 0 away) run to its end. */
export async function flush(ticks = 5): Promise<void> {
  for (let i = 0; i < ticks; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Messages `email.send` received, and the token of the last one of a kind (to an address). */
export function outbox() {
  const messages: EmailMessage[] = [];
  return {
    messages,
    send: (message: EmailMessage) => void messages.push(message),
    /** The token of the newest message of `kind` (to `to`); throws when there is none. */
    token(kind: EmailKind, to?: string): string {
      const m = messages.filter((x) => x.kind === kind && x.token !== null && (to === undefined || x.to === to)).at(-1);
      if (!m?.token) throw new Error(`no ${kind} message${to ? ` to ${to}` : ""} in the outbox`);
      return m.token;
    },
  };
}

type Options = Omit<AuthSkillOptions, "requireEmailVerification" | "now" | "onEvent" | "totp">;

/** An instance on a fresh memoryStorage, with its clock, outbox and events. */
export function setup(options: Options = {}) {
  const clock = manualClock();
  const mail = outbox();
  const events: AuthEvent[] = [];
  const auth = new AuthSkill({
    secret: SECRET,
    storage: memoryStorage(),
    now: clock.now,
    email: { send: mail.send },
    onEvent: (e) => void events.push(e),
    ...options,
  });
  const of = <T extends AuthEvent["type"]>(type: T) => events.filter((e): e is Extract<AuthEvent, { type: T }> => e.type === type);
  return { auth, clock, mail, events, of };
}

/** {@link setup} with Ada signed up (ada@example.com, {@link PASSWORD}). */
export async function withAda(options: Options = {}) {
  const s = setup(options);
  const ada = await s.auth.signup({ email: "ada@example.com", password: PASSWORD }, { ip: "203.0.113.7", userAgent: "Firefox" });
  await flush();
  return { ...s, ada };
}

/** memoryStorage counting the email lookups made: what ran in a caller's time, by count rather than by clock. */
export function countingStorage() {
  const base = memoryStorage();
  const calls = { findUserByEmail: 0 };
  const storage: StorageAdapter = { ...base, findUserByEmail: (email) => (calls.findUserByEmail++, base.findUserByEmail(email)) };
  return { storage, calls };
}

/**
 * memoryStorage where another request's work can land between two steps of a flow: `beforeNext(method, step)` runs
 * `step` once, just before the next call of `method` (a user deleted while their link is being used, an address
 * taken meanwhile, a database that fails). `base` is the storage itself, for the other request's work.
 */
export function interleavedStorage() {
  const base = memoryStorage();
  const steps = new Map<string, () => Promise<unknown>>();
  const storage = { ...base };
  for (const [name, method] of Object.entries(base) as [string, unknown][]) {
    if (typeof method !== "function") continue;
    Object.assign(storage, {
      [name]: (...args: unknown[]) => {
        const step = steps.get(name);
        if (step === undefined) return method(...args);
        steps.delete(name);
        return step().then(() => method(...args));
      },
    });
  }
  const beforeNext = (method: keyof StorageAdapter, step: () => Promise<unknown>) => void steps.set(method, step);
  return { storage: storage as StorageAdapter, base, beforeNext };
}
