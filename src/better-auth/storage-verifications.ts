import type { VerificationRecord } from "../storage/adapter.js";
import { fromDb, toDb, type Db } from "./db.js";

/**
 * Single-use tokens in Better Auth's `verification(identifier, value, expiresAt)` table, next to Better Auth's
 * own rows and apart from them: `identifier = "auth-skill:<purpose>:<tokenHash>"` (Better Auth indexes
 * `identifier`; its own identifiers never start with "auth-skill:"), `value` = `{"userId": ...}` as JSON.
 * A token hash is an HMAC of 256 random bits, so uniqueness holds by construction (the column has no
 * unique index). Consuming is one `DELETE ... RETURNING`: of concurrent callers exactly one gets the row.
 */
export const VERIFICATION_PREFIX = "auth-skill:";

const identifier = (purpose: string, tokenHash: string) => `${VERIFICATION_PREFIX}${purpose}:${tokenHash}`;

/** Stores a single-use token. */
export async function createVerification(db: Db, v: VerificationRecord): Promise<void> {
  await db.kysely
    .insertInto("verification")
    .values({
      id: v.id,
      identifier: identifier(v.purpose, v.tokenHash),
      value: JSON.stringify({ userId: v.userId }),
      expiresAt: toDb(db, v.expiresAt),
      createdAt: toDb(db, v.createdAt),
      updatedAt: toDb(db, v.createdAt),
    })
    .execute();
}

/** Deletes the token's row and resolves it, unless it expired at `now` (then it is deleted all the same). */
export async function consumeVerification(db: Db, tokenHash: string, purpose: string, now: Date): Promise<VerificationRecord | null> {
  const row = await db.kysely
    .deleteFrom("verification")
    .where("identifier", "=", identifier(purpose, tokenHash))
    .returning(["id", "value", "createdAt", "expiresAt"])
    .executeTakeFirst();
  if (!row) return null;
  const expiresAt = fromDb(row.expiresAt);
  if (expiresAt.getTime() <= now.getTime()) return null;
  let userId: string | null = null;
  try {
    const parsed = JSON.parse(String(row.value)) as { userId?: unknown };
    if (typeof parsed?.userId === "string") userId = parsed.userId;
  } catch {
    // not one of ours after all: no user
  }
  return { id: String(row.id), purpose, userId, tokenHash, createdAt: fromDb(row.createdAt), expiresAt };
}
