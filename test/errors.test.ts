import { describe, expect, it } from "vitest";
import { AUTH_ERROR_STATUS, AuthError, isAuthError, type AuthErrorCode } from "../src/index.js";

const expected: Record<AuthErrorCode, number> = {
  INVALID_INPUT: 400,
  WEAK_PASSWORD: 400,
  USER_EXISTS: 409,
  INVALID_CREDENTIALS: 401,
  RATE_LIMITED: 429,
  CONFIG_ERROR: 500,
  STORAGE_ERROR: 500,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  REFRESH_TOKEN_REUSED: 401,
  ACCOUNT_DISABLED: 403,
  MFA_REQUIRED: 403,
  EMAIL_NOT_VERIFIED: 403,
};

describe("AuthError", () => {
  it("maps every code to its HTTP status", () => {
    expect(AUTH_ERROR_STATUS).toEqual(expected);
    for (const [code, status] of Object.entries(expected)) expect(new AuthError(code as AuthErrorCode, "m").status).toBe(status);
  });

  it("serialises to the response body { error: { code, message } }", () => {
    const err = new AuthError("USER_EXISTS", "An account with this email address already exists.", { field: "email" });
    expect(err.toJSON()).toEqual({ error: { code: "USER_EXISTS", message: "An account with this email address already exists.", field: "email" } });
    expect(JSON.parse(JSON.stringify(err))).toEqual(err.toJSON());
    expect(new AuthError("TOKEN_INVALID", "x").toJSON()).toEqual({ error: { code: "TOKEN_INVALID", message: "x" } });
  });

  it("is an Error with a name, a cause, and a type guard", () => {
    const cause = new Error("boom");
    const err = new AuthError("STORAGE_ERROR", "unavailable", { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("AuthError");
    expect(err.cause).toBe(cause);
    expect(isAuthError(err)).toBe(true);
    expect(isAuthError(err, "STORAGE_ERROR")).toBe(true);
    expect(isAuthError(err, "TOKEN_INVALID")).toBe(false);
    expect(isAuthError(cause)).toBe(false);
  });
});
