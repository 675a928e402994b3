// The account routes (reset, change, verification, email change), each on success and failure.
import { describe, expect, it } from "vitest";
import { bearer, errorOf, NEW_PASSWORD, PASSWORD, setup } from "./support.js";

describe("POST /password/reset-request and /password/reset", () => {
  it("202 for a known and an unknown address alike; the mailed token resets the password and ends every session", async () => {
    const { call, signup, outbox } = setup();
    const { email, body } = await signup("ada@example.com");
    const known = await call("POST", "/password/reset-request", { json: { email } });
    const unknown = await call("POST", "/password/reset-request", { json: { email: "nobody@example.com" } });
    for (const response of [known, unknown]) {
      expect(response.status).toBe(202);
      expect(await response.text()).toBe("");
    }
    const token = await outbox.tokenFor(email, "password-reset");
    const reset = await call("POST", "/password/reset", { json: { token, password: NEW_PASSWORD } });
    expect(reset.status).toBe(200);
    expect((await reset.json()).user).toMatchObject({ email });
    expect((await call("POST", "/refresh", { json: { refreshToken: body.refreshToken } })).status).toBe(401);
    expect((await call("POST", "/signin", { json: { email, password: NEW_PASSWORD } })).status).toBe(200);
    // the token is spent
    const again = await call("POST", "/password/reset", { json: { token, password: "another new passphrase" } });
    expect(again.status).toBe(401);
    expect((await errorOf(again)).code).toBe("TOKEN_INVALID");
  });

  it("400 INVALID_INPUT naming the field for a missing email; WEAK_PASSWORD naming password", async () => {
    const { call, signup, outbox } = setup();
    const missing = await call("POST", "/password/reset-request", { json: {} });
    expect(missing.status).toBe(400);
    expect(await errorOf(missing)).toMatchObject({ code: "INVALID_INPUT", field: "email" });
    const { email } = await signup();
    await call("POST", "/password/reset-request", { json: { email } });
    const token = await outbox.tokenFor(email, "password-reset");
    const weak = await call("POST", "/password/reset", { json: { token, password: "password" } });
    expect(weak.status).toBe(400);
    expect(await errorOf(weak)).toMatchObject({ code: "WEAK_PASSWORD", field: "password" });
  });
});

describe("POST /password/change", () => {
  it("204; the other sessions end, the one making the request stays", async () => {
    const { call, signup } = setup();
    const { email, body } = await signup();
    const other = await (await call("POST", "/signin", { json: { email, password: PASSWORD } })).json();
    const response = await call("POST", "/password/change", {
      json: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      headers: bearer(body.accessToken),
    });
    expect(response.status).toBe(204);
    expect((await call("POST", "/refresh", { json: { refreshToken: other.refreshToken } })).status).toBe(401);
    expect((await call("POST", "/refresh", { json: { refreshToken: body.refreshToken } })).status).toBe(200);
    expect((await call("POST", "/signin", { json: { email, password: NEW_PASSWORD } })).status).toBe(200);
  });

  it("401 without a token; 401 INVALID_CREDENTIALS for a wrong current password; the user id comes from the token only", async () => {
    const { call, signup } = setup();
    expect((await call("POST", "/password/change", { json: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } })).status).toBe(401);
    const victim = await signup();
    const { body } = await signup();
    const wrong = await call("POST", "/password/change", {
      json: { currentPassword: "not the password at all", newPassword: NEW_PASSWORD },
      headers: bearer(body.accessToken),
    });
    expect(wrong.status).toBe(401);
    expect((await errorOf(wrong)).code).toBe("INVALID_CREDENTIALS");
    // a userId in the body is not read: the caller changes their own password, never the victim's
    const smuggled = await call("POST", "/password/change", {
      json: { userId: (victim.body.user as { id: string }).id, currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      headers: bearer(body.accessToken),
    });
    expect(smuggled.status).toBe(204);
    expect((await call("POST", "/signin", { json: { email: victim.email, password: PASSWORD } })).status).toBe(200);
  });
});

describe("POST /email/verify-request and /email/verify", () => {
  it("202, then the mailed token verifies the address", async () => {
    const { call, signup, outbox } = setup();
    const { email, body } = await signup();
    outbox.clear();
    const response = await call("POST", "/email/verify-request", { headers: bearer(body.accessToken) });
    expect(response.status).toBe(202);
    const token = await outbox.tokenFor(email, "email-verification");
    const verified = await call("POST", "/email/verify", { json: { token } });
    expect(verified.status).toBe(200);
    expect((await verified.json()).user).toMatchObject({ email, emailVerified: true });
  });

  it("verify-request needs an access token; verify refuses an unknown token", async () => {
    const { call } = setup();
    expect((await call("POST", "/email/verify-request")).status).toBe(401);
    const bad = await call("POST", "/email/verify", { json: { token: "nope" } });
    expect(bad.status).toBe(401);
    expect((await errorOf(bad)).code).toBe("TOKEN_INVALID");
  });
});

describe("POST /email/change and /email/change/confirm", () => {
  it("202, then the token mailed to the new address switches the account to it", async () => {
    const { call, signup, outbox } = setup();
    const { body } = await signup();
    const response = await call("POST", "/email/change", { json: { newEmail: "new@example.com", password: PASSWORD }, headers: bearer(body.accessToken) });
    expect(response.status).toBe(202);
    const token = await outbox.tokenFor("new@example.com", "email-change");
    const confirmed = await call("POST", "/email/change/confirm", { json: { token } });
    expect(confirmed.status).toBe(200);
    expect((await confirmed.json()).user).toMatchObject({ email: "new@example.com", emailVerified: true });
  });

  it("401 INVALID_CREDENTIALS for a wrong password; 400 naming newEmail for a bad address; 401 for an unknown token", async () => {
    const { call, signup } = setup();
    const { body } = await signup();
    const wrong = await call("POST", "/email/change", {
      json: { newEmail: "new@example.com", password: "not the password" },
      headers: bearer(body.accessToken),
    });
    expect(wrong.status).toBe(401);
    expect((await errorOf(wrong)).code).toBe("INVALID_CREDENTIALS");
    const bad = await call("POST", "/email/change", { json: { newEmail: "not-an-address", password: PASSWORD }, headers: bearer(body.accessToken) });
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toMatchObject({ code: "INVALID_INPUT", field: "newEmail" });
    expect((await call("POST", "/email/change/confirm", { json: { token: "nope" } })).status).toBe(401);
  });
});
