// scrypt → argon2id. Better Auth's own scrypt hashes verify in AuthSkill and are upgraded on signin
// (written to account.password); bridge.passwordHasher, plugged into the real Better Auth, hashes new passwords
// with argon2id and still verifies the old scrypt ones — so the upgrade never locks anyone out of Better Auth.
import { betterAuth } from "better-auth";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AuthSkill } from "auth-skill";
import { betterAuthPasswordHasher } from "auth-skill/better-auth";
import { DIALECTS, betterAuthOptions, betterAuthSignin, betterAuthSignup, stack, type Stack } from "./support.js";
import { rejectsWith } from "../helpers.js";

const PASSWORD = "a long passphrase 42";
const SCRYPT = /^[0-9a-f]{32}:[0-9a-f]{128}$/;
const ARGON2ID = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/;

async function passwordOf(s: Stack, userId: string): Promise<string> {
  const row = await s.db.selectFrom("account").select("password").where("userId", "=", userId).where("providerId", "=", "credential").executeTakeFirstOrThrow();
  return String(row.password);
}

describe.each(DIALECTS)("passwords: Better Auth scrypt → argon2id (%s)", (dialect) => {
  let s: Stack;
  afterEach(async () => s?.close());

  it("a Better Auth scrypt hash verifies in AuthSkill and is upgraded to argon2id in account.password", async () => {
    s = await stack(dialect, { argon2: true });
    // a user from before the switch: signed up through a Better Auth with its default scrypt hasher
    const legacy = betterAuth(betterAuthOptions({ dialect, db: s.db, close: async () => {} }, s.secret, {}));
    const res = await legacy.api.signUpEmail({ body: { email: "ada@example.com", password: PASSWORD, name: "Ada" } });
    expect(await passwordOf(s, res.user.id)).toMatch(SCRYPT);

    const a = new AuthSkill({ secret: s.secret, storage: s.bridge.storage, rateLimit: false });
    await rejectsWith(a.signin({ email: "ada@example.com", password: "wrong passphrase 42" }), "INVALID_CREDENTIALS");
    expect(await passwordOf(s, res.user.id)).toMatch(SCRYPT); // a failed signin changes nothing
    await a.signin({ email: "ada@example.com", password: PASSWORD });
    const upgraded = await passwordOf(s, res.user.id);
    expect(upgraded).toMatch(ARGON2ID);
    await a.signin({ email: "ada@example.com", password: PASSWORD });
    expect(await passwordOf(s, res.user.id)).toBe(upgraded); // no rehash of a current hash

    // Better Auth with bridge.passwordHasher keeps working on the upgraded hash...
    expect((await betterAuthSignin(s, "ada@example.com", PASSWORD)).userId).toBe(res.user.id);
    // ...while a Better Auth still on its default hasher could not: plug the hasher in before AuthSkill signs users in.
    await expect(legacy.api.signInEmail({ body: { email: "ada@example.com", password: PASSWORD } })).rejects.toThrow();
  });

  it("bridge.passwordHasher in Better Auth hashes new passwords with argon2id and still verifies old scrypt hashes", async () => {
    s = await stack(dialect, { argon2: true });
    const legacy = betterAuth(betterAuthOptions({ dialect, db: s.db, close: async () => {} }, s.secret, {}));
    const old = await legacy.api.signUpEmail({ body: { email: "old@example.com", password: PASSWORD, name: "Old" } });
    expect(await passwordOf(s, old.user.id)).toMatch(SCRYPT);

    const fresh = await betterAuthSignup(s, "new@example.com", PASSWORD, "New");
    expect(await passwordOf(s, fresh.userId)).toMatch(ARGON2ID);
    expect((await betterAuthSignin(s, "new@example.com", PASSWORD)).userId).toBe(fresh.userId);
    expect((await betterAuthSignin(s, "old@example.com", PASSWORD)).userId).toBe(old.user.id); // scrypt, through our verify
    await expect(s.auth.api.signInEmail({ body: { email: "old@example.com", password: "wrong passphrase 42" } })).rejects.toMatchObject({ statusCode: 401 });

    // a password change through Better Auth writes argon2id, and AuthSkill signs in with the new password
    await s.auth.api.changePassword({
      body: { currentPassword: PASSWORD, newPassword: "another passphrase 7" },
      headers: new Headers({ cookie: fresh.cookie }),
    });
    expect(await passwordOf(s, fresh.userId)).toMatch(ARGON2ID);
    const a = new AuthSkill({ secret: s.secret, storage: s.bridge.storage, rateLimit: false });
    await expect(a.signin({ email: "new@example.com", password: "another passphrase 7" })).resolves.toMatchObject({ user: { id: fresh.userId } });
  });
});

describe("betterAuthPasswordHasher", () => {
  it("has Better Auth's signatures: hash(password), verify({ hash, password }); never throws on bad input", async () => {
    const hasher = betterAuthPasswordHasher();
    const hash = await hasher.hash("ﬁne passphrase"); // NFKC: the ligature hashes as "fi"
    expect(hash).toMatch(ARGON2ID);
    expect(await hasher.verify({ hash, password: "fine passphrase" })).toBe(true);
    expect(await hasher.verify({ hash, password: "ﬁne passphrase" })).toBe(true);
    expect(await hasher.verify({ hash, password: "other" })).toBe(false);
    expect(await hasher.verify({ hash: "not a hash", password: "x" })).toBe(false);
    expect(await hasher.verify({ hash: "", password: "" })).toBe(false);
    expect(await hasher.verify(undefined as never)).toBe(false);
    await expect(hasher.hash("")).rejects.toBeInstanceOf(TypeError);
    // over the 4,096-unit input cap: refused before NFKC (quadratic on combining marks) ever sees it
    const normalize = vi.spyOn(String.prototype, "normalize");
    try {
      await expect(hasher.hash("a" + "\u0301".repeat(5000))).rejects.toBeInstanceOf(RangeError);
      expect(normalize.mock.contexts.filter((s) => String(s).length > 4096)).toEqual([]);
    } finally {
      normalize.mockRestore();
    }
    expect(await hasher.hash("b".repeat(4096))).toMatch(ARGON2ID);
    // stronger costs are kept, weaker ones raised to the floor
    expect(await betterAuthPasswordHasher({ memoryCost: 32768 }).hash("x".repeat(10))).toMatch(/^\$argon2id\$v=19\$m=32768,t=2,p=1\$/);
    expect(await betterAuthPasswordHasher({ memoryCost: 1024 }).hash("x".repeat(10))).toMatch(ARGON2ID);
  });
});
