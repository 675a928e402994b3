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

  it("every spelling of an IPv4-mapped address keys to its IPv4, whatever its octets", () => {
    const forms = [
      "198.51.100.23",
      "::ffff:198.51.100.23",
      "::ffff:c633:6417",
      "0:0:0:0:0:ffff:198.51.100.23",
      "[::ffff:198.51.100.23]:443",
      "::ffff:198.51.100.23%eth0",
    ];
    expect(new Set(forms.map(clientKey))).toEqual(new Set(["198.51.100.23"]));
    expect(new Set(["1.2.0.0", "::ffff:1.2.0.0", "::ffff:102:0", "0:0:0:0:0:ffff:102::"].map(clientKey))).toEqual(new Set(["1.2.0.0"]));
  });

  it("only ::ffff:0:0/96 is IPv4-mapped: 0xffff after other non-zero groups keeps the address's /64", () => {
    expect(clientKey("2001:db8::ffff:1.2.3.4")).toBe("2001:db8:0:0::/64");
    expect(clientKey("1::ffff:102:304")).toBe("1:0:0:0::/64");
    expect(clientKey("2001:db8::ffff:1.2.3.4")).not.toBe(clientKey("1.2.3.4"));
  });

  it("a `::` in the middle stands for just the missing groups: the /64 is the one the address is in", () => {
    expect(clientKey("2001:db8::3:4:5:6:7")).toBe("2001:db8:0:3::/64");
    expect(clientKey("2001:db8::3:4:5:6:7")).toBe(clientKey("2001:db8:0:3::1"));
    expect(clientKey("2001:db8::3:4:5:6:7")).not.toBe(clientKey("2001:db8::1"));
    expect(clientKey("1::2:3:4:5:6:7")).toBe("1:0:2:3::/64");
  });

  it("a port is 0-65535 and ends the address", () => {
    for (const [ip, key] of [
      ["203.0.113.7:65535", "203.0.113.7"],
      ["203.0.113.7:0", "203.0.113.7"],
      ["[2001:db8:1:2::1]:65535", "2001:db8:1:2::/64"],
    ]) {
      expect(clientKey(ip)).toBe(key);
    }
    for (const ip of ["203.0.113.7:65536", "[2001:db8:1:2::1]:65536", "203.0.113.7:123456", "203.0.113.7:443, 10.0.0.1", "203.0.113.7:443x"]) {
      expect(clientKey(ip)).toBe(UNPARSED_CLIENT);
    }
  });

  it("an address with text before it (a list of hops, a stray prefix) does not parse", () => {
    for (const ip of ["10.0.0.1, 203.0.113.7:443", "10.0.0.1, [2001:db8::1]:443", "x[2001:db8::1]", "::ffff:1.2.3.4:443", "1203.0.113.7:80"]) {
      expect(clientKey(ip)).toBe(UNPARSED_CLIENT);
    }
  });

  it("a zone id is everything from the first '%' and is dropped, whatever it holds; crafted ones never throw", () => {
    expect(clientKey("2001:db8::%eth0:1:2:3:4:5:6:7%x")).toBe("2001:db8:0:0::/64"); // threw a RangeError
    expect(clientKey("[2001:db8:1:2::1%a%b]:443")).toBe("2001:db8:1:2::/64");
    expect(clientKey("::ffff:198.51.100.23%a%b")).toBe("198.51.100.23");
    expect(clientKey("203.0.113.7%eth0%1")).toBe("203.0.113.7");
    expect(clientKey("%eth0")).toBe(UNPARSED_CLIENT);
  });

  it("the input cap is 100 characters: an address padded to exactly 100 still keys, to 101 it does not", () => {
    expect(clientKey("203.0.113.7".padEnd(100))).toBe("203.0.113.7");
    expect(clientKey(`fe80::1%${"z".repeat(92)}`)).toBe("fe80:0:0:0::/64");
    expect(clientKey("203.0.113.7".padEnd(101))).toBe(UNPARSED_CLIENT);
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
