// The server's own session operations: unlock, revokeSession, revokeAll. Misuse is a TypeError naming the method;
// an id no session can have is answered without asking the storage; unlock without limits is a no-op.
import { describe, expect, it } from "vitest";
import { AuthSkill, memoryStorage, type StorageAdapter } from "../../src/index.js";
import { SECRET, rejectsWith } from "../helpers.js";

const PASSWORD = "correct horse battery staple";

/** A memory storage that records which session ids revokeSession was asked about. */
function recording() {
  const base = memoryStorage();
  const asked: string[] = [];
  const storage: StorageAdapter = { ...base, revokeSession: (id, at) => (asked.push(id), base.revokeSession(id, at)) };
  return { storage, asked };
}

describe("session administration", () => {
  it("revokeSession refuses what is not a non-empty string, naming the method", async () => {
    const auth = new AuthSkill({ secret: SECRET, rateLimit: false });
    for (const bad of ["", 42, null, undefined]) {
      await expect(auth.revokeSession(bad as string)).rejects.toThrow(new TypeError("revokeSession: sessionId must be a non-empty string"));
    }
  });

  it("revokeSession asks the storage about ids up to 200 characters only, and ends the named session", async () => {
    const { storage, asked } = recording();
    const auth = new AuthSkill({ secret: SECRET, storage, rateLimit: false });
    await auth.revokeSession("x".repeat(201));
    expect(asked).toEqual([]);
    await auth.revokeSession("y".repeat(200));
    expect(asked).toEqual(["y".repeat(200)]);
    const { sessionId, refreshToken } = await auth.signup({ email: "ada@example.com", password: PASSWORD });
    await auth.revokeSession(sessionId);
    await rejectsWith(auth.refresh(refreshToken), "TOKEN_REVOKED");
  });

  it("revokeAll refuses what is not a non-empty string, naming the method, and ends every session of the user", async () => {
    const auth = new AuthSkill({ secret: SECRET, rateLimit: false });
    for (const bad of ["", 7, null]) {
      await expect(auth.revokeAll(bad as string)).rejects.toThrow(new TypeError("revokeAll: userId must be a non-empty string"));
    }
    const a = await auth.signup({ email: "ada@example.com", password: PASSWORD });
    const b = await auth.signin({ email: "ada@example.com", password: PASSWORD });
    await auth.revokeAll(a.user.id);
    await rejectsWith(auth.refresh(a.refreshToken), "TOKEN_REVOKED");
    await rejectsWith(auth.refresh(b.refreshToken), "TOKEN_REVOKED");
  });

  it("unlock without rate limits resolves and changes nothing", async () => {
    const auth = new AuthSkill({ secret: SECRET, rateLimit: false });
    const { user } = await auth.signup({ email: "ada@example.com", password: PASSWORD });
    await expect(auth.unlock(user.id)).resolves.toBeUndefined();
    await expect(auth.signin({ email: "ada@example.com", password: PASSWORD })).resolves.toHaveProperty("accessToken");
  });
});
