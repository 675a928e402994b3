import { afterEach, describe, expect, it, vi } from "vitest";
import { AuthError, AuthSkill } from "../src/index.js";
import { SECRET } from "./helpers.js";

function configError(make: () => unknown): AuthError {
  try {
    make();
  } catch (err) {
    if (err instanceof AuthError && err.code === "CONFIG_ERROR") return err;
    throw err;
  }
  throw new Error("expected CONFIG_ERROR");
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

  it.each<[string, string | undefined]>([["test", "test"], ["development", "development"], ["unset", undefined]])("with NODE_ENV %s, use one random secret per process", async (_name, nodeEnv) => {
    vi.stubEnv("AUTH_SECRET", "");
    vi.stubEnv("BETTER_AUTH_SECRET", "");
    vi.stubEnv("NODE_ENV", nodeEnv);
    expect(process.env.NODE_ENV).toBe(nodeEnv);
    const a = new AuthSkill();
    const b = new AuthSkill();
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
    for (const [ttl, seconds] of [[90, 90], ["90s", 90], ["15m", 900], ["2h", 7200], ["1d", 86400]] as const) {
      const auth = new AuthSkill({ secret: SECRET, accessToken: { ttl }, now: () => now });
      const claims = await auth.verifyAccessToken(await auth.createAccessToken({ userId: "u" }));
      expect(claims.exp - claims.iat).toBe(seconds);
    }
  });

  it("rateLimit: false is accepted", () => {
    expect(() => new AuthSkill({ secret: SECRET, rateLimit: false })).not.toThrow();
  });
});
