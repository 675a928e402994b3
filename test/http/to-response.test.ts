// toResponse: the one error shape, the code's status, no-store, Retry-After on 429, RFC 6750 WWW-Authenticate on
// 401, and a bare 500 for anything that is not an AuthError.
import { describe, expect, it } from "vitest";
import { AuthError, AUTH_ERROR_STATUS, type AuthErrorCode } from "../../src/index.js";
import { toResponse } from "../../src/http/index.js";

const withToken = new Request("https://api.example.com/me", { headers: { authorization: "Bearer abc.def.ghi" } });
const withoutToken = new Request("https://api.example.com/me");

describe("toResponse", () => {
  it.each(Object.keys(AUTH_ERROR_STATUS) as AuthErrorCode[])("%s: the code's status and { error: { code, message } }, no-store", async (code) => {
    const response = toResponse(new AuthError(code, "A safe message."));
    expect(response.status).toBe(AUTH_ERROR_STATUS[code]);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const message = AUTH_ERROR_STATUS[code] >= 500 ? "Something went wrong. Please try again." : "A safe message.";
    expect(await response.json()).toEqual({ error: { code, message } });
  });

  it("puts the field in the body when the error has one", async () => {
    const response = toResponse(new AuthError("INVALID_INPUT", "A valid email address is required.", { field: "email" }));
    expect(await response.json()).toEqual({ error: { code: "INVALID_INPUT", message: "A valid email address is required.", field: "email" } });
  });

  it("sets Retry-After on 429 from retryAfter, in whole seconds rounded up; none without retryAfter", () => {
    expect(toResponse(new AuthError("RATE_LIMITED", "Too many attempts.", { retryAfter: 12.2 })).headers.get("retry-after")).toBe("13");
    expect(toResponse(new AuthError("RATE_LIMITED", "Too many attempts.", { retryAfter: 0 })).headers.get("retry-after")).toBe("0");
    expect(toResponse(new AuthError("RATE_LIMITED", "Too many attempts.")).headers.has("retry-after")).toBe(false);
    expect(toResponse(new AuthError("RATE_LIMITED", "x", { retryAfter: Number.NaN })).headers.has("retry-after")).toBe(false);
    expect(toResponse(new AuthError("RATE_LIMITED", "x", { retryAfter: -5 })).headers.has("retry-after")).toBe(false);
    expect(toResponse(new AuthError("INVALID_INPUT", "x", { retryAfter: 5 })).headers.has("retry-after")).toBe(false);
  });

  it("401: WWW-Authenticate `Bearer` alone when the request carried no token, invalid_token when it did", () => {
    for (const code of ["TOKEN_INVALID", "TOKEN_EXPIRED", "TOKEN_REVOKED"] as const) {
      expect(toResponse(new AuthError(code, "x"), withoutToken).headers.get("www-authenticate")).toBe("Bearer");
      expect(toResponse(new AuthError(code, "x")).headers.get("www-authenticate")).toBe("Bearer");
      expect(toResponse(new AuthError(code, "x"), withToken).headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    }
    // A wrong password or a bad refresh token is not a problem with the access token the request carried.
    expect(toResponse(new AuthError("INVALID_CREDENTIALS", "x"), withToken).headers.get("www-authenticate")).toBe("Bearer");
    expect(toResponse(new AuthError("REFRESH_TOKEN_REUSED", "x"), withToken).headers.get("www-authenticate")).toBe("Bearer");
    // A malformed Authorization header is no token.
    const malformed = new Request("https://api.example.com/me", { headers: { authorization: "Bearer  two-spaces" } });
    expect(toResponse(new AuthError("TOKEN_INVALID", "x"), malformed).headers.get("www-authenticate")).toBe("Bearer");
  });

  it("no WWW-Authenticate on other statuses", () => {
    for (const code of ["FORBIDDEN", "INVALID_INPUT", "RATE_LIMITED", "STORAGE_ERROR"] as const) {
      expect(toResponse(new AuthError(code, "x"), withToken).headers.has("www-authenticate")).toBe(false);
    }
  });

  it("anything that is not an AuthError is a 500 with a generic body: no message, no stack, no cause", async () => {
    const secret = "postgres://admin:hunter2@db.internal/prod";
    for (const thrown of [new Error(secret), new TypeError(secret), secret, { code: "TOKEN_INVALID", message: secret, status: 401 }, undefined]) {
      const response = toResponse(thrown, withToken);
      expect(response.status).toBe(500);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.has("www-authenticate")).toBe(false);
      const text = await response.text();
      expect(text).not.toContain("hunter2");
      expect(JSON.parse(text)).toEqual({ error: { code: "INTERNAL_ERROR", message: "Something went wrong. Please try again." } });
    }
  });

  it("a 5xx AuthError keeps its code but not its message (a configuration or storage detail stays on the server)", async () => {
    const detail = "the native addon @node-rs/argon2 could not be loaded: run Deno with --allow-ffi";
    for (const code of ["CONFIG_ERROR", "STORAGE_ERROR"] as const) {
      const response = toResponse(new AuthError(code, detail));
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: { code, message: "Something went wrong. Please try again." } });
    }
    expect(await toResponse(new AuthError("USER_EXISTS", "An account with this email address already exists.", { field: "email" })).json()).toEqual({
      error: { code: "USER_EXISTS", message: "An account with this email address already exists.", field: "email" },
    });
  });

  it("recognises an AuthError from another copy of the class (the cross-build brand)", () => {
    class Other extends Error {}
    const lookalike = Object.assign(new Other("x"), { code: "USER_EXISTS", status: 409 });
    expect(toResponse(lookalike).status).toBe(500);
    expect(toResponse(new AuthError("USER_EXISTS", "x")).status).toBe(409);
  });
});
