// The server's own operations on users: getUser, listSessions (newest first, live only), deleteUser.
import { describe, expect, it } from "vitest";
import { argon2idHasher, memoryStorage, type StorageAdapter } from "../../src/index.js";
import { rejectsWith } from "../helpers.js";
import { NEW_PASSWORD, PASSWORD, flush, withAda } from "./support.js";

/** memoryStorage behind a VARCHAR(255) user id: a longer id is a driver error, as in a SQL database. */
function varcharIdStorage(): StorageAdapter {
  const base = memoryStorage();
  const checked =
    <A extends unknown[], R>(method: (id: string, ...rest: A) => Promise<R>) =>
    (id: string, ...rest: A): Promise<R> =>
      id.length > 255 ? Promise.reject(new Error("value too long for type character varying(255)")) : method(id, ...rest);
  return {
    ...base,
    findUserById: checked(base.findUserById),
    listUserSessions: checked(base.listUserSessions),
    updateUser: checked(base.updateUser),
    deleteUser: checked(base.deleteUser),
  };
}

const LONG_ID = "u".repeat(255); // the longest id a user may have

describe("user ids", () => {
  it("an empty or non-string id is a TypeError naming the method", async () => {
    const { auth } = await withAda();
    const calls = {
      getUser: (id: string) => auth.getUser(id),
      listSessions: (id: string) => auth.listSessions(id),
      setRoles: (id: string) => auth.setRoles(id, ["admin"]),
      deleteUser: (id: string) => auth.deleteUser(id),
      requestEmailVerification: (id: string) => auth.requestEmailVerification(id),
    };
    for (const [method, call] of Object.entries(calls)) {
      for (const id of ["", 42 as unknown as string]) await expect(call(id)).rejects.toThrow(new TypeError(`${method}: userId must be a non-empty string`));
    }
  });

  it("an id longer than 255 names nobody and never reaches the storage; one of 255 is a user like any other", async () => {
    const storage = varcharIdStorage();
    const { auth, mail, of } = await withAda({ storage });
    const tooLong = "u".repeat(256);
    expect(await auth.getUser(tooLong)).toBeNull();
    expect(await auth.listSessions(tooLong)).toEqual([]);
    expect((await rejectsWith(auth.setRoles(tooLong, ["admin"]), "INVALID_INPUT")).field).toBe("userId");
    expect((await rejectsWith(auth.requestEmailVerification(tooLong), "INVALID_INPUT")).field).toBe("userId");
    await expect(auth.deleteUser(tooLong)).resolves.toBeUndefined();

    const at = new Date();
    const passwordHash = await argon2idHasher().hash(PASSWORD);
    const record = {
      id: LONG_ID,
      email: "long@example.com",
      username: null,
      name: null,
      emailVerified: false,
      passwordHash,
      createdAt: at,
      updatedAt: at,
      roles: [],
    };
    await storage.createUser(record);
    const { sessionId } = await auth.signin({ email: "long@example.com", password: PASSWORD });
    expect(await auth.getUser(LONG_ID)).toMatchObject({ id: LONG_ID });
    expect((await auth.listSessions(LONG_ID)).map((x) => x.id)).toEqual([sessionId]);
    expect((await auth.setRoles(LONG_ID, ["admin"])).roles).toEqual(["admin"]);
    await auth.requestEmailVerification(LONG_ID);
    await flush();
    expect(mail.messages.at(-1)).toMatchObject({ kind: "email-verification", to: "long@example.com" });
    await auth.deleteUser(LONG_ID);
    await flush();
    expect(of("user.deleted").map((e) => e.userId)).toEqual([LONG_ID]);
  });
});

describe("reading a user", () => {
  it("getUser resolves the user without its hash, or null for an unknown id", async () => {
    const { auth, ada } = await withAda();
    const user = await auth.getUser(ada.user.id);
    expect(user).toEqual(ada.user);
    expect(user).not.toHaveProperty("passwordHash");
    expect(await auth.getUser("no-such-user")).toBeNull();
    expect(await auth.getUser("x".repeat(300))).toBeNull();
    await expect(auth.getUser(null as unknown as string)).rejects.toBeInstanceOf(TypeError);
  });
});

describe("listing sessions", () => {
  it("lists live sessions newest first with their ip and user agent, without revoked ones", async () => {
    const { auth, clock, ada } = await withAda();
    clock.advance(60_000);
    const phone = await auth.signin({ email: "ada@example.com", password: PASSWORD }, { ip: "2001:db8::1", userAgent: "Safari" });
    clock.advance(60_000);
    const gone = await auth.signin({ email: "ada@example.com", password: PASSWORD });
    await auth.revoke(gone.refreshToken);
    const sessions = await auth.listSessions(ada.user.id);
    expect(sessions.map((s) => [s.id, s.ip, s.userAgent])).toEqual([
      [phone.sessionId, "2001:db8::1", "Safari"],
      [ada.sessionId, "203.0.113.7", "Firefox"],
    ]);
    expect(Object.keys(sessions[0]!).sort()).toEqual(["createdAt", "expiresAt", "id", "ip", "lastUsedAt", "userAgent"]);
    expect(await auth.listSessions("no-such-user")).toEqual([]);
  });

  it("leaves out sessions past refreshToken.idleTtl, and shows the idle expiry and the last use", async () => {
    const { auth, clock, ada } = await withAda({ refreshToken: { ttl: "30d", idleTtl: "1h" } });
    clock.advance(30 * 60_000);
    const fresh = await auth.signin({ email: "ada@example.com", password: PASSWORD });
    const [listed] = await auth.listSessions(fresh.user.id);
    expect(listed).toMatchObject({ id: fresh.sessionId, lastUsedAt: clock.now(), expiresAt: new Date(clock.now().getTime() + 3_600_000) });
    clock.advance(30 * 60_000); // ada's first session: idle for an hour
    expect((await auth.listSessions(ada.user.id)).map((s) => s.id)).toEqual([fresh.sessionId]);
  });
});

describe("deleting a user", () => {
  it("ends their sessions, frees their email, and is idempotent", async () => {
    const { auth, of, ada } = await withAda();
    await auth.deleteUser(ada.user.id);
    expect(await auth.getUser(ada.user.id)).toBeNull();
    await rejectsWith(auth.refresh(ada.refreshToken), "TOKEN_INVALID");
    await rejectsWith(auth.verifyAccessToken(ada.accessToken, { checkRevocation: true }), "TOKEN_REVOKED");
    await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "INVALID_CREDENTIALS");
    await expect(auth.deleteUser(ada.user.id)).resolves.toBeUndefined();
    await expect(auth.deleteUser("no-such-user")).resolves.toBeUndefined();
    await flush();
    expect(of("user.deleted").map((e) => e.userId)).toEqual([ada.user.id]); // one deletion, one event
    const again = await auth.signup({ email: "ada@example.com", password: PASSWORD });
    expect(again.user.id).not.toBe(ada.user.id);
  });

  it("voids their pending mailed tokens", async () => {
    const { auth, mail, ada } = await withAda();
    await auth.requestEmailVerification(ada.user.id);
    await auth.requestPasswordReset({ email: "ada@example.com" });
    await flush();
    await auth.deleteUser(ada.user.id);
    await rejectsWith(auth.verifyEmail({ token: mail.token("email-verification") }), "TOKEN_INVALID");
    await rejectsWith(auth.resetPassword({ token: mail.token("password-reset"), password: NEW_PASSWORD }), "TOKEN_INVALID");
  });
});
