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
  FORBIDDEN: 403,
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

describe("the AuthError family and its brand", () => {
  class Family extends AuthError {
    static override readonly brand: string = "Family";
  }
  class Unbranded extends AuthError {}

  it("instanceof AuthError holds for every member, subclasses only for their own", () => {
    const base = new AuthError("STORAGE_ERROR", "x");
    const member = new Family("STORAGE_ERROR", "x");
    const plain = new Unbranded("CONFIG_ERROR", "x");
    for (const err of [base, member, plain]) {
      expect(err instanceof AuthError).toBe(true);
      expect(isAuthError(err)).toBe(true);
    }
    expect(member instanceof Family).toBe(true);
    expect(base instanceof Family).toBe(false); // the brand check never widens a subclass to its base
    expect(plain instanceof Family).toBe(false);
    expect(base instanceof Unbranded).toBe(false);
    expect(plain instanceof Unbranded).toBe(true);
    expect(isAuthError(member, "STORAGE_ERROR")).toBe(true);
    expect(isAuthError(member, "CONFIG_ERROR")).toBe(false);
  });

  it("the brand is a registered symbol listing the class chain, fixed on the instance", () => {
    const brand = Symbol.for("auth-skill.AuthError");
    const member = new Family("TOKEN_INVALID", "x") as unknown as Record<symbol, unknown>;
    expect(member[brand]).toEqual(["Family", "AuthError"]);
    expect(Object.isFrozen(member[brand])).toBe(true);
    expect(Object.keys(member)).not.toContain(brand.toString());
    expect(() => {
      member[brand] = ["Other"]; // modules are strict: a non-writable property throws
    }).toThrow(TypeError);
  });

  it("an Error carrying the brand passes, as one made by the other build or a second copy would", () => {
    const foreign = Object.defineProperty(new Error("from the CJS build"), Symbol.for("auth-skill.AuthError"), { value: ["Family", "AuthError"] });
    expect(foreign instanceof AuthError).toBe(true);
    expect(foreign instanceof Family).toBe(true);
    expect(foreign instanceof Unbranded).toBe(false); // no brand of its own: the ordinary prototype check only
    const baseOnly = Object.defineProperty(new Error("x"), Symbol.for("auth-skill.AuthError"), { value: ["AuthError"] });
    expect(baseOnly instanceof AuthError).toBe(true);
    expect(baseOnly instanceof Family).toBe(false);
  });

  it("a plain object, a copy or a look-alike never passes", () => {
    const err = new AuthError("TOKEN_INVALID", "The token is invalid.");
    const lookAlikes: unknown[] = [
      { name: "AuthError", code: "TOKEN_INVALID", status: 401, message: "x" },
      { ...err },
      JSON.parse(JSON.stringify(err)),
      structuredClone(err), // symbols do not survive
      Object.assign(Object.create(Error.prototype), { name: "AuthError", code: "TOKEN_INVALID" }),
      { [Symbol.for("auth-skill.AuthError")]: ["AuthError"] }, // not an Error
      Object.defineProperty(new Error("x"), Symbol.for("auth-skill.AuthError"), { value: "AuthError" }), // not the list
      Object.assign(new Error("x"), { code: "TOKEN_INVALID" }),
      null,
      undefined,
      "AuthError",
    ];
    for (const value of lookAlikes) {
      expect(value instanceof AuthError).toBe(false);
      expect(isAuthError(value)).toBe(false);
      expect(value instanceof Family).toBe(false);
    }
  });
});
