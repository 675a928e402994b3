// Configuration from the environment: AUTH_ISSUER, AUTH_AUDIENCE, AUTH_ACCESS_TOKEN_TTL, AUTH_REFRESH_TOKEN_TTL fill
// in what the code leaves out; the code wins field by field; a bad value is CONFIG_ERROR naming the variable.
import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { AuthSkill } from "../src/index.js";
import { withEnvironment } from "../src/environment.js";
import { SECRET } from "./helpers.js";

afterEach(() => vi.unstubAllEnvs());

describe("configuration from the environment", () => {
  it("fills in issuer, audience and lifetimes when the code leaves them out", async () => {
    vi.stubEnv("AUTH_ISSUER", "https://auth.example.com");
    vi.stubEnv("AUTH_AUDIENCE", "api-a, api-b");
    vi.stubEnv("AUTH_ACCESS_TOKEN_TTL", "300");
    vi.stubEnv("AUTH_REFRESH_TOKEN_TTL", "7d");
    const auth = new AuthSkill({ secret: SECRET, rateLimit: false });
    const { accessToken, refreshTokenExpiresAt } = await auth.signup({ email: "ada@example.com", password: "correct horse battery staple" });
    const claims = decodeJwt(accessToken);
    expect(claims).toMatchObject({ iss: "https://auth.example.com", aud: ["api-a", "api-b"] });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(Math.round((refreshTokenExpiresAt.getTime() - Date.now()) / 86_400_000)).toBe(7);
    expect(decodeProtectedHeader(accessToken).typ).toBe("at+jwt");
    await expect(auth.verifyAccessToken(accessToken)).resolves.toMatchObject({ iss: "https://auth.example.com" });
  });

  it("options in code win, field by field; empty variables count as unset", () => {
    const env = { AUTH_ISSUER: "from-env", AUTH_AUDIENCE: "", AUTH_ACCESS_TOKEN_TTL: "5m", AUTH_REFRESH_TOKEN_TTL: "  " };
    expect(withEnvironment({ accessToken: { issuer: "from-code" } }, env)).toEqual({ accessToken: { issuer: "from-code", ttl: "5m" }, refreshToken: {} });
    expect(withEnvironment({}, {})).toEqual({});
    const given = { accessToken: 5 } as never;
    expect(withEnvironment(given, env)).toBe(given); // left for the schema to refuse
  });

  it("a bad value is CONFIG_ERROR naming the variable", () => {
    const cases: [string, string, RegExp][] = [
      ["AUTH_ACCESS_TOKEN_TTL", "2d", /AUTH_ACCESS_TOKEN_TTL must be at most 24 hours/],
      ["AUTH_ACCESS_TOKEN_TTL", "fifteen", /AUTH_ACCESS_TOKEN_TTL must be seconds or a duration/],
      ["AUTH_REFRESH_TOKEN_TTL", "500d", /AUTH_REFRESH_TOKEN_TTL must be at most 400 days/],
      ["AUTH_ISSUER", "a\u0007b", /AUTH_ISSUER must be at most 255 characters/],
      ["AUTH_AUDIENCE", "x".repeat(300), /AUTH_AUDIENCE must be at most 255 characters/],
    ];
    for (const [name, value, message] of cases) {
      vi.stubEnv(name, value);
      expect(() => new AuthSkill({ secret: SECRET })).toThrow(expect.objectContaining({ code: "CONFIG_ERROR", message: expect.stringMatching(message) }));
      vi.unstubAllEnvs();
    }
  });
});
