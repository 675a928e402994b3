// The passkey routes' error bodies: without the option every route is the plain 404 of an unknown route, and deleting a
// passkey the user does not have is a 404 that says so.
import { AuthSkill, memoryStorage } from "auth-skill";
import { createAuthHandler } from "auth-skill/http";
import { describe, expect, it } from "vitest";
import { ORIGIN, SECRET, setup } from "./harness.js";

describe("passkey routes: error bodies", () => {
  it("without the passkeys option: 404 NOT_FOUND, 'Not found.'", async () => {
    const handler = createAuthHandler(new AuthSkill({ secret: SECRET, storage: memoryStorage() }));
    const response = await handler(new Request(`${ORIGIN}/auth/passkeys/registration-options`, { method: "POST" }));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "NOT_FOUND", message: "Not found." } });
  });

  it("DELETE of a passkey the user does not have: 404 NOT_FOUND, 'There is no such passkey.'", async () => {
    const { auth } = await setup();
    const handler = createAuthHandler(auth);
    const signup = await handler(
      new Request(`${ORIGIN}/auth/signup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "errors@example.com", password: "a long passphrase 42" }),
      }),
    );
    const { accessToken } = (await signup.json()) as { accessToken: string };
    const response = await handler(
      new Request(`${ORIGIN}/auth/passkeys/nothing-here`, { method: "DELETE", headers: { authorization: `Bearer ${accessToken}` } }),
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "NOT_FOUND", message: "There is no such passkey." } });
  });
});
