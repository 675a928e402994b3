/** The server's own account operations: read a user, list their sessions, set roles, delete. */
import { AuthError, storageCall } from "../errors.js";
import type { FlowParts } from "../flow-parts.js";
import { toUser } from "../sessions.js";
import type { UserRecord } from "../storage/adapter.js";
import type { User } from "../types.js";
import { checkRoles } from "./roles.js";

/** No user id is longer: a longer one names nobody, and is answered without asking the storage. */
export const MAX_USER_ID = 255;

/**
 * One of the user's live sessions, for a "where you're signed in" page: no token, no hash.
 *
 * @example
 * ```ts
 * const sessions: SessionInfo[] = await auth.listSessions(userId);
 * ```
 */
export interface SessionInfo {
  id: string;
  createdAt: Date;
  /** The last signin or refresh. */
  lastUsedAt: Date;
  /** When its refresh token stops working if unused: the absolute or the idle expiry, whichever is first. */
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

function checkId(userId: unknown, method: string): asserts userId is string {
  if (typeof userId !== "string" || userId === "") throw new TypeError(`${method}: userId must be a non-empty string`);
}

/** The user with this id, or `INVALID_INPUT` (field `userId`). */
export async function knownUser(p: FlowParts, userId: string, method: string): Promise<UserRecord> {
  checkId(userId, method);
  const user = userId.length > MAX_USER_ID ? null : await storageCall(() => p.storage.findUserById(userId));
  if (!user) throw new AuthError("INVALID_INPUT", "There is no user with this id.", { field: "userId" });
  return user;
}

/** See `AuthSkill.getUser`. */
export async function getUser(p: FlowParts, userId: string): Promise<User | null> {
  checkId(userId, "getUser");
  if (userId.length > MAX_USER_ID) return null;
  const user = await storageCall(() => p.storage.findUserById(userId));
  return user ? toUser(user) : null;
}

/** See `AuthSkill.listSessions`: the storage's live sessions, less those past their idle expiry. */
export async function listSessions(p: FlowParts, userId: string): Promise<SessionInfo[]> {
  checkId(userId, "listSessions");
  if (userId.length > MAX_USER_ID) return [];
  const now = p.now();
  const live = await storageCall(() => p.storage.listUserSessions(userId, now));
  const sessions: SessionInfo[] = [];
  for (const s of live) {
    const expiresAt = p.sessions.expiry(s);
    if (!(expiresAt.getTime() > now.getTime())) continue; // idle-expired (or a date that is not a number)
    sessions.push({ id: s.id, createdAt: s.createdAt, lastUsedAt: s.lastUsedAt, expiresAt, ip: s.ipAddress, userAgent: s.userAgent });
  }
  return sessions;
}

/** See `AuthSkill.setRoles`. */
export async function setRoles(p: FlowParts, userId: string, roles: string[]): Promise<User> {
  checkId(userId, "setRoles");
  const checked = checkRoles(roles);
  const missing = () => new AuthError("INVALID_INPUT", "There is no user with this id.", { field: "userId" });
  if (userId.length > MAX_USER_ID) throw missing();
  const updated = await storageCall(() => p.storage.updateUser(userId, { roles: checked, updatedAt: p.now() }));
  if (!updated.ok) throw missing();
  p.account.emit({ type: "roles.changed", userId, roles: [...checked], at: p.now() });
  return toUser(updated.user);
}

/** See `AuthSkill.deleteUser`. */
export async function deleteUser(p: FlowParts, userId: string): Promise<void> {
  checkId(userId, "deleteUser");
  if (userId.length > MAX_USER_ID) return;
  if (await storageCall(() => p.storage.deleteUser(userId))) p.account.emit({ type: "user.deleted", userId, at: p.now() });
}
