import type { SessionRecord, SessionSummary } from "./adapter.js";

/**
 * The order every adapter lists sessions in: newest first, by `createdAt`, then by id.
 *
 * @example
 * ```ts
 * live.sort(newestFirst);
 * ```
 */
export function newestFirst(a: SessionSummary, b: SessionSummary): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * The public part of a session record, as `StorageAdapter.listUserSessions` lists it (a copy).
 *
 * @example
 * ```ts
 * const summary = sessionSummary(await storage.findSession(id));
 * ```
 */
export function sessionSummary(s: SessionRecord): SessionSummary {
  const { id, userId, createdAt, lastUsedAt, expiresAt, ipAddress, userAgent } = s;
  return structuredClone({ id, userId, createdAt, lastUsedAt, expiresAt, ipAddress, userAgent });
}

