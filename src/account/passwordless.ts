/**
 * Signing in by mail, without a password: a magic link (a 256-bit single-use token) or an email code (six digits,
 * five attempts). Both prove that the user reads the account's mailbox, so a session started this way also marks
 * the address verified. Neither is a second factor of the other (ory/kratos#4317): a session signed in by mail
 * carries `amr: ["email"]` once, whichever of the two was used.
 */
import { AuthError, storageCall } from "../errors.js";
import { mailer, type FlowParts } from "../flow-parts.js";
import { finishSignin } from "../second-factor/challenge.js";
import type { SigninResult } from "../second-factor/types.js";
import { parseEmailRequest, parseToken } from "../input.js";
import { toUser, where } from "../sessions.js";
import type { UserRecord } from "../storage/adapter.js";
import type { RequestContext, SigninContext } from "../types.js";
import { dispatch, inBackground } from "./mail.js";
import { EMAIL_CODE_DIGITS } from "./single-use-tokens.js";

/** Attempts at one email code; the next one voids it (the user asks for a new code). */
export const EMAIL_CODE_ATTEMPTS = 5;

/** The RFC 8176 `amr` of a session signed in by mail. Not registered there: mail is neither `otp` nor `pwd`. */
export const MAIL_AMR = ["email"] as const;

const invalidLink = () => new AuthError("TOKEN_INVALID", "This link is invalid or has already been used.");
const invalidCode = () => new AuthError("TOKEN_INVALID", "This code is invalid or has expired. Please request a new one.");
const CODE = new RegExp(`^[0-9]{${EMAIL_CODE_DIGITS}}$`);

/** The "remember me" choice of a sign-in by mail, as `Sessions.start` takes it (true unless `false`). */
function rememberMe(context: SigninContext, caller: string): boolean {
  if (typeof context !== "object" || context === null) throw new TypeError(`${caller}: context must be an object`);
  if (context.rememberMe !== undefined && typeof context.rememberMe !== "boolean") throw new TypeError(`${caller}: rememberMe must be a boolean`);
  return context.rememberMe !== false;
}

/**
 * What both requests share, in the caller's time: the input check, the `email` option and the mail limits (keyed
 * by the address asked for). The account lookup, the token and the send run after the caller has been answered,
 * so that neither the answer nor its time tells whether the address has an account.
 */
async function request(
  p: FlowParts,
  method: "magic-link" | "email-code",
  input: { email: string },
  context: RequestContext,
  send: (user: UserRecord) => Promise<void>,
): Promise<void> {
  const { email } = parseEmailRequest(input);
  mailer(p); // CONFIG_ERROR now, not in the background
  const at = p.now();
  await p.limiter?.reserveEmail(email, context.ip, at);
  const { emit } = p.account;
  inBackground(
    method,
    async () => {
      const user = await storageCall(() => p.storage.findUserByEmail(email));
      emit({ type: "signin.requested", method, userId: user?.id, at, ...where(context) });
      if (user) await send(user);
    },
    emit,
    p.now,
  );
}

/** See `AuthSkill.requestMagicLink`. */
export function requestMagicLink(p: FlowParts, input: { email: string }, context: RequestContext): Promise<void> {
  return request(p, "magic-link", input, context, async (user) => {
    // the address travels with the token: once the account has moved to another address, this link is void
    const { token, expiresAt } = await p.tokens.issue("magic-link", user.id, p.account.ttl.magicLink, user.email);
    dispatch(mailer(p), { kind: "magic-link", to: user.email, token, expiresAt, user: toUser(user) }, p.account.emit, p.now);
  });
}

/** See `AuthSkill.requestEmailCode`. */
export function requestEmailCode(p: FlowParts, input: { email: string }, context: RequestContext): Promise<void> {
  return request(p, "email-code", input, context, async (user) => {
    const { code, expiresAt } = await p.tokens.issueCode(user.id, p.account.ttl.emailCode, user.email);
    dispatch(mailer(p), { kind: "email-code", to: user.email, token: code, expiresAt, user: toUser(user) }, p.account.emit, p.now);
  });
}

