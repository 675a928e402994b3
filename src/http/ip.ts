// IP addresses and CIDR ranges, parsed by hand: `node:net` is Node's, and this subpath runs on any runtime with
// the Web platform (Node, Bun, Deno, edge workers). Strict on purpose: an entry that is not plainly an address
// (leading zeros, a zone id in a header, stray characters) is not an address.

/** A parsed address: 4 bytes for IPv4, 16 for IPv6. An IPv4-mapped IPv6 address is parsed as its IPv4. */
export interface ParsedIp {
  bytes: Uint8Array;
}

/** A CIDR range: the network's bytes and the prefix length in bits. */
export interface CidrRange {
  bytes: Uint8Array;
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): Uint8Array | null {
  const m = IPV4.exec(text);
  if (!m) return null;
  const parts = m.slice(1, 5);
  // "010" is octal to some parsers and decimal to others: refuse the ambiguity.
  if (parts.some((p) => p.length > 1 && p.startsWith("0"))) return null;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? Uint8Array.from(bytes) : null;
}

function parseIpv6(text: string): Uint8Array | null {
  if (text.length > 45) return null; // the longest IPv6 text form (with an IPv4 tail) is 45 characters
  let body = text;
  const tail: number[] = [];
  const lastColon = body.lastIndexOf(":");
  if (lastColon >= 0 && body.includes(".", lastColon)) {
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (!v4) return null;
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    body = body.slice(0, lastColon + 1); // "::ffff:" -> "::ffff", "64:ff9b::" stays
    if (!body.endsWith("::")) body = body.slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (part: string): string[] => (part === "" ? [] : part.split(":"));
  const head = groupsOf(halves[0]!);
  const rest = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (![...head, ...rest].every((g) => HEX_GROUP.test(g))) return null;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 2 ? given > 7 : given !== 8) return null;
  const zeros = Array<number>(8 - given).fill(0);
  const groups = [...head.map((g) => parseInt(g, 16)), ...(halves.length === 2 ? zeros : []), ...rest.map((g) => parseInt(g, 16)), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 255;
  });
  return bytes;
}

/** True for `::ffff:a.b.c.d`. */
function isMappedIpv4(bytes: Uint8Array): boolean {
  return bytes.length === 16 && bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255;
}

/**
 * Parses an IPv4 or IPv6 address in its plain text form (no port, no brackets). A zone id (`fe80::1%eth0`) is
 * dropped only when `allowZone` is set (a socket address may carry one; a header entry may not). IPv4-mapped
 * IPv6 becomes its IPv4 address. Null for anything else.
 */
export function parseIp(text: string, allowZone = false): ParsedIp | null {
  let address = text;
  const zone = address.indexOf("%");
  if (zone >= 0) {
    if (!allowZone || !address.includes(":")) return null;
    address = address.slice(0, zone);
  }
  if (!address.includes(":")) {
    const v4 = parseIpv4(address);
    return v4 ? { bytes: v4 } : null;
  }
  const v6 = parseIpv6(address);
  if (!v6) return null;
  return { bytes: isMappedIpv4(v6) ? v6.slice(12) : v6 };
}

/** The canonical text of an address: dotted IPv4, or RFC 5952 IPv6 (lower case, the longest zero run as `::`). */
export function formatIp(ip: ParsedIp): string {
  const b = ip.bytes;
  if (b.length === 4) return b.join(".");
  const groups = Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!);
  let bestStart = -1;
  let bestLength = 1; // a single zero group is not shortened (RFC 5952 §4.2.2)
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32`, or a single address (a /32 or /128). Throws `TypeError` for anything
 * else, naming the entry (configuration, not a secret). Host bits set below the prefix are ignored.
 */
export function parseCidr(text: string): CidrRange {
  const fail = () => new TypeError(`trustedProxies: ${JSON.stringify(text).slice(0, 80)} is not an IP address or CIDR range`);
  if (typeof text !== "string") throw fail();
  const slash = text.indexOf("/");
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) throw fail();
  const bits = ip.bytes.length * 8;
  if (slash < 0) return { bytes: ip.bytes, prefix: bits };
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) throw fail();
  const mappedV6 = text.slice(0, slash).includes(":") && ip.bytes.length === 4; // ::ffff:10.0.0.0/104
  const prefix = Number(prefixText) - (mappedV6 ? 96 : 0);
  if (prefix < 0 || prefix > bits) throw fail();
  return { bytes: ip.bytes, prefix };
}

/** True when `ip` lies in `range` (an IPv4 address never lies in an IPv6 range, nor the reverse). */
export function inRange(ip: ParsedIp, range: CidrRange): boolean {
  if (ip.bytes.length !== range.bytes.length) return false;
  const whole = range.prefix >> 3;
  for (let i = 0; i < whole; i++) if (ip.bytes[i] !== range.bytes[i]) return false;
  const rest = range.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (ip.bytes[whole]! & mask) === (range.bytes[whole]! & mask);
}
