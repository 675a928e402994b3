// clientIp: the rightmost untrusted hop of X-Forwarded-For / Forwarded, only when trustedProxies says who may set
// them; never the leftmost, never unconditionally. A table of header cases, then the parser on its own.
import { describe, expect, it } from "vitest";
import { clientIp, type ClientIpOptions } from "../../src/http/index.js";
import { formatIp, inRange, parseCidr, parseIp } from "../../src/http/ip.js";

const request = (headers: Record<string, string>) => new Request("https://api.example.com/", { headers });
const ip = (headers: Record<string, string>, options: ClientIpOptions) => clientIp(request(headers), options);

describe("clientIp: no trusted proxies (the default)", () => {
  it.each([
    ["unset", undefined],
    ["0", 0],
    ["[]", []],
  ] as const)("trustedProxies %s: the headers are ignored, the socket address is the client's", (_, trustedProxies) => {
    const headers = { "x-forwarded-for": "6.6.6.6", forwarded: "for=7.7.7.7" };
    expect(ip(headers, { trustedProxies, socketAddress: "203.0.113.9" })).toBe("203.0.113.9");
    expect(ip(headers, { trustedProxies })).toBeUndefined();
  });

  it("normalises the socket address: IPv4-mapped IPv6 as IPv4, IPv6 in RFC 5952 form, a zone id dropped", () => {
    expect(clientIp(request({}), { socketAddress: "::ffff:127.0.0.1" })).toBe("127.0.0.1");
    expect(clientIp(request({}), { socketAddress: "2001:DB8:0:0:0:0:0:1" })).toBe("2001:db8::1");
    expect(clientIp(request({}), { socketAddress: "fe80::1%eth0" })).toBe("fe80::1");
    expect(clientIp(request({}), { socketAddress: "not an address" })).toBeUndefined();
  });
});

describe("clientIp: a hop count", () => {
  it.each([
    ["one proxy: the rightmost entry", { "x-forwarded-for": "203.0.113.7" }, 1, "203.0.113.7"],
    ["one proxy, spoofed leftmost entries ignored", { "x-forwarded-for": "6.6.6.6, 1.1.1.1, 203.0.113.7" }, 1, "203.0.113.7"],
    ["two proxies: the second from the right", { "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.0.0.2" }, 2, "203.0.113.7"],
    ["fewer entries than proxies: unknown, never the leftmost", { "x-forwarded-for": "6.6.6.6" }, 2, undefined],
    ["no header: unknown", {}, 1, undefined],
    ["the client's entry is not an address", { "x-forwarded-for": "1.1.1.1, garbage" }, 1, undefined],
    ["ports are dropped", { "x-forwarded-for": "6.6.6.6, 203.0.113.7:51234" }, 1, "203.0.113.7"],
    ["bracketed IPv6 with a port", { "x-forwarded-for": "[2001:db8::7]:443" }, 1, "2001:db8::7"],
    ["bare IPv6, canonicalised", { "x-forwarded-for": "6.6.6.6,2001:0DB8::0007" }, 1, "2001:db8::7"],
    ["an empty entry is not an address", { "x-forwarded-for": "1.1.1.1," }, 1, undefined],
    ["an unclosed bracket is not an address", { "x-forwarded-for": "[2001:db8::7" }, 1, undefined],
    ["text after a bracketed address is not an address", { "x-forwarded-for": "[2001:db8::7]:443x" }, 1, undefined],
    ["text before a bracketed address is not an address", { "x-forwarded-for": "x[2001:db8::7]" }, 1, undefined],
  ] as const)("%s", (_, headers, hops, expected) => {
    expect(ip(headers, { trustedProxies: hops, socketAddress: "10.0.0.1" })).toBe(expected);
  });

  it("two X-Forwarded-For lines count as one list (the runtime joins them)", () => {
    const headers = new Headers();
    headers.append("x-forwarded-for", "6.6.6.6");
    headers.append("x-forwarded-for", "203.0.113.7");
    expect(clientIp(new Request("https://api.example.com/", { headers }), { trustedProxies: 1 })).toBe("203.0.113.7");
  });
});