/**
 * The session of a user who proved the mailbox: the address marked verified (the mail reached it), then
 * `Sessions.start`, whose gates (ban, email verification, second factor) every way in passes.
 */
async function startMailSession(p: FlowParts, user: UserRecord, context: SigninContext, persistent: boolean, method: "magic-link" | "email-code") {
  let current = user;
  if (!user.emailVerified) {
    const updated = await storageCall(() => p.storage.updateUser(user.id, { emailVerified: true, updatedAt: p.now() }));
    if (!updated.ok) throw method === "magic-link" ? invalidLink() : invalidCode(); // deleted meanwhile
    current = updated.user;
    p.account.emit({ type: "email.verified", userId: user.id, at: p.now() });
  }
  // a second factor is still asked for: two messages to one inbox are not two factors (ory/kratos#4317)
  return finishSignin(p, current, { ...context, rememberMe: persistent }, { method, amr: [...MAIL_AMR] });
}

/**
 * See `AuthSkill.signinWithMagicLink`. The token is checked, then its account (it must still have the address the
 * link was sent to), then spent — of concurrent uses exactly one wins — and only then is the session started.
 */
export async function signinWithMagicLink(p: FlowParts, input: { token: string }, context: SigninContext): Promise<SigninResult> {
  const persistent = rememberMe(context, "signinWithMagicLink");
  const { token } = parseToken(input);
  const record = await p.tokens.check(token, "magic-link");
  const user = await storageCall(() => p.storage.findUserById(record.userId));
  if (!user || user.email !== record.payload) throw invalidLink();
  await p.tokens.spend(record);
  return startMailSession(p, user, context, persistent, "magic-link");
}

/**
 * See `AuthSkill.signinWithEmailCode`. In order: the signin limits (per account and per client, as a password
 * signin's), one of the code's five attempts reserved before the code is compared (so concurrent guesses never
 * test more than five), the code's record, then spent — of concurrent uses exactly one wins. An unknown address
 * makes the same storage calls as a known one with a wrong code, and gets the same answer.
 */
export async function signinWithEmailCode(p: FlowParts, input: { email: string; code: string }, context: SigninContext): Promise<SigninResult> {
  const persistent = rememberMe(context, "signinWithEmailCode");
  if (typeof input !== "object" || input === null) throw new AuthError("INVALID_INPUT", "The request is not valid.");
  const { email } = parseEmailRequest({ email: input.email });
  const code = typeof input.code === "string" && input.code.length <= 64 ? input.code.trim() : null;
  if (code === null) throw new AuthError("INVALID_INPUT", "A code of six digits is required.", { field: "code" });
  const now = p.now();
  const user = await storageCall(() => p.storage.findUserByEmail(email));
  const attempt = await p.limiter?.reserveSignin(user ? `user:${user.id}` : `email:${email}`, context.ip, now);
  // an unknown address counts against an id no user has, and looks up a hash no record has: the same calls
  const subject = user?.id ?? `unknown:${p.tokens.hash(email)}`;
  const allowed = await storageCall(() => p.storage.reserveVerificationAttempt(subject, "email-code", EMAIL_CODE_ATTEMPTS, now));
  const record = await storageCall(() => p.storage.findVerification(p.tokens.codeHash(subject, CODE.test(code) ? code : "-"), "email-code"));
  if (!user || !allowed || !record || record.userId !== user.id || record.payload !== user.email) throw invalidCode();
  if (!(record.expiresAt.getTime() > now.getTime())) throw invalidCode();
  await p.tokens.spend(record).catch(() => {
    throw invalidCode();
  });
  if (attempt) await p.limiter?.succeeded(attempt);
  return startMailSession(p, user, context, persistent, "email-code");
}
