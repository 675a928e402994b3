// clientIp at the edges of its parsers, through the public function: what is an address in X-Forwarded-For (a
// bare IPv6, ports, stray text), Forwarded's quoting (quoted-pairs, unbalanced quotes, a parameter without '='),
// a zone id on an IPv4 socket address, and IPv6 forms at their limits (45 characters, "::" for one group).
import { describe, expect, it } from "vitest";
import { clientIp, type ClientIpOptions } from "../../src/http/index.js";

const ip = (headers: Record<string, string>, options: ClientIpOptions) => clientIp(new Request("https://api.example.com/", { headers }), options);
const xff = (value: string) => ip({ "x-forwarded-for": value }, { trustedProxies: 1, socketAddress: "10.0.0.1" });
const fwd = (value: string) => ip({ forwarded: value }, { trustedProxies: 1, socketAddress: "10.0.0.1", header: "forwarded" });
const socket = (socketAddress: string) => ip({}, { socketAddress });

describe("X-Forwarded-For entries", () => {
  it.each([
    ["a bare IPv6 address of eight groups", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["an IPv4 address with a port", "203.0.113.7:8080", "203.0.113.7"],
    ["a port of six digits is not a port", "203.0.113.7:123456", undefined],
    ["text after the port", "203.0.113.7:80x", undefined],
    ["text before the address and port", "x203.0.113.7:80", undefined],
    ["a bracketed address after other text in brackets", "[a][2001:db8::7]", undefined],
  ])("%s: %s -> %s", (_, value, expected) => {
    expect(xff(value)).toBe(expected);
  });
});

describe("Forwarded (RFC 7239) quoting", () => {
  it.each([
    ["a quoted-pair inside the quoted address", 'for="203.0.113.\\7"', "203.0.113.7"],
    ["an opening quote without a closing one", 'for="203.0.113.77', undefined],
    ["a closing quote without an opening one", 'for=1203.0.113.7"', undefined],
    ["a parameter without '=' before for=", "forx;for=203.0.113.7", "203.0.113.7"],
    ["a space after '='", "for= 203.0.113.7", "203.0.113.7"],
    ["an unclosed bracket inside the quotes", 'for="[2001:db8:cafe::17"', undefined],
    ["a backslash outside quotes escapes nothing (the comma still separates)", "for=6.6.6.6\\, for=203.0.113.7", "203.0.113.7"],
  ])("%s: %s -> %s", (_, value, expected) => {
    expect(fwd(value)).toBe(expected);
  });
});

describe("Forwarded with CIDR ranges", () => {
  it("a single element from one of our proxies: that proxy is the client (the request started inside)", () => {
    const options: ClientIpOptions = { trustedProxies: ["10.0.0.0/8"], socketAddress: "10.0.0.1", header: "forwarded" };
    expect(ip({ forwarded: "for=10.0.0.3" }, options)).toBe("10.0.0.3");
  });
});

describe("socket addresses and IPv6 forms", () => {
  it("a zone id belongs to IPv6 only: on an IPv4 socket address it is no address", () => {
    expect(socket("fe80::1%eth0")).toBe("fe80::1");
    expect(socket("10.0.0.1%eth0")).toBeUndefined();
  });

  it("the longest IPv6 text form (45 characters) is an address", () => {
    const longest = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
    expect(longest).toHaveLength(45);
    expect(socket(longest)).toBe("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    expect(socket(`0${longest}`)).toBeUndefined();
  });

  it('"::" standing for a single zero group is accepted, and written out in canonical form', () => {
    expect(socket("1:2:3:4:5:6:7::")).toBe("1:2:3:4:5:6:7:0");
    expect(socket("1::3:4:5:6:7:8")).toBe("1:0:3:4:5:6:7:8");
  });

  it('"::" with eight groups around it, or a second "::" after eight groups, is no address', () => {
    expect(socket("1:2:3:4::5:6:7:8")).toBeUndefined();
    expect(socket("1:2:3:4:5:6:7:8::a::b")).toBeUndefined();
  });
});
