/** Email verification: the message signup and `requestEmailVerification` send, and `verifyEmail`. */
import { AuthError, storageCall } from "../errors.js";
import { mailer, type FlowParts } from "../flow-parts.js";
import { parseToken } from "../input.js";
import { toUser } from "../sessions.js";
import type { UserRecord } from "../storage/adapter.js";
import type { User } from "../types.js";
import { dispatch } from "./mail.js";
import { knownUser } from "./users.js";

const invalid = () => new AuthError("TOKEN_INVALID", "This link is invalid or has already been used.");

/**
 * Stores a verification token for the user's current address (a new one voids the one sent before) and
 * starts sending it. The address goes into the token's record: a token sent to an address the account has
 * since left verifies nothing.
 */
export async function sendVerification(p: FlowParts, user: UserRecord): Promise<void> {
  const email = mailer(p);
  const { token, expiresAt } = await p.tokens.issue("email-verification", user.id, p.account.ttl.emailVerification, user.email);
  dispatch(email, { kind: "email-verification", to: user.email, token, expiresAt, user: toUser(user) }, p.account.emit, p.now);
  p.account.emit({ type: "email.verification_requested", userId: user.id, at: p.now() });
}

/** See `AuthSkill.requestEmailVerification`. */
export async function requestEmailVerification(p: FlowParts, userId: string): Promise<void> {
  mailer(p); // CONFIG_ERROR before anything else
  const user = await knownUser(p, userId, "requestEmailVerification");
  if (user.emailVerified) return; // nothing to verify, nothing sent
  await p.limiter?.reserveEmail(user.email, null, p.now());
  await sendVerification(p, user);
}

/** See `AuthSkill.verifyEmail`. */
export async function verifyEmail(p: FlowParts, input: { token: string }): Promise<{ user: User }> {
  const { token } = parseToken(input);
  const record = await p.tokens.check(token, "email-verification");
  const user = await storageCall(() => p.storage.findUserById(record.userId));
  if (!user || user.email !== record.payload) throw invalid();
  await p.tokens.spend(record);
  const updated = await storageCall(() => p.storage.updateUser(user.id, { emailVerified: true, updatedAt: p.now() }));
  if (!updated.ok) throw invalid(); // deleted meanwhile
  p.account.emit({ type: "email.verified", userId: user.id, at: p.now() });
  return { user: toUser(updated.user) };
}
