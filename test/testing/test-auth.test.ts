import { afterEach, describe, expect, it, vi } from "vitest";
import { AuthSkill, type EmailMessage } from "../../src/index.js";
import { createTestAuth, INSECURE_TEST_ARGON2_PARAMS, insecureTestHasher, testClock, userRecord } from "../../src/testing/index.js";
import { captureWarnings, rejectsWith, throwsWith } from "../helpers.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("createTestAuth: password hashing", () => {
  it("hashes with argon2id at m=8 KiB, t=1, p=1, and the hash verifies at signin", async () => {
    const { auth, storage, signIn } = createTestAuth();
    const { user, password } = await signIn({ email: "ada@example.com" });
    const stored = await storage.findUserById(user.id);
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=8,t=1,p=1\$/);
    expect(await auth.hashPassword("another passphrase")).toMatch(/^\$argon2id\$v=19\$m=8,t=1,p=1\$/);
    expect(password).toEqual(expect.any(String));
    const result = await auth.signin({ email: "ada@example.com", password: password! });
    expect(result.user.id).toBe(user.id);
    await rejectsWith(auth.signin({ email: "ada@example.com", password: "not the password" }), "INVALID_CREDENTIALS");
  });

  it("marks the hasher as test-only, and leaves the library's own minimum (OWASP's) in place", async () => {
    expect(INSECURE_TEST_ARGON2_PARAMS).toEqual({ memoryCost: 8, timeCost: 1, parallelism: 1 });
    expect(insecureTestHasher().id).toBe("argon2id-insecure-test-only");
    throwsWith(() => new AuthSkill({ password: { argon2: { memoryCost: 8 } } }), "CONFIG_ERROR");
  });

  it("takes a password option over the preset's: hasher: 'argon2id' hashes at the real costs", async () => {
    const { auth } = createTestAuth({ password: { hasher: "argon2id", minLength: 12 } });
    expect(await auth.hashPassword("correct horse battery")).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(auth.checkPassword("short pass1")?.reason).toBe("too_short");
  });

  it("keeps the test hasher when the password option only sets the policy (or leaves hasher undefined)", async () => {
    const { auth } = createTestAuth({ password: { minLength: 12, hasher: undefined } });
    expect(await auth.hashPassword("correct horse battery")).toMatch(/^\$argon2id\$v=19\$m=8,t=1,p=1\$/);
  });
});

describe("createTestAuth: NODE_ENV=production", () => {
  it("refuses to make an instance, or the hasher, with CONFIG_ERROR", () => {
    vi.stubEnv("NODE_ENV", "production");
    const error = throwsWith(() => createTestAuth(), "CONFIG_ERROR");
    expect(error.message).toContain("NODE_ENV=production");
    throwsWith(() => insecureTestHasher(), "CONFIG_ERROR");
  });

  it("works under NODE_ENV=test and an unset NODE_ENV", () => {
    vi.stubEnv("NODE_ENV", "test");
    expect(createTestAuth().auth).toBeInstanceOf(AuthSkill);
    vi.stubEnv("NODE_ENV", undefined);
    expect(createTestAuth().auth).toBeInstanceOf(AuthSkill);
  });
});

describe("createTestAuth: the clock", () => {
  it('expires an access token after advance("16m"), and set() moves it back', async () => {
    const { auth, clock, signIn } = createTestAuth({ clockStart: "2026-03-01T12:00:00Z" });
    const { tokens } = await signIn();
    expect(tokens.accessTokenExpiresAt.toISOString()).toBe("2026-03-01T12:15:00.000Z");
    await expect(auth.verifyAccessToken(tokens.accessToken)).resolves.toMatchObject({ sub: tokens.user.id });
    expect(clock.advance("16m").toISOString()).toBe("2026-03-01T12:16:00.000Z");
    await rejectsWith(auth.verifyAccessToken(tokens.accessToken), "TOKEN_EXPIRED");
    expect(clock.set(new Date("2026-03-01T12:10:00Z")).toISOString()).toBe("2026-03-01T12:10:00.000Z");
    await expect(auth.verifyAccessToken(tokens.accessToken)).resolves.toMatchObject({ sub: tokens.user.id });
  });

  it("stands still until moved", () => {
    const clock = testClock(0);
    expect(clock.now().getTime()).toBe(0);
    expect(clock.now().getTime()).toBe(0);
    expect(clock.advance(90).getTime()).toBe(90_000);
    expect(clock.now().getTime()).toBe(90_000);
  });

  it("starts at the real time, to the second, by default", () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const ms = createTestAuth().clock.now().getTime();
    expect(ms % 1000).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
  });

  it("refuses malformed durations and dates with TypeError", () => {
    const clock = testClock();
    expect(() => clock.advance("-5m")).toThrow(TypeError);
    expect(() => clock.advance("soon")).toThrow(TypeError);
    expect(() => clock.set("not a date")).toThrow(TypeError);
    expect(() => testClock(Number.NaN)).toThrow(TypeError);
  });

  it("drives refresh-token expiry too", async () => {
    const { auth, clock, signIn } = createTestAuth({ refreshToken: { ttl: "1d" } });
    const { tokens } = await signIn();
    clock.advance("25h");
    await rejectsWith(auth.refresh(tokens.refreshToken), "TOKEN_EXPIRED");
  });
});

