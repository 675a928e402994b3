// getBearerToken (RFC 6750 §2.1) and authenticate.
import { describe, expect, it } from "vitest";
import { authenticate, getBearerToken } from "../../src/http/index.js";
import { createTestAuth } from "../../src/testing/test-auth.js";
import { rejectsWith } from "../helpers.js";

const req = (authorization?: string) => new Request("https://api.example.com/", authorization === undefined ? {} : { headers: { authorization } });

describe("getBearerToken", () => {
  it.each([
    ["Bearer abc.DEF-ghi_jkl~mno+pqr/stu", "abc.DEF-ghi_jkl~mno+pqr/stu"],
    ["bearer abc", "abc"],
    ["BEARER abc", "abc"],
    ["BeArEr abc==", "abc=="],
    ["  Bearer abc  ", "abc"], // the runtime trims header values
  ])("%j -> %j", (header, token) => {
    expect(getBearerToken(req(header))).toBe(token);
  });

  it.each([
    ["no header", undefined],
    ["empty", ""],
    ["scheme only", "Bearer"],
    ["scheme and a space", "Bearer "],
    ["two spaces", "Bearer  abc"],
    ["a tab", "Bearer\tabc"],
    ["another scheme", "Basic YWxhZGRpbjpvcGVuc2VzYW1l"],
    ["a prefix of the scheme", "Bear abc"],
    ["no space", "Bearerabc"],
    ["a space inside the token", "Bearer abc def"],
    ["a comma (two headers joined)", "Bearer abc, Bearer def"],
    ["a quote", 'Bearer "abc"'],
    ["'=' inside", "Bearer ab=c"],
    ["non-ASCII", "Bearer abcé"],
  ])("%s -> null", (_, header) => {
    expect(getBearerToken(req(header))).toBeNull();
  });

  it("caps the token's length at 8,192 characters", () => {
    expect(getBearerToken(req(`Bearer ${"a".repeat(8192)}`))).toHaveLength(8192);
    expect(getBearerToken(req(`Bearer ${"a".repeat(8193)}`))).toBeNull();
  });

  it("reads two Authorization headers (joined by the runtime) as no token", () => {
    const headers = new Headers();
    headers.append("authorization", "Bearer abc");
    headers.append("authorization", "Bearer def");
    expect(getBearerToken(new Request("https://api.example.com/", { headers }))).toBeNull();
  });
});

describe("authenticate", () => {
  it("resolves the claims of a valid bearer token", async () => {
    const { auth, signIn } = createTestAuth();
    const { headers, user, tokens } = await signIn();
    const claims = await authenticate(auth, new Request("https://api.example.com/", { headers }));
    expect(claims.sub).toBe(user.id);
    expect(claims.sid).toBe(tokens.sessionId);
  });

  it("TOKEN_INVALID without a token (absent or malformed), and for a bad one", async () => {
    const { auth } = createTestAuth();
    const err = await rejectsWith(authenticate(auth, req()), "TOKEN_INVALID");
    expect(err.message).toBe("An access token is required (Authorization: Bearer <token>).");
    await rejectsWith(authenticate(auth, req("Basic abc")), "TOKEN_INVALID");
    await rejectsWith(authenticate(auth, req("Bearer not.a.jwt")), "TOKEN_INVALID");
  });

  it("TOKEN_EXPIRED after the access token's lifetime", async () => {
    const { auth, clock, signIn } = createTestAuth();
    const { headers } = await signIn();
    clock.advance("16m");
    await rejectsWith(authenticate(auth, new Request("https://api.example.com/", { headers })), "TOKEN_EXPIRED");
  });

  it("checkRevocation: a revoked session's token is TOKEN_REVOKED; without it the token still verifies", async () => {
    const { auth, signIn } = createTestAuth();
    const { headers, tokens } = await signIn();
    await auth.revoke(tokens.refreshToken);
    const request = new Request("https://api.example.com/", { headers });
    await expect(authenticate(auth, request)).resolves.toMatchObject({ sid: tokens.sessionId });
    await rejectsWith(authenticate(auth, request, { checkRevocation: true }), "TOKEN_REVOKED");
  });

  it("checkRevocation false overrides an instance that checks by default", async () => {
    const { auth, signIn } = createTestAuth({ accessToken: { checkRevocation: true } });
    const { headers, tokens } = await signIn();
    await auth.revoke(tokens.refreshToken);
    const request = new Request("https://api.example.com/", { headers });
    await rejectsWith(authenticate(auth, request), "TOKEN_REVOKED");
    await expect(authenticate(auth, request, { checkRevocation: false })).resolves.toMatchObject({ sid: tokens.sessionId });
  });
});