describe("clientIp: CIDR ranges", () => {
  const trustedProxies = ["10.0.0.0/8", "2001:db8:ffff::/48"];

  it.each([
    ["the peer is a proxy: the rightmost untrusted entry", { "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.0.0.3" }, "10.0.0.1", "203.0.113.7"],
    ["spoofed leftmost entries ignored", { "x-forwarded-for": "1.1.1.1, 6.6.6.6, 203.0.113.7" }, "10.0.0.1", "203.0.113.7"],
    ["the peer is not a proxy: the socket address, headers ignored", { "x-forwarded-for": "6.6.6.6" }, "203.0.113.9", "203.0.113.9"],
    ["IPv6 proxies", { "x-forwarded-for": "6.6.6.6, 2001:db8:1::5, 2001:db8:ffff::2" }, "2001:db8:ffff::1", "2001:db8:1::5"],
    ["an IPv4-mapped peer matches an IPv4 range", { "x-forwarded-for": "203.0.113.7" }, "::ffff:10.1.2.3", "203.0.113.7"],
    ["every hop is a proxy: the furthest", { "x-forwarded-for": "10.9.9.9, 10.0.0.3" }, "10.0.0.1", "10.9.9.9"],
    ["no header from a proxy: the proxy itself", {}, "10.0.0.1", "10.0.0.1"],
    ["a hop that is not an address stops the walk", { "x-forwarded-for": "203.0.113.7, unknown, 10.0.0.3" }, "10.0.0.1", undefined],
    ["a zone id in a header is not an address", { "x-forwarded-for": "fe80::1%eth0" }, "10.0.0.1", undefined],
    ["leading zeros are not an address", { "x-forwarded-for": "010.0.0.1" }, "10.0.0.1", undefined],
  ] as const)("%s", (_, headers, socketAddress, expected) => {
    expect(ip(headers, { trustedProxies, socketAddress })).toBe(expected);
  });

  it("without the socket address nothing proves the peer is a proxy: unknown", () => {
    expect(ip({ "x-forwarded-for": "203.0.113.7" }, { trustedProxies })).toBeUndefined();
  });

  it("a single address is a /32 (or /128)", () => {
    expect(ip({ "x-forwarded-for": "203.0.113.7" }, { trustedProxies: ["10.0.0.1"], socketAddress: "10.0.0.1" })).toBe("203.0.113.7");
    expect(ip({ "x-forwarded-for": "203.0.113.7" }, { trustedProxies: ["10.0.0.1"], socketAddress: "10.0.0.2" })).toBe("10.0.0.2");
  });
});

describe("clientIp: Forwarded (RFC 7239)", () => {
  const forwarded = (value: string, trustedProxies: ClientIpOptions["trustedProxies"] = 1) =>
    ip({ forwarded: value }, { trustedProxies, socketAddress: "10.0.0.1", header: "forwarded" });

  it.each([
    ["for=203.0.113.7", "203.0.113.7"],
    ["for=6.6.6.6, for=203.0.113.7", "203.0.113.7"],
    ['for="203.0.113.7:4711"', "203.0.113.7"],
    ['for="[2001:db8:cafe::17]:4711"', "2001:db8:cafe::17"],
    ['for="[2001:db8:cafe::17]"', "2001:db8:cafe::17"],
    ["FOR=203.0.113.7;proto=https;by=10.0.0.1", "203.0.113.7"],
    ["proto=https; for=203.0.113.7", "203.0.113.7"],
    ['for=6.6.6.6;host="a,b", for=203.0.113.7', "203.0.113.7"], // a comma inside quotes separates nothing
    ['for="6.6.6.6, for=1.1.1.1"', undefined], // a quoted comma does not start a new element
    ["for=unknown", undefined],
    ["for=_hidden", undefined],
    ["proto=https", undefined],
    ["for=2001:db8::1", "2001:db8::1"], // unquoted IPv6 is not valid syntax, but plainly an address
    ['for=203.0.113.7;host="a,b"', "203.0.113.7"], // the quoted comma is inside the last element
    ['for=203.0.113.7;ext="a\\",b"', "203.0.113.7"], // an escaped quote does not end the quoted string
    ['for="203.0.113.7', undefined], // an unbalanced quote
  ])("%s -> %s", (value, expected) => {
    expect(forwarded(value)).toBe(expected);
  });

  it("walks Forwarded from the right with CIDR ranges too", () => {
    expect(forwarded("for=6.6.6.6, for=203.0.113.7, for=10.0.0.3", ["10.0.0.0/8"])).toBe("203.0.113.7");
  });

  it("reads only the configured header: a client-sent Forwarded is ignored when the proxy writes X-Forwarded-For, and the reverse", () => {
    const headers = { forwarded: "for=6.6.6.6", "x-forwarded-for": "203.0.113.7" };
    expect(ip(headers, { trustedProxies: 1 })).toBe("203.0.113.7");
    expect(ip(headers, { trustedProxies: 1, header: "forwarded" })).toBe("6.6.6.6");
  });
});

