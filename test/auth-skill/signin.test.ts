import { describe, expect, it } from "vitest";
import { argon2idHasher, memoryStorage, type PasswordHasher, type StorageAdapter } from "../../src/index.js";
import { makeAuth, rejectsWith, SECRET } from "../helpers.js";

const password = "quiet mountain lakes at dawn";

describe("signin", () => {
  it("signs in by email (any case) and by username, each time with a new session", async () => {
    const auth = makeAuth();
    const { user } = await auth.signup({ email: "ada@example.com", password, username: "ada" });
    const a = await auth.signin({ email: " ADA@example.com", password });
    const b = await auth.signin({ username: "Ada", password });
    expect(a.user).toEqual(user);
    expect(b.user).toEqual(user);
    expect(a.sessionId).not.toBe(b.sessionId);
    expect((await auth.verifyAccessToken(a.accessToken)).sub).toBe(user.id);
  });

  it("requires exactly one of email and username", async () => {
    const auth = makeAuth();
    await rejectsWith(auth.signin({ password } as never), "INVALID_INPUT");
    await rejectsWith(auth.signin({ email: "ada@example.com", username: "ada", password }), "INVALID_INPUT");
  });

  it("answers an unknown user and a wrong password identically", async () => {
    const auth = makeAuth();
    await auth.signup({ email: "ada@example.com", password, username: "ada" });
    const errors = [
      await rejectsWith(auth.signin({ email: "nobody@example.com", password }), "INVALID_CREDENTIALS"),
      await rejectsWith(auth.signin({ email: "ada@example.com", password: `${password}!` }), "INVALID_CREDENTIALS"),
      await rejectsWith(auth.signin({ username: "nobody", password }), "INVALID_CREDENTIALS"),
      await rejectsWith(auth.signin({ username: "ada", password: "wrong wrong wrong" }), "INVALID_CREDENTIALS"),
    ];
    const shapes = errors.map((e) => JSON.stringify({ json: e.toJSON(), status: e.status, name: e.name, field: e.field }));
    expect(new Set(shapes).size).toBe(1);
    expect(errors[0]!.status).toBe(401);
  });

  it("verifies an unknown user against a real hash of the current hasher (same work as a wrong password)", async () => {
    const calls: string[] = [];
    const inner = argon2idHasher();
    const counting: PasswordHasher = {
      hash: (p) => inner.hash(p),
      verify: (p, h) => {
        calls.push(h);
        return inner.verify(p, h);
      },
    };
    const auth = makeAuth({ password: { hasher: counting } });
    await auth.signup({ email: "ada@example.com", password });
    calls.length = 0;
    await rejectsWith(auth.signin({ email: "ada@example.com", password: "not the right one" }), "INVALID_CREDENTIALS");
    const wrongPasswordCalls = calls.splice(0);
    await rejectsWith(auth.signin({ email: "nobody@example.com", password: "not the right one" }), "INVALID_CREDENTIALS");
    const unknownUserCalls = calls.splice(0);
    expect(unknownUserCalls.length).toBe(wrongPasswordCalls.length);
    expect(unknownUserCalls[0]).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(unknownUserCalls[0]).not.toBe(wrongPasswordCalls[0]);
  });

  it("refuses a user without a password hash like any wrong password", async () => {
    const storage = memoryStorage();
    const auth = makeAuth({ storage });
    const { user } = await auth.signup({ email: "ada@example.com", password });
    await storage.updateUser(user.id, { passwordHash: null });
    await rejectsWith(auth.signin({ email: "ada@example.com", password }), "INVALID_CREDENTIALS");
  });

  it("never puts the password or its hash in an error", async () => {
    const storage = memoryStorage();
    const auth = makeAuth({ storage });
    const { user } = await auth.signup({ email: "ada@example.com", password });
    const hash = (await storage.findUserById(user.id))!.passwordHash!;
    const err = await rejectsWith(auth.signin({ email: "ada@example.com", password: "secret-guess-123" }), "INVALID_CREDENTIALS");
    const text = `${err.message} ${JSON.stringify(err)} ${String(err.stack)}`;
    expect(text).not.toContain("secret-guess-123");
    expect(text).not.toContain(hash.slice(-20));
  });

  it("turns a failing storage into STORAGE_ERROR with the cause kept and no secret in the message", async () => {
    const broken = new Error(`connection refused (password=${SECRET})`);
    const storage: StorageAdapter = {
      ...memoryStorage(),
      findUserByEmail: () => Promise.reject(broken),
    };
    const auth = makeAuth({ storage });
    const err = await rejectsWith(auth.signin({ email: "ada@example.com", password }), "STORAGE_ERROR");
    expect(err.status).toBe(500);
    expect(err.cause).toBe(broken);
    expect(err.message).not.toContain(SECRET);
    expect(JSON.stringify(err.toJSON())).not.toContain(SECRET);
  });

  it("signup whose session cannot be stored fails with STORAGE_ERROR and leaves a usable account", async () => {
    const inner = memoryStorage();
    const storage: StorageAdapter = { ...inner, createSession: () => Promise.reject(new Error("disk full")) };
    const auth = makeAuth({ storage });
    await rejectsWith(auth.signup({ email: "ada@example.com", password }), "STORAGE_ERROR");
    expect(await inner.findUserByEmail("ada@example.com")).not.toBeNull(); // the account exists: signin works later
    storage.createSession = inner.createSession;
    const later = await auth.signin({ email: "ada@example.com", password });
    expect(later.user.email).toBe("ada@example.com");
  });

  it("refuses passwords with unpaired surrogates, which would collide with U+FFFD once encoded", async () => {
    const auth = makeAuth();
    for (const bad of ["\uD800abcdefghij", "abcdefghij\uDC00"]) {
      await rejectsWith(auth.signup({ email: "ada@example.com", password: bad }), "INVALID_INPUT");
      await rejectsWith(auth.signin({ email: "ada@example.com", password: bad }), "INVALID_INPUT");
      await rejectsWith(auth.hashPassword(bad), "INVALID_INPUT");
    }
    await expect(auth.signup({ email: "ada@example.com", password: "\uFFFDabcdefghij" })).resolves.toBeTruthy();
  });

  it("a failed hash upgrade does not fail a correct signin, and is retried next time", async () => {
    const inner = memoryStorage();
    let failWrites = true;
    const storage: StorageAdapter = {
      ...inner,
      updateUser: (id, patch) => (failWrites ? Promise.reject(new Error("read-only replica")) : inner.updateUser(id, patch)),
    };
    const auth = makeAuth({ storage });
    const { user } = await auth.signup({ email: "ada@example.com", password });
    const bcrypt = (await import("bcryptjs")).default;
    await inner.updateUser(user.id, { passwordHash: await bcrypt.hash(password, 10) });
    await expect(auth.signin({ email: "ada@example.com", password })).resolves.toMatchObject({ user: { id: user.id } });
    expect((await inner.findUserById(user.id))!.passwordHash).toMatch(/^\$2[ab]\$/);
    failWrites = false;
    await auth.signin({ email: "ada@example.com", password });
    expect((await inner.findUserById(user.id))!.passwordHash).toMatch(/^\$argon2id\$/);
  });
});
