// The flow every runtime example must serve, driven with fetch over real HTTP: the example mounts the handler at
// /auth (bearer mode, no trusted proxies) and protects GET /me with authenticate({ checkRevocation: true }).
import { expect } from "vitest";

export const PASSWORD = "quiet mountain lakes at dawn";

interface Tokens {
  user: { id: string; email: string };
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  tokenType: string;
}

const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

/** A copy of `token` with one character of its signature changed. */
export function tamper(token: string): string {
  const i = token.length - 10;
  return token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
}

/** Reads a token response: 200/201, `Cache-Control: no-store`, the bearer-mode fields. */
async function tokensOf(response: Response, status: number): Promise<Tokens> {
  expect(response.status).toBe(status);
  expect(response.headers.get("cache-control")).toBe("no-store");
  const body = (await response.json()) as Tokens;
  expect(body).toMatchObject({ tokenType: "Bearer", accessToken: expect.any(String), refreshToken: expect.any(String) });
  return body;
}

/** Asserts a 401 of `/me` with the RFC 6750 challenge `challenge` and the one error shape. */
async function expect401(response: Response, challenge: string): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toBe(challenge);
  const body = (await response.json()) as { error: { code: string } };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toMatch(/^TOKEN_(INVALID|REVOKED)$/);
}

/**
 * Signup, signin, GET /me with the bearer, the session's client address, refresh (rotation), signout, and the
 * 401s: without a token, with a tampered one, with the signed-out session's token. `origin` is the server's
 * `http://127.0.0.1:PORT`; `email` must be new to its instance.
 */
export async function expectAuthFlow(origin: string, email = "ada@example.com"): Promise<void> {
  await expect401(await fetch(`${origin}/me`), "Bearer");

  const signedUp = await tokensOf(await fetch(`${origin}/auth/signup`, json({ email, password: PASSWORD, confirmPassword: PASSWORD })), 201);
  expect(signedUp.user.email).toBe(email);
  expect(signedUp.user).not.toHaveProperty("passwordHash");
  const wrong = await fetch(`${origin}/auth/signin`, json({ email, password: `${PASSWORD}!` }));
  expect(wrong.status).toBe(401);
  expect(JSON.stringify(await wrong.json())).not.toContain(PASSWORD);

  const signedIn = await tokensOf(await fetch(`${origin}/auth/signin`, json({ email, password: PASSWORD })), 200);
  expect(signedIn.user.id).toBe(signedUp.user.id);
  expect(signedIn.sessionId).not.toBe(signedUp.sessionId);

  const me = await fetch(`${origin}/me`, bearer(signedIn.accessToken));
  expect(me.status).toBe(200);
  expect(await me.json()).toEqual({ userId: signedUp.user.id, sessionId: signedIn.sessionId });
  await expect401(await fetch(`${origin}/me`, bearer(tamper(signedIn.accessToken))), 'Bearer error="invalid_token"');

  // The runtime's socket address reached the handler, and through it the session.
  const session = await fetch(`${origin}/auth/session`, bearer(signedIn.accessToken));
  expect(session.status).toBe(200);
  expect(await session.json()).toMatchObject({ user: { id: signedUp.user.id }, session: { id: signedIn.sessionId, ip: "127.0.0.1" } });

  const refreshed = await tokensOf(await fetch(`${origin}/auth/refresh`, json({ refreshToken: signedIn.refreshToken })), 200);
  expect(refreshed.sessionId).toBe(signedIn.sessionId);
  expect(refreshed.refreshToken).not.toBe(signedIn.refreshToken);
  expect((await fetch(`${origin}/me`, bearer(refreshed.accessToken))).status).toBe(200);

  const signout = await fetch(`${origin}/auth/signout`, json({ refreshToken: refreshed.refreshToken }));
  expect(signout.status).toBe(204);
  // /me checks revocation: the signed-out session's unexpired access token is refused.
  await expect401(await fetch(`${origin}/me`, bearer(refreshed.accessToken)), 'Bearer error="invalid_token"');
  expect((await fetch(`${origin}/auth/refresh`, json({ refreshToken: refreshed.refreshToken }))).status).toBe(401);
  // The other session (signup's) is untouched.
  expect((await fetch(`${origin}/me`, bearer(signedUp.accessToken))).status).toBe(200);
}