describe("createTestAuth: the outbox", () => {
  it("collects the reset message; tokenFor waits for it and gives its token", async () => {
    const { auth, outbox, signIn } = createTestAuth();
    await signIn({ email: "ada@example.com" });
    await auth.requestPasswordReset({ email: "Ada@Example.com" });
    const token = await outbox.tokenFor("ADA@example.com", "password-reset");
    expect(outbox.last("password-reset")).toMatchObject({ kind: "password-reset", to: "ada@example.com", token });
    expect(outbox.last()).toBe(outbox.messages.at(-1));
    await auth.resetPassword({ token, password: "a brand new passphrase" });
    await expect(auth.signin({ email: "ada@example.com", password: "a brand new passphrase" })).resolves.toMatchObject({ tokenType: "Bearer" });
  });

  it("gives each message's token once, in order, and times out when none comes", async () => {
    const { auth, outbox, signIn } = createTestAuth();
    await signIn({ email: "ada@example.com" });
    await auth.requestPasswordReset({ email: "ada@example.com" });
    const first = await outbox.tokenFor("ada@example.com", "password-reset");
    await auth.requestPasswordReset({ email: "ada@example.com" });
    const second = await outbox.tokenFor("ada@example.com", "password-reset");
    expect(second).not.toBe(first);
    expect(outbox.messages.map((m) => m.token)).toEqual([first, second]);
    await expect(outbox.tokenFor("ada@example.com", "password-reset", { timeoutMs: 20 })).rejects.toThrow(/no password-reset message/);
    await expect(outbox.tokenFor("ada@example.com", "email-change", { timeoutMs: 20 })).rejects.toThrow(/no email-change message/);
    outbox.clear();
    expect(outbox.messages).toEqual([]);
    expect(outbox.last()).toBeUndefined();
  });

  it("passes each message on to an email.send option as well", async () => {
    const sent: EmailMessage[] = [];
    const { auth, outbox, signIn } = createTestAuth({ email: { send: (m) => void sent.push(m) } });
    const { user } = await signIn({ email: "ada@example.com" });
    await auth.requestPasswordReset({ email: "ada@example.com" });
    const token = await outbox.tokenFor("ada@example.com", "password-reset");
    expect(sent).toEqual([expect.objectContaining({ token, user: expect.objectContaining({ id: user.id }) })]);
    throwsWith(() => createTestAuth({ email: { send: 42 as never } }), "CONFIG_ERROR");
  });
});