describe("clientIp: bad options", () => {
  it.each([[-1], [1.5], [Number.NaN], [101], [["10.0.0.0/33"]], [["10.0.0.0/8x"]], [["::/129"]], [["example.com"]], [[42]], ["10.0.0.0/8"]])(
    "trustedProxies %j is a TypeError",
    (trustedProxies) => {
      expect(() => clientIp(request({}), { trustedProxies: trustedProxies as ClientIpOptions["trustedProxies"] })).toThrow(TypeError);
    },
  );

  it("100 hops is the most; CIDR prefixes up to the family's width", () => {
    expect(ip({ "x-forwarded-for": "203.0.113.7" }, { trustedProxies: 100 })).toBeUndefined();
    expect(ip({ "x-forwarded-for": "203.0.113.7" }, { trustedProxies: ["10.0.0.1/32", "::1/128", "::ffff:10.0.0.0/96"], socketAddress: "10.0.0.1" })).toBe(
      "203.0.113.7",
    );
    for (const bad of ["::ffff:10.0.0.0/95", "10.0.0.0/x8", "10.0.0.0/-1", "/8", "10.0.0.0/"]) {
      expect(() => clientIp(request({}), { trustedProxies: [bad] }), bad).toThrow(TypeError);
    }
  });

  it("a socket address with surrounding spaces is still an address", () => {
    expect(clientIp(request({}), { socketAddress: " 10.0.0.1 " })).toBe("10.0.0.1");
  });

  it("an unknown header name is a TypeError", () => {
    expect(() => clientIp(request({}), { header: "x-real-ip" as "forwarded" })).toThrow(TypeError);
  });
});

describe("the address parser", () => {
  it.each([
    ["1.2.3.4", "1.2.3.4"],
    ["255.255.255.255", "255.255.255.255"],
    ["::", "::"],
    ["::1", "::1"],
    ["1::", "1::"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // the first of two equal zero runs
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // one zero group stays
    ["::ffff:1.2.3.4", "1.2.3.4"],
    ["64:ff9b::1.2.3.4", "64:ff9b::102:304"],
    ["1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"],
    ["::1.2.3.4", "::102:304"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["::fffe:1.2.3.4", "::fffe:102:304"], // not IPv4-mapped: each byte of the ::ffff: prefix counts
    ["::feff:1.2.3.4", "::feff:102:304"],
    ["1::ffff:1.2.3.4", "1::ffff:102:304"],
    ["0:0:0:0:1:ffff:1.2.3.4", "::1:ffff:102:304"],
  ])("%s -> %s", (text, canonical) => {
    const parsed = parseIp(text);
    expect(parsed).not.toBeNull();
    expect(formatIp(parsed!)).toBe(canonical);
  });

  it.each([
    "",
    "1.2.3",
    "1.2.3.4.5",
    "256.1.1.1",
    "01.2.3.4",
    "1.2.3.4 ",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    ":::",
    "1:2:3:4:5:6:7",
    "12345::",
    "g::1",
    ":1.2.3.4",
    "1:::1.2.3.4",
    "1:2:3:4:5:6:7:1.2.3.4",
    "::1.2.3.256",
    "fe80::1%eth0",
    `${"1:".repeat(30)}1`,
  ])("%j is not an address", (text) => {
    expect(parseIp(text)).toBeNull();
  });

  it("CIDR matching at the prefix's edges", () => {
    const r = parseCidr("192.168.4.0/22");
    expect(inRange(parseIp("192.168.7.255")!, r)).toBe(true);
    expect(inRange(parseIp("192.168.8.0")!, r)).toBe(false);
    expect(inRange(parseIp("192.168.3.255")!, r)).toBe(false);
    expect(inRange(parseIp("1.2.3.4")!, parseCidr("0.0.0.0/0"))).toBe(true);
    expect(inRange(parseIp("::1")!, parseCidr("0.0.0.0/0"))).toBe(false); // families never mix
    expect(inRange(parseIp("2001:db8::1")!, parseCidr("2001:db8::/33"))).toBe(true);
    expect(inRange(parseIp("2001:db8:8000::1")!, parseCidr("2001:db8::/33"))).toBe(false);
    expect(inRange(parseIp("10.1.2.3")!, parseCidr("::ffff:10.0.0.0/104"))).toBe(true); // a mapped range is its IPv4 range
  });
});
