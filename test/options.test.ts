import { Kysely, SqliteDialect } from "kysely";
import { afterEach, describe, expect, it, vi } from "vitest";
import { kyselyStorage, sqliteStatementCache, type KyselyStorageOptions, type SqliteStatementCacheOptions } from "../src/adapters/kysely/index.js";
import { resolveBridgeOptions } from "../src/better-auth/options.js";
import {
  AuthError,
  AuthSkill,
  memoryRateLimitStore,
  memoryStorage,
  type AuthSkillOptions,
  type RequestContext,
  type ReserveOptions,
  type SigninInput,
  type SignupInput,
  type StartSessionOptions,
} from "../src/index.js";
import { resolveOptions } from "../src/options.js";
import { SECRET, captureWarnings } from "./helpers.js";

function configError(make: () => unknown): AuthError {
  try {
    make();
  } catch (err) {
    if (err instanceof AuthError && err.code === "CONFIG_ERROR") return err;
    throw err;
  }
  throw new Error("expected CONFIG_ERROR");
}

/** A value with every function replaced by "function", so two resolutions compare by everything else. */
function comparable(value: unknown): unknown {
  if (typeof value === "function") return "function";
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  return value;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("options", () => {
  it("refuse a secret shorter than 32 characters or without variety, without echoing it", () => {
    const short = configError(() => new AuthSkill({ secret: "too-short-secret" }));
    expect(short.message).not.toContain("too-short-secret");
    configError(() => new AuthSkill({ secret: "a".repeat(64) }));
    expect(() => new AuthSkill({ secret: SECRET })).not.toThrow();
  });

  it("fall back to AUTH_SECRET, then BETTER_AUTH_SECRET", async () => {
    vi.stubEnv("AUTH_SECRET", "");
    vi.stubEnv("BETTER_AUTH_SECRET", SECRET);
    const fromBetterAuth = new AuthSkill();
    const withSecret = new AuthSkill({ secret: SECRET });
    const token = await fromBetterAuth.createAccessToken({ userId: "u1" });
    await expect(withSecret.verifyAccessToken(token)).resolves.toMatchObject({ sub: "u1" });
    vi.stubEnv("AUTH_SECRET", `${SECRET}-auth`);
    const fromAuthSecret = new AuthSkill();
    await expect(fromAuthSecret.verifyAccessToken(token)).rejects.toMatchObject({ code: "TOKEN_INVALID" });
  });

  it("refuse plainly weak secrets (repetition, tiny alphabets), saying how to make one", () => {
    for (const secret of ["abcdefgh".repeat(4), "0123456789abcdef".repeat(2), "c0ffee".repeat(8), "0110100110010110".repeat(2)]) {
      const err = configError(() => new AuthSkill({ secret }));
      expect(err.message).toContain("openssl rand -base64 32");
      expect(err.message).not.toContain(secret);
    }
  });

  it.each(["production", "staging", "prod", "Production", "dev", "testing", "preview"])(
    "throw CONFIG_ERROR without a secret when NODE_ENV is %s (the fallback is for development and test only)",
    (nodeEnv) => {
      vi.stubEnv("AUTH_SECRET", "");
      vi.stubEnv("BETTER_AUTH_SECRET", "");
      vi.stubEnv("NODE_ENV", nodeEnv);
      expect(configError(() => new AuthSkill()).message).toContain("openssl rand -base64 32");
    },
  );

  it.each<[string, string | undefined]>([
    ["test", "test"],
    ["development", "development"],
    ["unset", undefined],
  ])("with NODE_ENV %s, use one random secret per process", async (_name, nodeEnv) => {
    vi.stubEnv("AUTH_SECRET", "");
    vi.stubEnv("BETTER_AUTH_SECRET", "");
    vi.stubEnv("NODE_ENV", nodeEnv);
    expect(process.env.NODE_ENV).toBe(nodeEnv);
    const {
      result: [a, b],
    } = await captureWarnings(() => [new AuthSkill(), new AuthSkill()] as const); // the fallback's warning, not printed
    const token = await a.createAccessToken({ userId: "u1" });
    await expect(b.verifyAccessToken(token)).resolves.toMatchObject({ sub: "u1" });
    await expect(new AuthSkill({ secret: SECRET }).verifyAccessToken(token)).rejects.toMatchObject({ code: "TOKEN_INVALID" });
  });

  it.each([
    [{ password: { minLength: 7 } }, "password.minLength"],
    [{ password: { maxLength: 63 } }, "password.maxLength"],
    [{ password: { hasher: "md5" } }, "password.hasher"],
    [{ password: { argon2: { memoryCost: 4096 } } }, "password.argon2.memoryCost"],
    [{ password: { argon2: { timeCost: 1 } } }, "password.argon2.timeCost"],
    [{ password: { argon2: { memoryCost: 19456000 } } }, "password.argon2.memoryCost"], // above verify limits
    [{ password: { argon2: { timeCost: 65 } } }, "password.argon2.timeCost"],
    [{ password: { bcryptCost: 8 } }, "password.bcryptCost"],
    [{ accessToken: { ttl: "fifteen minutes" } }, "accessToken.ttl"],
    [{ accessToken: { algorithm: "none" } }, "accessToken.algorithm"],
    [{ accessToken: { algorithm: "EdDSA" } }, "accessToken.keys"],
    [{ refreshToken: { reuseInterval: -1 } }, "refreshToken.reuseInterval"],
    [{ rateLimit: true }, "rateLimit"],
    [{ unknownOption: 1 }, "options"],
  ])("refuse bad option %# with CONFIG_ERROR naming it", (options, name) => {
    const err = configError(() => new AuthSkill({ secret: SECRET, ...(options as object) }));
    expect(err.message).toContain(name);
    expect(err.message).not.toContain(SECRET);
  });

  it("accept durations as seconds or strings", async () => {
    const now = new Date("2026-01-01T00:00:00Z");
    for (const [ttl, seconds] of [
      [90, 90],
      ["90s", 90],
      ["15m", 900],
      ["2h", 7200],
      ["1d", 86400],
    ] as const) {
      const auth = new AuthSkill({ secret: SECRET, accessToken: { ttl }, now: () => now });
      const claims = await auth.verifyAccessToken(await auth.createAccessToken({ userId: "u" }));
      expect(claims.exp - claims.iat).toBe(seconds);
    }
  });

  it("rateLimit: false is accepted", () => {
    expect(() => new AuthSkill({ secret: SECRET, rateLimit: false })).not.toThrow();
  });

  // exactOptionalPropertyTypes users write `secret: process.env.AUTH_SECRET`: the types accept `undefined` on every
  // optional field (this file compiles only then), and the runtime reads it as the field left out.
  it("read an optional field set to undefined as the field left out, nested ones too", () => {
    vi.stubEnv("AUTH_SECRET", SECRET);
    const explicit: AuthSkillOptions = {
      secret: undefined,
      storage: undefined,
      password: {
        hasher: undefined,
        minLength: undefined,
        maxLength: undefined,
        argon2: { memoryCost: undefined, timeCost: undefined, parallelism: undefined },
        bcryptCost: undefined,
        maxBcryptCost: undefined,
        blockCommon: undefined,
        pepper: undefined,
      },
      rateLimit: { store: undefined, account: undefined, client: undefined, signup: undefined, lockAfter: undefined },
      accessToken: {
        algorithm: undefined,
        keys: undefined,
        issuer: undefined,
        audience: undefined,
        ttl: undefined,
        clockTolerance: undefined,
        checkRevocation: undefined,
      },
      refreshToken: { ttl: undefined, idleTtl: undefined, reuseInterval: undefined },
      now: undefined,
    };
    const resolved = resolveOptions(explicit);
    const defaults = resolveOptions({});
    // functions (clocks, the fresh memory stores' methods) compared by kind; every other value strictly
    expect(comparable(resolved)).toStrictEqual(comparable(defaults));
    expect(resolved.passwords.argon2).toStrictEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(resolved.secrets).toEqual([SECRET]);
    expect(resolved.now()).toBeInstanceOf(Date);
    expect(defaults.now()).toBeInstanceOf(Date);
    expect(comparable(resolveOptions({ rateLimit: undefined }).rateLimit)).toStrictEqual(comparable(defaults.rateLimit));
    expect(() => new AuthSkill(explicit)).not.toThrow();
  });

  it("start a session with a context and options whose fields are undefined, as with none", async () => {
    const start = new Date("2026-01-01T00:00:00Z");
    const auth = new AuthSkill({ secret: SECRET, storage: memoryStorage(), now: () => start });
    const context: RequestContext = { ip: undefined, userAgent: undefined };
    const options: StartSessionOptions = { secondFactorVerified: undefined, ttl: undefined };
    const { user } = await auth.signup({ email: "undefined-fields@example.com", password: "correct horse battery staple" }, context);
    const session = await auth.startSession(user.id, context, options);
    expect(session.refreshTokenExpiresAt.getTime() - start.getTime()).toBe(30 * 86_400_000);
    await expect(auth.signin({ email: "undefined-fields@example.com", password: "correct horse battery staple" }, context)).resolves.toMatchObject({
      user: { id: user.id },
    });
  });

  it("betterAuthBridge options: a field set to undefined resolves as the field left out", () => {
    // never connected: resolving options reads the dialect only (no native SQLite here, so the unit and
    // mutation runs need no better-sqlite3 build for their Node)
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: async () => Promise.reject(new Error("not connected")) }) });
    const clock = () => new Date("2026-01-01T00:00:00Z");
    const base = { db, secret: SECRET, now: clock };
    const explicit = resolveBridgeOptions({
      ...base,
      secrets: undefined,
      baseURL: undefined,
      cookiePrefix: undefined,
      useSecureCookies: undefined,
      sessionExpiresIn: undefined,
      requireEmailVerification: undefined,
      usernames: undefined,
      dialect: undefined,
      refreshTable: undefined,
      jwt: { jwksUrl: undefined, issuer: undefined, audience: undefined, clockTolerance: undefined },
      argon2: { memoryCost: undefined, timeCost: undefined, parallelism: undefined },
      authSkillSecret: undefined,
    });
    const { now: explicitNow, ...resolved } = explicit;
    const { now: defaultNow, ...defaults } = resolveBridgeOptions(base);
    expect(resolved).toStrictEqual(defaults);
    expect(resolved.argon2).toStrictEqual({});
    expect(explicitNow()).toStrictEqual(defaultNow());
    const { now: _n, ...noJwt } = resolveBridgeOptions({ ...base, jwt: undefined, argon2: undefined, now: undefined });
    expect(noJwt).toStrictEqual(defaults);
  });

  // The other option objects take `undefined` too (these lines compile only with `| undefined` on their
  // fields, under exactOptionalPropertyTypes), and read it as the field left out: the default, never NaN.
  describe("a field set to undefined takes its default", () => {
    it("createAccessToken: ttl, sessionId and claims", async () => {
      const now = new Date("2026-01-01T00:00:00Z");
      const auth = new AuthSkill({ secret: SECRET, accessToken: { ttl: undefined }, now: () => now });
      const claims = await auth.verifyAccessToken(await auth.createAccessToken({ userId: "u", ttl: undefined, sessionId: undefined, claims: undefined }));
      expect(claims.exp - claims.iat).toBe(15 * 60);
      expect(claims.sid).toBeUndefined();
    });

    it("verifyAccessToken: checkRevocation undefined is the instance's setting", async () => {
      const auth = new AuthSkill({ secret: SECRET, storage: memoryStorage(), accessToken: { checkRevocation: true } });
      const { accessToken, sessionId } = await auth.signup({ email: "revoked@example.com", password: "correct horse battery staple" });
      await auth.revokeSession(sessionId);
      await expect(auth.verifyAccessToken(accessToken, { checkRevocation: undefined })).rejects.toMatchObject({ code: "TOKEN_REVOKED" });
      await expect(auth.verifyAccessToken(accessToken, { checkRevocation: false })).resolves.toMatchObject({ sid: sessionId });
    });

    it("signup and signin inputs: username, name and the unused identifier", async () => {
      const auth = new AuthSkill({ secret: SECRET, storage: memoryStorage() });
      const signup: SignupInput = { email: "plain@example.com", password: "correct horse battery staple", username: undefined, name: undefined };
      const { user } = await auth.signup(signup);
      expect(user).toMatchObject({ username: null, name: null });
      const signin: SigninInput = { email: "plain@example.com", username: undefined, password: "correct horse battery staple" };
      await expect(auth.signin(signin)).resolves.toMatchObject({ user: { id: user.id } });
    });

    it("sqliteStatementCache: max undefined keeps 200 statements", () => {
      const prepared: string[] = [];
      const options: SqliteStatementCacheOptions = { max: undefined };
      const cache = sqliteStatementCache({ prepare: (sql: string) => prepared.push(sql), close: () => undefined }, options);
      for (let i = 0; i <= 200; i++) cache.prepare(`SELECT ${i}`);
      cache.prepare("SELECT 200"); // still cached
      cache.prepare("SELECT 0"); // the least recently used of 201: dropped, prepared again
      expect(prepared).toHaveLength(202);
      expect(prepared.at(-1)).toBe("SELECT 0");
    });

    it("kyselyStorage: tablePrefix and dialect undefined are the default prefix and the detected dialect", () => {
      const db = new Kysely<any>({ dialect: new SqliteDialect({ database: async () => Promise.reject(new Error("not connected")) }) });
      const options: KyselyStorageOptions = { db, tablePrefix: undefined, dialect: undefined };
      const storage = kyselyStorage(options);
      expect(storage.dialect).toBe("sqlite");
      expect(storage.tables).toStrictEqual({
        users: "auth_users",
        migrations: "auth_migrations",
        sessions: "auth_sessions",
        verifications: "auth_verifications",
        totp: "auth_totp",
        recoveryCodes: "auth_recovery_codes",
        passkeys: "auth_passkeys",
      });
    });

    it("memoryRateLimitStore: evictable undefined guards like a counter without the option", async () => {
      const store = memoryRateLimitStore(1);
      const now = new Date("2026-01-01T00:00:00Z");
      const options: ReserveOptions = { evictable: undefined };
      await expect(store.reserve("lock:a", 5, 60_000, now, options)).resolves.toMatchObject({ ok: true });
      await expect(store.reserve("lock:b", 5, 60_000, now)).resolves.toMatchObject({ ok: false }); // full; "lock:a" was not dropped
    });
  });
});
