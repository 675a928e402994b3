// auth-skill/passkeys under attack: replayed challenges and assertions, 50 concurrent uses of one assertion, wrong
// origin and RP ID, counter regression, expired challenges, malformed and huge input, limits, and canaries (no
// challenge, token, key or secret in any error or event). Real @simplewebauthn/server, nid-webauthn-emulator.
import { describe, expect, it } from "vitest";
import { AuthError } from "auth-skill";
import { assertion, flush, ORIGIN, register, SECRET, setup, syncedAuthenticator } from "./harness.js";

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AuthError)) throw new Error(`expected an AuthError, got ${String(err)}`);
  return err;
}

describe("passkeys: replay and races", () => {
  it("a used sign-in challenge never passes again: the same assertion, replayed, is TOKEN_INVALID", async () => {
    const ctx = await setup();
    const emulator = syncedAuthenticator();
    await register(ctx, await ctx.signup("ada@example.com"), emulator);
    const answer = await assertion(ctx, emulator);
    expect("accessToken" in (await ctx.pk.verifyAuthentication(answer))).toBe(true);
    expect((await refusal(ctx.pk.verifyAuthentication(answer))).code).toBe("TOKEN_INVALID");
    expect((await refusal(ctx.pk.verifyAuthentication(structuredClone(answer)))).code).toBe("TOKEN_INVALID");
  });

  it("a used registration challenge never passes again, and is bound to the user it was issued to", async () => {
    const ctx = await setup();
    const ada = await ctx.signup("ada@example.com");
    const bob = await ctx.signup("bob@example.com");
    const options = await ctx.pk.registrationOptions(ada);
    const response = syncedAuthenticator().createJSON(ORIGIN, options as never);
    expect((await refusal(ctx.pk.verifyRegistration(bob, response))).code).toBe("TOKEN_INVALID");
    const again = await ctx.pk.registrationOptions(ada);
    const emulator = syncedAuthenticator();
    const answer = emulator.createJSON(ORIGIN, again as never);
    await ctx.pk.verifyRegistration(ada, answer);
    expect((await refusal(ctx.pk.verifyRegistration(ada, answer))).code).toBe("TOKEN_INVALID");
    expect(await ctx.pk.list(bob)).toEqual([]);
  });

  it("a newer registration challenge voids the user's older one", async () => {
    const ctx = await setup();
    const ada = await ctx.signup("ada@example.com");
    const old = await ctx.pk.registrationOptions(ada);
    await ctx.pk.registrationOptions(ada);
    const response = syncedAuthenticator().createJSON(ORIGIN, old as never);
    expect((await refusal(ctx.pk.verifyRegistration(ada, response))).code).toBe("TOKEN_INVALID");
  });

  it("50 concurrent verifications of one assertion: exactly one session", async () => {
    const ctx = await setup();
    const emulator = syncedAuthenticator();
    const userId = await ctx.signup("ada@example.com");
    await register(ctx, userId, emulator);
    const before = (await ctx.storage.listUserSessions(userId, new Date())).length;
    const answer = await assertion(ctx, emulator);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => ctx.pk.verifyAuthentication(structuredClone(answer), { ip: "198.51.100.9" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const codes = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as AuthError).code] : []));
    expect(new Set(codes)).toEqual(new Set(["TOKEN_INVALID"]));
    expect((await ctx.storage.listUserSessions(userId, new Date())).length).toBe(before + 1);
  });

  it("an expired challenge is TOKEN_EXPIRED (registration and sign-in)", async () => {
    let t = Date.parse("2026-12-02T12:00:00Z");
    const ctx = await setup({ now: () => new Date(t) });
    const emulator = syncedAuthenticator();
    const userId = await ctx.signup("ada@example.com");
    const options = await ctx.pk.registrationOptions(userId);
    t += 5 * 60_000 + 1000;
    expect((await refusal(ctx.pk.verifyRegistration(userId, emulator.createJSON(ORIGIN, options as never)))).code).toBe("TOKEN_EXPIRED");
    await register(ctx, userId, emulator);
    const answer = await assertion(ctx, emulator);
    t += 5 * 60_000 + 1000;
    expect((await refusal(ctx.pk.verifyAuthentication(answer))).code).toBe("TOKEN_EXPIRED");
  });
});

