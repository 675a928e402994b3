import { isIP } from "node:net";

/** The one bucket every address that does not parse (or is missing) shares. Never an IP's key. */
export const UNPARSED_CLIENT = "unparsed";

/**
 * The key a client address is throttled under: an IPv4 address as it is, an IPv6 address collapsed to its
 * /64 prefix (one customer usually holds a whole /64), an IPv4-mapped IPv6 address as its IPv4. A port
 * (`1.2.3.4:5678`, `[2001:db8::1]:443`), brackets and a zone id (`fe80::1%eth0`: all from the first `%`) are
 * dropped. Anything else — a list of hops, garbage, an empty or missing address — shares the one bucket
 * {@link UNPARSED_CLIENT}, so it is limited too, never left unlimited. It never throws.
 *
 * @example
 * ```ts
 * clientKey("2001:db8:1:2:aaaa::1"); // "2001:db8:1:2::/64"
 * clientKey("[::ffff:1.2.3.4]:443"); // "1.2.3.4"
 * clientKey("1.2.3.4, 10.0.0.1");    // "unparsed"
 * ```
 */
export function clientKey(ip: string | undefined): string {
  if (typeof ip !== "string" || ip.length > 100) return UNPARSED_CLIENT;
  const address = stripPort(ip.trim()).split("%")[0]!; // a zone id is everything from the first "%"
  const kind = isIP(address);
  if (kind === 4) return address;
  if (kind !== 6) return UNPARSED_CLIENT;
  const groups = expandIpv6(address);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

/** `[v6]`, `[v6]:port` -> `v6`; `a.b.c.d:port` -> `a.b.c.d` (port 0-65535); anything else as it is. */
function stripPort(text: string): string {
  const m = /^\[([^\]]*)\](?::(\d{1,5}))?$/.exec(text) ?? /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text);
  if (!m || Number(m[2] ?? 0) > 65_535) return m ? "" : text;
  return m[1]!;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` and a dotted IPv4 tail expanded). */
function expandIpv6(address: string): number[] {
  let text = address.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const middle = Array(8 - left.length - right.length).fill("0"); // none without "::" (8 groups already)
  return [...left, ...middle, ...right].map((g) => parseInt(g, 16));
}
