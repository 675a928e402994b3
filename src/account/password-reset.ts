/** Password reset: a mailed single-use token, then a new password. Resets never sign anyone in (OWASP). */
import { AuthError, storageCall } from "../errors.js";
import { assertStrong, mailer, type FlowParts } from "../flow-parts.js";
import { parseEmailRequest, parseReset } from "../input.js";
import { toUser, where } from "../sessions.js";
import type { RequestContext, User } from "../types.js";
import { dispatch, inBackground } from "./mail.js";

const invalid = () => new AuthError("TOKEN_INVALID", "This link is invalid or has already been used.");

/**
 * See `AuthSkill.requestPasswordReset`. In the caller's time: the input check, the mail limits (keyed by the
 * address asked for) and nothing else; finding the account, storing its token and sending happen after it has
 * been answered, so the answer and its time do not depend on whether the address names an account.
 */
export async function requestPasswordReset(p: FlowParts, input: { email: string }, context: RequestContext): Promise<void> {
  const { email } = parseEmailRequest(input);
  const mail = mailer(p);
  const at = p.now();
  await p.limiter?.reserveEmail(email, context.ip, at);
  const { emit } = p.account;
  inBackground(
    "password-reset",
    async () => {
      const user = await storageCall(() => p.storage.findUserByEmail(email));
      emit({ type: "password.reset_requested", userId: user?.id, at, ...where(context) });
      if (!user) return;
      // the address is kept with the token: once the account has moved to another address, the old one's link is void
      const { token, expiresAt } = await p.tokens.issue("password-reset", user.id, p.account.ttl.passwordReset, user.email);
      dispatch(mail, { kind: "password-reset", to: user.email, token, expiresAt, user: toUser(user) }, emit, p.now);
    },
    emit,
    p.now,
  );
}

/**
 * See `AuthSkill.resetPassword`. Every check comes before the token is spent: a weak password answers
 * `WEAK_PASSWORD` and leaves the link usable. Then the new hash (and the address marked verified: the link
 * reached it), every session ended, a pending email change voided, the signin lock lifted.
 */
export async function resetPassword(p: FlowParts, input: { token: string; password: string }, context: RequestContext): Promise<{ user: User }> {
  const v = parseReset(input);
  const record = await p.tokens.check(v.token, "password-reset");
  const user = await storageCall(() => p.storage.findUserById(record.userId));
  if (!user || user.email !== record.payload) throw invalid();
  assertStrong(p, v.password, user);
  const passwordHash = await p.passwords.hash(v.password);
  await p.tokens.spend(record);
  // the link reached the account's current address (its payload says which): that proves the address, too
  const updated = await storageCall(() => p.storage.updateUser(user.id, { passwordHash, emailVerified: true, updatedAt: p.now() }));
  if (!updated.ok) throw invalid(); // deleted meanwhile
  await p.sessions.revokeAll(user.id, "password");
  // an email change started by whoever knew the old password must not survive the recovery
  await p.tokens.voidPending("email-change", user.id, p.account.ttl.emailChange);
  await p.limiter?.unlock(`user:${user.id}`);
  p.account.emit({ type: "password.reset", userId: user.id, at: p.now(), ...where(context) });
  return { user: toUser(updated.user) };
}