describe("passkeys: origin, RP ID, user handle, counter", () => {
  it("refuses an answer made on another origin (registration and sign-in)", async () => {
    const ctx = await setup();
    const emulator = syncedAuthenticator();
    const userId = await ctx.signup("ada@example.com");
    const options = await ctx.pk.registrationOptions(userId);
    const evil = "http://evil.localhost:3000";
    expect((await refusal(ctx.pk.verifyRegistration(userId, emulator.createJSON(evil, options as never)))).code).toBe("INVALID_CREDENTIALS");
    await register(ctx, userId, emulator);
    expect((await refusal(ctx.pk.verifyAuthentication(await assertion(ctx, emulator, undefined, evil)))).code).toBe("INVALID_CREDENTIALS");
  });

  it("refuses an answer for another RP ID (registration and sign-in)", async () => {
    const app = "http://app.localhost:3000";
    const parent = await setup({ origins: [app] }); // rpID "localhost"
    const child = await setup({ rpID: "app.localhost", origins: [app], storage: parent.storage });
    const emulator = syncedAuthenticator();
    const userId = await child.signup("ada@example.com");
    const options = (await child.pk.registrationOptions(userId)) as { rp: { id: string } };
    const forParent = emulator.createJSON(app, { ...options, rp: { ...options.rp, id: "localhost" } } as never);
    expect((await refusal(child.pk.verifyRegistration(userId, forParent))).code).toBe("INVALID_CREDENTIALS");
    // a passkey of the parent RP ID, presented to the child's sign-in
    await register(parent, userId, emulator, app);
    const childOptions = (await child.pk.authenticationOptions()) as Record<string, unknown>;
    const answer = emulator.getJSON(app, { ...childOptions, rpId: "localhost" } as never);
    expect((await refusal(child.pk.verifyAuthentication(answer))).code).toBe("INVALID_CREDENTIALS");
  });

  it("refuses a user handle that is not the passkey's", async () => {
    const ctx = await setup();
    const emulator = syncedAuthenticator();
    await register(ctx, await ctx.signup("ada@example.com"), emulator);
    const answer = await assertion(ctx, emulator);
    const forged = { ...answer, response: { ...answer.response, userHandle: Buffer.from("someone-else").toString("base64url") } };
    expect((await refusal(ctx.pk.verifyAuthentication(forged))).code).toBe("INVALID_CREDENTIALS");
  });

  it("a counter that goes back is an event, not a refusal; the stored counter keeps the highest", async () => {
    const ctx = await setup();
    const emulator = syncedAuthenticator();
    const userId = await ctx.signup("ada@example.com");
    const { id } = await register(ctx, userId, emulator);
    const earlier = await assertion(ctx, emulator); // counter 1
    const later = await assertion(ctx, emulator); // counter 2
    expect("accessToken" in (await ctx.pk.verifyAuthentication(later))).toBe(true);
    expect((await ctx.storage.secondFactors!.findPasskey(id))!.counter).toBe(2);
    await flush();
    expect(ctx.events.some((e) => e.type === "passkey.counter_regressed")).toBe(false);
    expect("accessToken" in (await ctx.pk.verifyAuthentication(earlier))).toBe(true);
    await flush();
    expect(ctx.events.filter((e) => e.type === "passkey.counter_regressed")).toEqual([expect.objectContaining({ userId, passkeyId: id })]);
    expect((await ctx.storage.secondFactors!.findPasskey(id))!.counter).toBe(2);
  });

  it("a passkey that keeps no counter (always 0) raises no event", async () => {
    const ctx = await setup();
    const emulator = syncedAuthenticator({ signCounterIncrement: 0 });
    await register(ctx, await ctx.signup("ada@example.com"), emulator);
    for (let i = 0; i < 3; i++) await ctx.pk.verifyAuthentication(await assertion(ctx, emulator));
    await flush();
    expect(ctx.events.some((e) => e.type === "passkey.counter_regressed")).toBe(false);
  });
});

