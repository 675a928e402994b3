// A bad option is a TypeError whose message names the option and what it takes, so that a developer who passes
// the wrong thing (a string for a list, a non-string for a path) learns what to fix from the message alone.
import { describe, expect, it } from "vitest";
import { authenticate, clientIp, createAuthHandler, type AuthHandlerOptions, type ClientIpOptions } from "../../src/http/index.js";
import { createTestAuth } from "../../src/testing/test-auth.js";

/** The message of the TypeError `run` throws (fails the test when it throws nothing, or something else). */
function typeErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(TypeError);
    return (err as TypeError).message;
  }
  throw new Error("no TypeError was thrown");
}

describe("createAuthHandler: option messages", () => {
  const { auth } = createTestAuth();
  const create = (options: unknown) => () => createAuthHandler(auth, options as AuthHandlerOptions);

  it.each([
    ["a base path without its leading slash", { basePath: "api/auth" }, 'basePath: a path such as "/auth"'],
    ["a base path that is not a string", { basePath: ["/auth"] }, 'basePath: a path such as "/auth"'],
    ["an unknown mode", { mode: "session" }, 'mode: "bearer" or "cookie"'],
    ["an unknown forwarding header", { forwardedHeader: "x-real-ip" }, 'forwardedHeader: "x-forwarded-for" or "forwarded"'],
    ["a cookie name without __Host-", { cookie: { name: "refresh" } }, "cookie.name: a cookie name starting with __Host- (RFC 6265 token characters)"],
    [
      "a cookie name that is not a string",
      { cookie: { name: ["__Host-sid"] } },
      "cookie.name: a cookie name starting with __Host- (RFC 6265 token characters)",
    ],
    ["SameSite=None", { cookie: { sameSite: "None" } }, 'cookie.sameSite: "Lax" or "Strict"'],
    ["one origin where a list is expected", { trustedOrigins: "https://app.example.com" }, "trustedOrigins: a list of origins such as https://app.example.com"],
    [
      "an origin with a path",
      { trustedOrigins: ["https://app.example.com/"] },
      'trustedOrigins: "https://app.example.com/" is not an origin (scheme://host[:port], nothing after)',
    ],
    [
      "an origin that is no URL",
      { trustedOrigins: ["app.example.com"] },
      'trustedOrigins: "app.example.com" is not an origin (scheme://host[:port], nothing after)',
    ],
    ["a hop count out of range", { trustedProxies: 101 }, "trustedProxies: a hop count is an integer from 0 to 100"],
    ["one range where a list is expected", { trustedProxies: "10.0.0.0/8" }, "trustedProxies: a hop count or a list of IP addresses / CIDR ranges"],
    ["a range that is not one", { trustedProxies: ["10.0.0.0/33"] }, 'trustedProxies: "10.0.0.0/33" is not an IP address or CIDR range'],
    ["a host name where an address is expected", { trustedProxies: ["example.com"] }, 'trustedProxies: "example.com" is not an IP address or CIDR range'],
    ["a number where an address is expected", { trustedProxies: [42] }, "trustedProxies: 42 is not an IP address or CIDR range"],
    ["a range that is not a string", { trustedProxies: [["10.0.0.0/8"]] }, 'trustedProxies: ["10.0.0.0/8"] is not an IP address or CIDR range'],
  ])("%s", (_, options, message) => {
    expect(typeErrorOf(create(options))).toBe(message);
  });

  it("quotes at most 80 characters of a bad origin or range (the message stays readable)", () => {
    const origin = `https://${"a".repeat(200)}.example/path`;
    expect(typeErrorOf(create({ trustedOrigins: [origin] }))).toBe(
      `trustedOrigins: ${JSON.stringify(origin).slice(0, 80)} is not an origin (scheme://host[:port], nothing after)`,
    );
    const range = `10.0.0.0/8${" ".repeat(200)}x`;
    expect(typeErrorOf(create({ trustedProxies: [range] }))).toBe(`trustedProxies: ${JSON.stringify(range).slice(0, 80)} is not an IP address or CIDR range`);
    expect(JSON.stringify(range).slice(0, 80)).toHaveLength(80);
  });

  it("a CIDR prefix has at most three digits", () => {
    expect(typeErrorOf(create({ trustedProxies: ["10.0.0.0/0008"] }))).toBe('trustedProxies: "10.0.0.0/0008" is not an IP address or CIDR range');
  });
});

describe("clientIp and authenticate: option messages", () => {
  it("clientIp names the header it accepts", () => {
    const request = new Request("https://api.example.com/");
    expect(typeErrorOf(() => clientIp(request, { header: "x-real-ip" as ClientIpOptions["header"] }))).toBe(
      'clientIp: header must be "x-forwarded-for" or "forwarded"',
    );
  });

  it("authenticate names the permission option", async () => {
    const { auth, signIn } = createTestAuth();
    const { headers } = await signIn();
    const err = await authenticate(auth, new Request("https://api.example.com/", { headers }), { permission: 42 as unknown as string }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    expect((err as TypeError).message).toBe("authenticate: permission must be a string or a list of strings");
  });
});
