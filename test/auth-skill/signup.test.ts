import { describe, expect, it } from "vitest";
import { memoryStorage, type StorageAdapter, type UserRecord } from "../../src/index.js";
import { makeAuth, rejectsWith } from "../helpers.js";
import { normalizedLengths } from "../password/helpers.js";

const password = "quiet mountain lakes at dawn";

describe("signup", () => {
  it("creates a user and a session, and returns the public user only", async () => {
    const auth = makeAuth();
    const result = await auth.signup({ email: "ada@example.com", password, username: "ada_l", name: "Ada" });
    expect(result.user).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      email: "ada@example.com",
      username: "ada_l",
      name: "Ada",
      emailVerified: false,
      roles: [],
      createdAt: expect.any(Date),
    });
    expect(result.tokenType).toBe("Bearer");
    expect(result.sessionId).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(Object.keys(result).sort()).toEqual(
      ["accessToken", "accessTokenExpiresAt", "refreshToken", "refreshTokenExpiresAt", "rememberMe", "sessionId", "tokenType", "user"].sort(),
    );
    expect(JSON.stringify(result)).not.toMatch(/argon2|passwordHash/);
  });

  it("trims and lower-cases the email, and NFKC-normalises it", async () => {
    const storage = memoryStorage();
    const auth = makeAuth({ storage });
    const { user } = await auth.signup({ email: "  Ada.Lovelace@EXAMPLE.com ", password });
    expect(user.email).toBe("ada.lovelace@example.com");
    expect((await storage.findUserByEmail("ada.lovelace@example.com"))?.id).toBe(user.id);
    await rejectsWith(auth.signup({ email: "ADA.LOVELACE@example.com", password }), "USER_EXISTS");
  });

  it("stores only an argon2id hash of the password", async () => {
    const storage = memoryStorage();
    const auth = makeAuth({ storage });
    const { user } = await auth.signup({ email: "ada@example.com", password });
    const stored = await storage.findUserById(user.id);
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(stored)).not.toContain(password);
  });

  it.each([
    [{ email: "not-an-email", password }, "email"],
    [{ email: "", password }, "email"],
    [{ email: `${"a".repeat(250)}@example.com`, password }, "email"],
    [{ email: "ada@example.com", password: "" }, "password"],
    [{ email: "ada@example.com", password: 12345678 }, "password"],
    [{ email: "ada@example.com", password, username: "a" }, "username"],
    [{ email: "ada@example.com", password, username: "has space" }, "username"],
    [{ email: "ada@example.com", password, name: "" }, "name"],
  ])("refuses invalid input %# with INVALID_INPUT naming the field", async (input, field) => {
    const err = await rejectsWith(makeAuth().signup(input as never), "INVALID_INPUT");
    expect(err.field).toBe(field);
    expect(err.status).toBe(400);
    expect(err.message).not.toContain(password);
  });

  it("refuses unknown fields and non-objects", async () => {
    const auth = makeAuth();
    await rejectsWith(auth.signup({ email: "ada@example.com", password, admin: true } as never), "INVALID_INPUT");
    await rejectsWith(auth.signup(null as never), "INVALID_INPUT");
    await rejectsWith(auth.signup("ada@example.com" as never), "INVALID_INPUT");
  });

  it("refuses a taken username (case-insensitively) with USER_EXISTS on the username field", async () => {
    const auth = makeAuth();
    await auth.signup({ email: "ada@example.com", password, username: "ada" });
    const err = await rejectsWith(auth.signup({ email: "other@example.com", password, username: "ADA" }), "USER_EXISTS");
    expect(err.field).toBe("username");
    expect(err.status).toBe(409);
  });

  it("creates exactly one user when 100 signups of one address race", async () => {
    const storage = memoryStorage();
    const auth = makeAuth({ storage, rateLimit: { signup: { max: 100, window: "1h" } } }); // above the 20/h default
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => auth.signup({ email: "race@example.com", password: `${password} ${i}` })));
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(99);
    expect(lost.every((r) => r.reason.code === "USER_EXISTS")).toBe(true);
    const user = await storage.findUserByEmail("race@example.com");
    expect(user?.id).toBe((won[0] as PromiseFulfilledResult<{ user: { id: string } }>).value.user.id);
  });

  it("refuses a weak password with WEAK_PASSWORD and stores nothing", async () => {
    const storage = memoryStorage();
    const auth = makeAuth({ storage });
    const err = await rejectsWith(auth.signup({ email: "ada@example.com", password: "password123" }), "WEAK_PASSWORD");
    expect(err.field).toBe("password");
    expect(err.message).not.toContain("password123");
    expect(await storage.findUserByEmail("ada@example.com")).toBeNull();
  });

  describe("lengths are checked after normalisation, and raw input is capped before it", () => {
    /** A memory storage that records every user it is asked to create. */
    function recordingStorage(): { storage: StorageAdapter; created: UserRecord[] } {
      const inner = memoryStorage();
      const created: UserRecord[] = [];
      return { storage: { ...inner, createUser: (user) => (created.push(user), inner.createUser(user)) }, created };
    }

    it('refuses an email that NFKC grows past 254 characters (212 x "㎉" -> 848 x "kcal"), storing nothing', async () => {
      const { storage, created } = recordingStorage();
      const auth = makeAuth({ storage });
      const email = `${"㎉".repeat(212)}@x.co`;
      expect(email.length).toBeLessThanOrEqual(254);
      expect(email.normalize("NFKC").length).toBeGreaterThan(254);
      expect((await rejectsWith(auth.signup({ email, password }), "INVALID_INPUT")).field).toBe("email");
      expect((await rejectsWith(auth.signin({ email, password }), "INVALID_INPUT")).field).toBe("email");
      expect(created).toEqual([]);
      // 60 x "㎉" is 252 characters after NFKC: it fits, and is stored normalised
      const { user } = await auth.signup({ email: `${"㎉".repeat(60)}@x.co`, password });
      expect(user.email).toBe(`${"kcal".repeat(60)}@x.co`);
      expect(created.every((u) => u.email.length <= 254)).toBe(true);
    });

    it("refuses a username that NFKC grows past 32 characters", async () => {
      const auth = makeAuth();
      const { user } = await auth.signup({ email: "ada@example.com", password, username: "㎉".repeat(8) }); // 32 after NFKC
      expect(user.username).toBe("kcal".repeat(8));
      const err = await rejectsWith(auth.signup({ email: "bob@example.com", password, username: "㎉".repeat(9) }), "INVALID_INPUT");
      expect(err.field).toBe("username");
    });

    it("caps the raw email, username and name before trimming or NFKC (nothing long is normalised)", async () => {
      const { storage, created } = recordingStorage();
      const auth = makeAuth({ storage });
      const marks = (n: number) => `a${"\u0301\u0316".repeat(n)}`; // NFKC is quadratic on these
      const cases = [
        [{ email: `${marks(20_000)}@example.com`, password }, "email"],
        [{ email: "ada@example.com", password, username: marks(20_000) }, "username"],
        [{ email: "ada@example.com", password, name: `${" ".repeat(5_000)}Ada` }, "name"],
        [{ email: "ada@example.com", password, name: "x".repeat(201) }, "name"],
      ] as const;
      const fields: unknown[] = [];
      const lengths = await normalizedLengths(async () => {
        for (const [input, field] of cases) fields.push([(await rejectsWith(auth.signup(input), "INVALID_INPUT")).field, field]);
        fields.push([(await rejectsWith(auth.signin({ username: marks(20_000), password }), "INVALID_INPUT")).field, "username"]);
      });
      for (const [got, want] of fields as [string, string][]) expect(got).toBe(want);
      expect(Math.max(0, ...lengths)).toBeLessThanOrEqual(1024);
      expect(created).toEqual([]);
      const { user } = await auth.signup({ email: "ada@example.com", password, name: `  ${"x".repeat(200)}  ` });
      expect(user.name).toBe("x".repeat(200)); // the length is the trimmed one
    });
  });
});