describe("createTestAuth: signIn", () => {
  it("returns an Authorization header that verifies, with the roles asked for", async () => {
    const { auth, signIn } = createTestAuth();
    const { headers, user, tokens } = await signIn({ roles: ["admin"] });
    expect(headers).toEqual({ authorization: `Bearer ${tokens.accessToken}` });
    const claims = await auth.verifyAccessToken(headers.authorization.slice("Bearer ".length), { checkRevocation: true });
    expect(claims).toMatchObject({ sub: user.id, sid: tokens.sessionId, roles: ["admin"] });
    expect(user).toMatchObject({ roles: ["admin"], emailVerified: true });
    expect(user.email).toMatch(/^user-1-[a-z0-9]{8}@example\.com$/);
  });

  it("makes a new user each call without an email, and signs an existing one in again (roles replaced)", async () => {
    const { auth, signIn } = createTestAuth();
    const a = await signIn();
    const b = await signIn();
    expect(b.user.id).not.toBe(a.user.id);
    const again = await signIn({ email: a.user.email.toUpperCase(), roles: ["editor"] });
    expect(again.user.id).toBe(a.user.id);
    expect(again.password).toBe(a.password);
    expect(again.tokens.sessionId).not.toBe(a.tokens.sessionId);
    expect(await auth.verifyAccessToken(again.tokens.accessToken)).toMatchObject({ roles: ["editor"] });
    expect(await auth.listSessions(a.user.id)).toHaveLength(2);
  });

  it("signs in a user made by signup, without knowing the password", async () => {
    const { auth, signIn } = createTestAuth();
    const { user } = await auth.signup({ email: "grace@example.com", password: "a long passphrase" });
    const signedIn = await signIn({ email: "grace@example.com" });
    expect(signedIn.user.id).toBe(user.id);
    expect(signedIn.password).toBeNull();
  });

  it("uses a given password, and passes the request context to the session", async () => {
    const { auth, signIn } = createTestAuth();
    const { user } = await signIn({ email: "ada@example.com", password: "chosen passphrase", name: "Ada" }, { ip: "203.0.113.9", userAgent: "vitest" });
    expect(user.name).toBe("Ada");
    await expect(auth.signin({ email: "ada@example.com", password: "chosen passphrase" })).resolves.toMatchObject({ user: { id: user.id } });
    expect(await auth.listSessions(user.id)).toContainEqual(expect.objectContaining({ ip: "203.0.113.9", userAgent: "vitest" }));
  });

  it("signs in under requireEmailVerification (its users are verified), while signup stays pending", async () => {
    const { auth, outbox, signIn } = createTestAuth({ requireEmailVerification: true });
    const { headers } = await signIn();
    await expect(auth.verifyAccessToken(headers.authorization.slice(7))).resolves.toHaveProperty("sub");
    const pending = await auth.signup({ email: "new@example.com", password: "a long passphrase" });
    expect(pending).not.toHaveProperty("accessToken");
    // signup sends before it resolves: the message is already in the outbox when tokenFor is called
    expect(outbox.last("email-verification")?.to).toBe("new@example.com");
    const { user } = await auth.verifyEmail({ token: await outbox.tokenFor("new@example.com", "email-verification") });
    expect(user).toMatchObject({ id: pending.user.id, emailVerified: true });
  });

  it("signs in a user with a second factor (counted as checked), like startSession with secondFactorVerified", async () => {
    const { auth, storage, signIn } = createTestAuth();
    await storage.createUser(userRecord({ email: "mfa@example.com", twoFactorEnabled: true }));
    await rejectsWith(auth.startSession((await storage.findUserByEmail("mfa@example.com"))!.id), "MFA_REQUIRED");
    await expect(signIn({ email: "mfa@example.com" })).resolves.toMatchObject({ user: { email: "mfa@example.com" }, password: null });
  });

  it("keeps the account gates: a disabled account gets ACCOUNT_DISABLED", async () => {
    const { storage, signIn } = createTestAuth();
    await storage.createUser(userRecord({ email: "banned@example.com", disabledUntil: new Date(8.64e15) }));
    await rejectsWith(signIn({ email: "banned@example.com" }), "ACCOUNT_DISABLED");
  });

  it("rejects bad roles and bad addresses as the library does", async () => {
    const { signIn } = createTestAuth();
    await rejectsWith(signIn({ roles: ["not a role"] }), "INVALID_INPUT");
    await rejectsWith(signIn({ email: "not an address" }), "INVALID_INPUT");
  });
});

describe("createTestAuth: secret and options", () => {
  it("has a secret of its own: no environment, no warning, and tokens of one instance fail on another", async () => {
    vi.stubEnv("AUTH_SECRET", "");
    vi.stubEnv("BETTER_AUTH_SECRET", "");
    const {
      result: [a, b],
      warnings,
    } = await captureWarnings(() => [createTestAuth(), createTestAuth({ secret: undefined })] as const);
    expect(warnings).toEqual([]);
    const { tokens } = await a.signIn();
    await rejectsWith(b.auth.verifyAccessToken(tokens.accessToken), "TOKEN_INVALID");
  });

  it("passes options to AuthSkill over the preset's", async () => {
    const { auth, clock, signIn } = createTestAuth({ accessToken: { ttl: "1m", issuer: "my-app" } });
    const { tokens } = await signIn();
    expect(await auth.verifyAccessToken(tokens.accessToken)).toMatchObject({ iss: "my-app" });
    clock.advance("2m");
    await rejectsWith(auth.verifyAccessToken(tokens.accessToken), "TOKEN_EXPIRED");
    throwsWith(() => createTestAuth({ accessToken: { ttl: "2d" } }), "CONFIG_ERROR");
  });

  it("takes the secret, storage and now options when given", async () => {
    const secret = "given-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
    const fixed = new Date("2030-01-01T00:00:00Z");
    const first = createTestAuth({ secret, now: () => fixed });
    const second = createTestAuth({ secret, storage: first.storage });
    const { tokens } = await first.signIn({ email: "ada@example.com" });
    expect(tokens.accessTokenExpiresAt.toISOString()).toBe("2030-01-01T00:15:00.000Z");
    const again = await second.signIn({ email: "ada@example.com" });
    expect(again.user.id).toBe(tokens.user.id);
    second.clock.set(fixed);
    await expect(second.auth.verifyAccessToken(tokens.accessToken)).resolves.toMatchObject({ sub: tokens.user.id });
  });
});
