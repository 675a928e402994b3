import type { Kysely } from "kysely";
import type { RotateSessionInput } from "../../storage/adapter.js";
import { millis } from "./rows.js";
import type { SessionsTable, Tables, UsersTable } from "./schema.js";
import { template } from "./template.js";

/** The values of one rotation statement, by slot. */
export interface RotationValues {
  tokenHash: string;
  successor: string | null;
  rotatedAt: number;
  lastUsedAt: number;
  id: string;
  generation: number;
  currentHash: string;
}

/**
 * The statements every signin and refresh runs, compiled once (see template.ts): the user lookups, the
 * session lookup and the rotation's conditional UPDATE (`RETURNING *` where the dialect has it). The
 * adapter's other statements are built per call.
 *
 * @example
 * ```ts
 * const hot = hotStatements(db, { users: "auth_users", sessions: "auth_sessions" }, true);
 * const [row] = (await hot.sessionById({ id })).rows;
 * ```
 */
export function hotStatements(db: Kysely<Tables>, tables: { users: "users"; sessions: "sessions" }, returning: boolean) {
  const { users, sessions } = tables;
  const userBy = (column: "id" | "email" | "username") =>
    template<Tables, UsersTable, "value">(db, ["value"], (slot) => db.selectFrom(users).selectAll().where(column, "=", slot.value));
  return {
    userBy: { Id: userBy("id"), Email: userBy("email"), Username: userBy("username") },
    sessionById: template<Tables, SessionsTable, "id">(db, ["id"], (slot) => db.selectFrom(sessions).selectAll().where("id", "=", slot.id)),
    /** `generation = generation + 1 … WHERE id, generation, token_hash match AND revoked_at IS NULL`. */
    rotation: template<Tables, SessionsTable, keyof RotationValues>(
      db,
      ["tokenHash", "successor", "rotatedAt", "lastUsedAt", "id", "generation", "currentHash"],
      (slot) => {
        const update = db
          .updateTable(sessions)
          .set((eb) => ({
            token_hash: slot.tokenHash,
            successor: slot.successor,
            rotated_at: slot.rotatedAt,
            last_used_at: slot.lastUsedAt,
            generation: eb("generation", "+", 1),
          }))
          .where("id", "=", slot.id)
          .where("generation", "=", slot.generation as unknown as number) // a slot marker stands in for the number
          .where("token_hash", "=", slot.currentHash)
          .where("revoked_at", "is", null);
        return returning ? update.returningAll() : update;
      },
    ),
  };
}

/** A rotation's input as the values of {@link hotStatements}' rotation slots. */
export function rotationValues(input: RotateSessionInput): RotationValues {
  return {
    tokenHash: input.next.tokenHash,
    successor: input.next.successor,
    rotatedAt: millis(input.next.rotatedAt),
    lastUsedAt: millis(input.next.lastUsedAt),
    id: input.id,
    generation: input.generation,
    currentHash: input.tokenHash,
  };
}
