/**
 * A signed-in user changes their password or email. Both ask for the current password, on the signin
 * budget of the account (so neither is a way around the signin limits). An email change switches only once
 * the new address has confirmed it, and tells the old address afterwards.
 */
import { AuthError, storageCall } from "../errors.js";
import { assertStrong, mailer, type FlowParts } from "../flow-parts.js";
import { parseChangePassword, parseEmailChange, parseToken } from "../input.js";
import { toUser } from "../sessions.js";
import type { UserRecord } from "../storage/adapter.js";
import type { User } from "../types.js";
import { dispatch, inBackground } from "./mail.js";
import { knownUser } from "./users.js";

const invalid = () => new AuthError("TOKEN_INVALID", "This link is invalid or has already been used.");
const taken = () => new AuthError("USER_EXISTS", "An account with this email address already exists.", { field: "email" });

/**
 * The current password, checked on the account's signin budget (`RATE_LIMITED` when spent; a wrong password
 * counts towards the lock as a failed signin does): `INVALID_CREDENTIALS` when wrong or when the account has
 * no password.
 */
async function proveCurrent(p: FlowParts, user: UserRecord, password: string, field: string): Promise<void> {
  const attempt = await p.limiter?.reserveSignin(`user:${user.id}`, null, p.now());
  const hash = user.passwordHash;
  const valid = await p.passwords.verify(password, hash ?? (await p.passwords.dummy()));
  if (!valid || hash === null) throw new AuthError("INVALID_CREDENTIALS", "The current password is not correct.", { field });
  if (attempt) await p.limiter!.succeeded(attempt); // an attempt exists only when there is a limiter
}

/** See `AuthSkill.changePassword`. */
export async function changePassword(
  p: FlowParts,
  input: { userId: string; currentPassword: string; newPassword: string; keepSessionId?: string | undefined },
): Promise<void> {
  const v = parseChangePassword(input);
  const user = await knownUser(p, v.userId, "changePassword");
  await proveCurrent(p, user, v.currentPassword, "currentPassword");
  assertStrong(p, v.newPassword, user, "newPassword");
  const passwordHash = await p.passwords.hash(v.newPassword);
  const updated = await storageCall(() => p.storage.updateUser(user.id, { passwordHash, updatedAt: p.now() }));
  if (!updated.ok) throw new AuthError("INVALID_INPUT", "There is no user with this id.", { field: "userId" }); // deleted meanwhile
  if (v.keepSessionId === undefined) {
    await p.sessions.revokeAll(user.id, "password");
  } else {
    // every other live session, one by one (the storage revokes all or one); one started concurrently may be
    // left, as with revokeAll
    const live = await storageCall(() => p.storage.listUserSessions(user.id, p.now()));
    for (const s of live) if (s.id !== v.keepSessionId) await p.sessions.revokeSession(s.id, "password");
  }
  await p.tokens.voidPending("email-change", user.id, p.account.ttl.emailChange); // one started with the old password
  p.account.emit({ type: "password.changed", userId: user.id, at: p.now() });
}

/**
 * See `AuthSkill.requestEmailChange`. The password is checked in the caller's time; whether the new address
 * is taken is not told (nor looked up) there: the confirmation goes to the new address after the caller was
 * answered, unless another account has it, and confirming answers `USER_EXISTS` if one has taken it since.
 */
export async function requestEmailChange(p: FlowParts, input: { userId: string; newEmail: string; password: string }): Promise<void> {
  const v = parseEmailChange(input);
  const mail = mailer(p);
  const user = await knownUser(p, v.userId, "requestEmailChange");
  await proveCurrent(p, user, v.password, "password");
  if (v.newEmail === user.email) throw new AuthError("INVALID_INPUT", "This is already the account's email address.", { field: "newEmail" });
  await p.limiter?.reserveEmail(v.newEmail, null, p.now());
  const { emit } = p.account;
  emit({ type: "email.change_requested", userId: user.id, at: p.now() });
  inBackground(
    "email-change",
    async () => {
      const taken = await storageCall(() => p.storage.findUserByEmail(v.newEmail));
      // issued even for a taken address, never sent: it voids the confirmation sent before (a typo's)
      const { token, expiresAt } = await p.tokens.issue("email-change", user.id, p.account.ttl.emailChange, v.newEmail);
      if (taken) return; // nothing is sent
      dispatch(mail, { kind: "email-change", to: v.newEmail, token, expiresAt, user: toUser(user), newEmail: v.newEmail }, emit, p.now);
    },
    emit,
    p.now,
  );
}

/** See `AuthSkill.confirmEmailChange`. */
export async function confirmEmailChange(p: FlowParts, input: { token: string }): Promise<{ user: User }> {
  const { token } = parseToken(input);
  const record = await p.tokens.check(token, "email-change");
  const newEmail = record.payload;
  const user = await storageCall(() => p.storage.findUserById(record.userId));
  if (!user || typeof newEmail !== "string") throw invalid();
  const holder = await storageCall(() => p.storage.findUserByEmail(newEmail));
  if (holder && holder.id !== user.id) throw taken(); // before spending: the link stays usable if the address frees up
  await p.tokens.spend(record);
  const updated = await storageCall(() => p.storage.updateUser(user.id, { email: newEmail, emailVerified: true, updatedAt: p.now() }));
  if (!updated.ok) throw updated.reason === "conflict" ? taken() : invalid();
  const { emit } = p.account;
  if (p.account.email !== null && user.email !== newEmail) {
    dispatch(p.account.email, { kind: "email-change", to: user.email, token: null, expiresAt: null, user: toUser(updated.user), newEmail }, emit, p.now);
  }
  emit({ type: "email.changed", userId: user.id, at: p.now() });
  return { user: toUser(updated.user) };
}