describe("passkeys: input, limits, canaries", () => {
  const huge = "A".repeat(10_000_000);
  const malformed: unknown[] = [
    undefined,
    null,
    "response",
    42,
    [],
    {},
    { id: huge, rawId: huge, type: "public-key", response: {} },
    { id: "abc", rawId: "abd", type: "public-key", response: { clientDataJSON: "x", authenticatorData: "x", signature: "x", attestationObject: "x" } },
    { id: "abc", rawId: "abc", type: "private-key", response: {} },
    { id: "abc", rawId: "abc", type: "public-key", response: { clientDataJSON: huge, authenticatorData: "x", signature: "x", attestationObject: "x" } },
    {
      id: "abc",
      rawId: "abc",
      type: "public-key",
      response: { clientDataJSON: "not base64!", authenticatorData: "x", signature: "x", attestationObject: "x" },
    },
    JSON.parse('{"id":"abc","rawId":"abc","type":"public-key","response":{"__proto__":{"clientDataJSON":"eA"}}}'),
  ];

  it("malformed or huge responses are INVALID_INPUT, quickly, in both ceremonies", async () => {
    const ctx = await setup({ rateLimit: false });
    const userId = await ctx.signup("ada@example.com");
    for (const input of malformed) {
      const started = performance.now();
      expect((await refusal(ctx.pk.verifyAuthentication(input))).code).toBe("INVALID_INPUT");
      expect((await refusal(ctx.pk.verifyRegistration(userId, input))).code).toBe("INVALID_INPUT");
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it("a well-formed answer whose client data is garbage is INVALID_INPUT, and leaves the challenge unused", async () => {
    const ctx = await setup();
    const emulator = syncedAuthenticator();
    await register(ctx, await ctx.signup("ada@example.com"), emulator);
    const answer = await assertion(ctx, emulator);
    const garbled = { ...answer, response: { ...answer.response, clientDataJSON: Buffer.from("{not json").toString("base64url") } };
    expect((await refusal(ctx.pk.verifyAuthentication(garbled))).code).toBe("INVALID_INPUT");
    expect("accessToken" in (await ctx.pk.verifyAuthentication(answer))).toBe(true);
  });

  it("bad names and unknown users are INVALID_INPUT; a bad userId is a TypeError", async () => {
    const ctx = await setup();
    const userId = await ctx.signup("ada@example.com");
    const options = await ctx.pk.registrationOptions(userId);
    const response = syncedAuthenticator().createJSON(ORIGIN, options as never);
    for (const name of ["", " ", "x".repeat(65), "a\u0000b", "\ud800", 42 as unknown as string]) {
      expect((await refusal(ctx.pk.verifyRegistration(userId, response, { name }))).code).toBe("INVALID_INPUT");
    }
    expect((await refusal(ctx.pk.registrationOptions("no-such-user"))).code).toBe("INVALID_INPUT");
    await expect(ctx.pk.registrationOptions(42 as unknown as string)).rejects.toBeInstanceOf(TypeError);
    expect((await refusal(ctx.pk.authenticationOptions({ email: "not an address" }))).code).toBe("INVALID_INPUT");
  });

  it("limits sign-in options and failed sign-ins per client address", async () => {
    const ctx = await setup();
    const emulator = syncedAuthenticator();
    await register(ctx, await ctx.signup("ada@example.com"), emulator);
    const flood = { ip: "203.0.113.50" };
    for (let i = 0; i < 100; i++) await ctx.pk.authenticationOptions(undefined, flood);
    const limited = await refusal(ctx.pk.authenticationOptions(undefined, flood));
    expect(limited.code).toBe("RATE_LIMITED");
    expect(limited.retryAfter).toBeGreaterThan(0);
    await ctx.pk.authenticationOptions(undefined, { ip: "203.0.113.51" });

    const guesser = { ip: "203.0.113.60" };
    for (let i = 0; i < 100; i++) await refusal(ctx.pk.verifyAuthentication({ id: "abc", rawId: "abc", type: "public-key", response: {} }, guesser));
    const answer = await assertion(ctx, emulator);
    expect((await refusal(ctx.pk.verifyAuthentication(answer, guesser))).code).toBe("RATE_LIMITED");
    expect("accessToken" in (await ctx.pk.verifyAuthentication(answer, { ip: "203.0.113.61" }))).toBe(true);
  });

  it("no challenge, token, public key or secret in any error or event", async () => {
    const ctx = await setup();
    const emulator = syncedAuthenticator();
    const userId = await ctx.signup("ada@example.com");
    const { id } = await register(ctx, userId, emulator);
    const secrets = [SECRET, (await ctx.storage.secondFactors!.findPasskey(id))!.publicKey];
    const errors: unknown[] = [];
    const keep = (e: unknown) => void errors.push(e);
    const challenges: string[] = [];
    const options = async (input?: { email: string }, origin = ORIGIN) => {
      const o = (await ctx.pk.authenticationOptions(input)) as { challenge: string };
      challenges.push(o.challenge, Buffer.from(o.challenge, "base64url").toString("utf8"));
      return emulator.getJSON(origin, { ...o, allowCredentials: [] } as never); // any of the authenticator's passkeys
    };
    const used = await options();
    await ctx.pk.verifyAuthentication(used);
    await ctx.pk.verifyAuthentication(used).catch(keep); // replay
    await ctx.pk.verifyAuthentication(await options(undefined, "http://evil.localhost:3000")).catch(keep); // origin
    const other = await options({ email: "nobody@example.com" });
    await ctx.pk.verifyAuthentication(other).catch(keep);
    const regOptions = (await ctx.pk.registrationOptions(userId)) as { challenge: string };
    challenges.push(regOptions.challenge, Buffer.from(regOptions.challenge, "base64url").toString("utf8"));
    await ctx.pk.verifyRegistration(userId, syncedAuthenticator().createJSON("http://evil.localhost:3000", regOptions as never)).catch(keep);
    await flush();
    expect(errors).toHaveLength(4);
    const text = JSON.stringify([errors.map((e) => [String(e), (e as Error).stack, JSON.stringify(e)]), ctx.events]);
    for (const secret of [...secrets, ...challenges]) expect(text).not.toContain(secret);
    expect(text).not.toContain("evil.localhost");
  });
});
