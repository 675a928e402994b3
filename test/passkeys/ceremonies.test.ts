// auth-skill/passkeys end to end: nid-webauthn-emulator authenticators against the real @simplewebauthn/server 14.0.3,
// on memoryStorage. Registration, usernameless and email sign-in, list and remove, amr and the second factor.
import { describe, expect, it } from "vitest";
import { assertion, deviceAuthenticator, flush, register, setup, syncedAuthenticator } from "./harness.js";

const isSession = (r: object): r is { accessToken: string; sessionId: string; user: { id: string } } => "accessToken" in r;

describe("passkeys: register, sign in, list, remove", () => {
  it("registers a synced passkey and signs in without a username: a session with amr swk + mfa (user verified)", async () => {
    const ctx = await setup();
    const userId = await ctx.signup("ada@example.com");
    const info = await register(ctx, userId, syncedAuthenticator());
    expect(info).toMatchObject({ deviceType: "multiDevice", backedUp: true, name: null, lastUsedAt: null });
    expect(Object.keys(info).sort()).toEqual(["backedUp", "createdAt", "deviceType", "id", "lastUsedAt", "name", "transports"]);

    const emulator = syncedAuthenticator();
    const passkey = await register(ctx, await ctx.signup("bob@example.com"), emulator);
    const result = await ctx.pk.verifyAuthentication(await assertion(ctx, emulator), { ip: "203.0.113.7" });
    if (!isSession(result)) throw new Error("expected a session");
    expect(result.user.email).toBe("bob@example.com");
    const claims = await ctx.auth.verifyAccessToken(result.accessToken);
    expect(claims.amr).toEqual(["swk", "mfa"]);
    const [listed] = await ctx.pk.list(result.user.id);
    expect(listed!.id).toBe(passkey.id);
    expect(listed!.lastUsedAt).toBeInstanceOf(Date);
  });

  it("signs in with an email: the options offer that account's passkeys only", async () => {
    const ctx = await setup();
    const emulator = syncedAuthenticator();
    const userId = await ctx.signup("ada@example.com");
    const passkey = await register(ctx, userId, emulator);
    const options = (await ctx.pk.authenticationOptions({ email: " Ada@Example.com " })) as { allowCredentials: { id: string }[]; userVerification: string };
    expect(options.allowCredentials.map((c) => c.id)).toEqual([passkey.id]);
    expect(options.userVerification).toBe("preferred");
    const result = await ctx.pk.verifyAuthentication(emulator.getJSON("http://localhost:3000", options as never));
    expect(isSession(result) && result.user.id).toBe(userId);
  });

  it("answers an unknown address like an account without passkeys: one stable decoy credential", async () => {
    const ctx = await setup();
    await ctx.signup("ada@example.com");
    const ids = async (email: string) =>
      ((await ctx.pk.authenticationOptions({ email })) as { allowCredentials: { id: string }[] }).allowCredentials.map((c) => c.id);
    const unknown = await ids("nobody@example.com");
    expect(unknown).toHaveLength(1);
    expect(await ids("nobody@example.com")).toEqual(unknown);
    expect(await ids("ada@example.com")).toHaveLength(1);
    expect(await ids("ada@example.com")).not.toEqual(unknown);
  });

  it("a device-bound passkey (stateless authenticator) is singleDevice: amr hwk", async () => {
    const ctx = await setup();
    const emulator = deviceAuthenticator();
    const userId = await ctx.signup("ada@example.com");
    const info = await register(ctx, userId, emulator);
    expect(info).toMatchObject({ deviceType: "singleDevice", backedUp: false });
    const result = await ctx.pk.verifyAuthentication(await assertion(ctx, emulator, { email: "ada@example.com" }));
    if (!isSession(result)) throw new Error("expected a session");
    expect((await ctx.auth.verifyAccessToken(result.accessToken)).amr).toEqual(["hwk", "mfa"]);
  });

  it("reuses one random user handle per user and excludes the user's passkeys from a new registration", async () => {
    const ctx = await setup();
    const userId = await ctx.signup("ada@example.com");
    const first = (await ctx.pk.registrationOptions(userId)) as { user: { id: string; name: string }; excludeCredentials: unknown[] };
    expect(first.user.name).toBe("ada@example.com");
    expect(first.user.id).not.toContain(userId);
    const a = await register(ctx, userId, syncedAuthenticator());
    const b = await register(ctx, userId, syncedAuthenticator());
    const next = (await ctx.pk.registrationOptions(userId)) as { user: { id: string }; excludeCredentials: { id: string }[] };
    expect(next.excludeCredentials.map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
    const stored = await ctx.storage.secondFactors!.listPasskeys(userId);
    expect(new Set(stored.map((p) => p.userHandle)).size).toBe(1);
    expect(next.user.id).toBe(stored[0]!.userHandle);
    const other = (await ctx.pk.registrationOptions(await ctx.signup("bob@example.com"))) as { user: { id: string } };
    expect(other.user.id).not.toBe(next.user.id);
  });

  it("names a passkey, lists them oldest first, and a removed passkey signs in no more", async () => {
    const ctx = await setup();
    const emulator = syncedAuthenticator();
    const userId = await ctx.signup("ada@example.com");
    const options = await ctx.pk.registrationOptions(userId);
    const first = await ctx.pk.verifyRegistration(userId, emulator.createJSON("http://localhost:3000", options as never), { name: " Laptop " });
    const second = await register(ctx, userId, syncedAuthenticator());
    expect((await ctx.pk.list(userId)).map((p) => [p.id, p.name])).toEqual([
      [first.id, "Laptop"],
      [second.id, null],
    ]);
    const pending = await assertion(ctx, emulator);
    expect(await ctx.pk.remove(userId, first.id)).toBe(true);
    expect(await ctx.pk.remove(userId, first.id)).toBe(false);
    expect((await ctx.pk.list(userId)).map((p) => p.id)).toEqual([second.id]);
    await expect(ctx.pk.verifyAuthentication(pending)).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    await expect(ctx.pk.verifyAuthentication(await assertion(ctx, emulator))).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    await flush();
    expect(ctx.events.filter((e) => e.type === "second_factor.changed").map((e) => "change" in e && e.change)).toEqual(["enabled", "enabled", "disabled"]);
  });

  it("a user cannot remove another user's passkey", async () => {
    const ctx = await setup();
    const ada = await ctx.signup("ada@example.com");
    const mallory = await ctx.signup("mallory@example.com");
    const passkey = await register(ctx, ada, syncedAuthenticator());
    expect(await ctx.pk.remove(mallory, passkey.id)).toBe(false);
    expect((await ctx.pk.list(ada)).map((p) => p.id)).toEqual([passkey.id]);
  });

  it("refuses an email-bound challenge answered by another account's passkey", async () => {
    const ctx = await setup();
    const adaKey = syncedAuthenticator();
    await register(ctx, await ctx.signup("ada@example.com"), adaKey);
    const bobKey = syncedAuthenticator();
    await register(ctx, await ctx.signup("bob@example.com"), bobKey);
    const options = (await ctx.pk.authenticationOptions({ email: "ada@example.com" })) as Record<string, unknown>;
    const forBob = bobKey.getJSON("http://localhost:3000", { ...options, allowCredentials: [] } as never);
    await expect(ctx.pk.verifyAuthentication(forBob)).rejects.toMatchObject({ code: "TOKEN_INVALID" });
  });
});

describe("passkeys: user verification, amr and the second factor", () => {
  async function withTotp(ctx: Awaited<ReturnType<typeof setup>>, userId: string) {
    const factors = ctx.storage.secondFactors!;
    const now = new Date();
    expect(await factors.setPendingTotp(userId, "sealed-secret", now)).toBe(true);
    expect(await factors.activateTotp({ userId, pendingSecret: "sealed-secret", step: 1, recoveryCodes: [], now })).toBe(true);
  }

  it("a passkey without user verification is one factor: amr swk, no mfa", async () => {
    const ctx = await setup();
    const emulator = syncedAuthenticator({ userVerified: false });
    await register(ctx, await ctx.signup("ada@example.com"), emulator);
    const result = await ctx.pk.verifyAuthentication(await assertion(ctx, emulator));
    if (!isSession(result)) throw new Error("expected a session");
    expect((await ctx.auth.verifyAccessToken(result.accessToken)).amr).toEqual(["swk"]);
  });

  it("for a user with TOTP: a non-verified passkey gets the MFA challenge, a verified one a session", async () => {
    const ctx = await setup();
    const presence = syncedAuthenticator({ userVerified: false });
    const biometric = syncedAuthenticator();
    const userId = await ctx.signup("ada@example.com");
    await register(ctx, userId, presence);
    await register(ctx, userId, biometric);
    await withTotp(ctx, userId);
    const challenged = await ctx.pk.verifyAuthentication(await assertion(ctx, presence));
    expect(challenged).toMatchObject({ mfaRequired: true });
    expect("accessToken" in challenged).toBe(false);
    const session = await ctx.pk.verifyAuthentication(await assertion(ctx, biometric));
    if (!isSession(session)) throw new Error("expected a session");
    expect((await ctx.auth.verifyAccessToken(session.accessToken)).amr).toEqual(["swk", "mfa"]);
  });

  it("without the totp module, an account with TOTP and a non-verified passkey is refused (MFA_REQUIRED), no session", async () => {
    const ctx = await setup({ totp: false });
    const emulator = syncedAuthenticator({ userVerified: false });
    const userId = await ctx.signup("ada@example.com");
    await register(ctx, userId, emulator);
    await withTotp(ctx, userId);
    const before = (await ctx.storage.listUserSessions(userId, new Date())).length;
    await expect(ctx.pk.verifyAuthentication(await assertion(ctx, emulator))).rejects.toMatchObject({ code: "MFA_REQUIRED" });
    expect((await ctx.storage.listUserSessions(userId, new Date())).length).toBe(before);
  });
});
