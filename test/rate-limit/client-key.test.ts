import { describe, expect, it } from "vitest";
import { clientKey, UNPARSED_CLIENT } from "../../src/rate-limit/client-key.js";

describe("clientKey", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    [" 203.0.113.7 ", "203.0.113.7"],
    ["203.0.113.7:5678", "203.0.113.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:DB8:0001:0002::9", "2001:db8:1:2::/64"],
    ["[2001:db8::1]", "2001:db8:0:0::/64"],
    ["[2001:db8:1:2::1]:443", "2001:db8:1:2::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["[fe80::1%25eth0]:8080", "fe80:0:0:0::/64"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["::1", "0:0:0:0::/64"],
  ])("%s -> %s", (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });

  it("IPv4, IPv4-mapped IPv6 (any case, bracketed, with a port, in hex) are one bucket", () => {
    const forms = ["1.2.3.4", "::FFFF:1.2.3.4", "::ffff:1.2.3.4", "[::ffff:1.2.3.4]:443", "1.2.3.4:80", "::ffff:102:304", "[::ffff:1.2.3.4]"];
    expect(new Set(forms.map(clientKey))).toEqual(new Set(["1.2.3.4"]));
    expect(clientKey("1.2.3.5")).not.toBe("1.2.3.4");
  });

  it("IPv6 addresses in one /64 share a bucket; neighbouring /64s do not", () => {
    const same = ["2001:db8:aa:bb::1", "2001:db8:aa:bb:ffff:ffff:ffff:ffff", "[2001:db8:aa:bb::2]:1", "2001:DB8:AA:BB:1::"];
    expect(new Set(same.map(clientKey)).size).toBe(1);
    const next = ["2001:db8:aa:bc::1", "2001:db8:aa:ba::1", "2001:db8:ab:bb::1", "2001:db9:aa:bb::1"];
    for (const ip of next) expect(clientKey(ip)).not.toBe(clientKey(same[0]));
    expect(new Set(next.map(clientKey)).size).toBe(next.length);
  });

  it("anything that does not parse shares one bucket, never none", () => {
    const unparsable = [
      "203.0.113.9, 10.0.0.1",
      "not an ip",
      "",
      "   ",
      undefined,
      "999.1.1.1",
      "1.2.3.4:99999",
      "[1.2.3.4]:80x",
      "2001:db8::1:443:1:1:1:1:1",
      "x".repeat(100_000),
      `1.2.3.4${" ".repeat(200)}`,
    ];
    for (const ip of unparsable) expect(clientKey(ip)).toBe(UNPARSED_CLIENT);
    expect(UNPARSED_CLIENT).not.toMatch(/^[\d.]+$|:/); // never an address's key
  });
});
