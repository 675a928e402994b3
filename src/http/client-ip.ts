import { formatIp, inRange, parseCidr, parseIp, type CidrRange, type ParsedIp } from "./ip.js";

/**
 * Which proxies may report the client's address: how many stand in front of the app (a hop count), or the
 * address ranges they connect from (CIDRs, IPv4 and IPv6). `0`, `[]` or unset: none, the headers are ignored.
 */
export type TrustedProxies = number | readonly string[];

/** The header the trusted proxies write the client's address to. */
export type ForwardedHeader = "x-forwarded-for" | "forwarded";

/** Options of {@link clientIp}. */
export interface ClientIpOptions {
  /** Who may set the forwarding header (default: nobody, so the socket address is the client's). */
  trustedProxies?: TrustedProxies | undefined;
  /** The address of the peer that opened the connection, as the runtime reports it (Node: `req.socket.remoteAddress`). */
  socketAddress?: string | undefined;
  /**
   * The header your proxies append to: `"x-forwarded-for"` (default: nginx, HAProxy, AWS ALB, Cloudflare, Fly,
   * Heroku…) or `"forwarded"` (RFC 7239). Only this one is read: a client can send the other, untouched by the
   * proxy, so reading whichever is present would let it choose its own address.
   */
  header?: ForwardedHeader | undefined;
}

/** A compiled trust rule: a hop count, or ranges. */
export type ProxyTrust = { hops: number } | { ranges: CidrRange[] };

/**
 * Checks and compiles `trustedProxies` once (the handler does this at construction). A hop count is a
 * non-negative integer; a list holds IP addresses or CIDR ranges. `TypeError` otherwise.
 */
export function compileTrust(trustedProxies: TrustedProxies | undefined): ProxyTrust {
  if (trustedProxies === undefined) return { hops: 0 };
  if (typeof trustedProxies === "number") {
    if (!Number.isSafeInteger(trustedProxies) || trustedProxies < 0 || trustedProxies > 100) {
      throw new TypeError("trustedProxies: a hop count is an integer from 0 to 100");
    }
    return { hops: trustedProxies };
  }
  if (!Array.isArray(trustedProxies)) throw new TypeError("trustedProxies: a hop count or a list of IP addresses / CIDR ranges");
  return { ranges: trustedProxies.map((entry: unknown) => parseCidr(entry as string)) };
}

/** `[v6]`, `[v6]:port`, `v4:port`, a bare address: the address part; null when the shape is wrong. */
function withoutPort(text: string): string | null {
  if (text.startsWith("[")) {
    const m = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
    return m ? m[1]! : null;
  }
  const v4 = /^([\d.]+):\d{1,5}$/.exec(text);
  if (v4) return v4[1]!;
  return text;
}

/** The hops of `X-Forwarded-For`, left (furthest) to right (nearest): each an address, or null when it is not one. */
function xForwardedFor(value: string): (ParsedIp | null)[] {
  return value.split(",").map((entry) => {
    const text = withoutPort(entry.trim());
    return text === null ? null : parseIp(text);
  });
}

/** Splits `text` on `separator` outside quoted strings (RFC 7230 quoted-string, with backslash escapes). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === "\\" && i + 1 < text.length) {
      current += c + text[++i]!;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/** The `for=` node of one `Forwarded` element as an address, or null (absent, `unknown`, obfuscated, malformed). */
function forwardedFor(element: string): ParsedIp | null {
  for (const pair of splitOutsideQuotes(element, ";")) {
    const eq = pair.indexOf("=");
    if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== "for") continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, "$1");
    const text = withoutPort(value);
    return text === null ? null : parseIp(text);
  }
  return null;
}

/** The hops of `Forwarded` (RFC 7239), left (furthest) to right (nearest). */
function forwarded(value: string): (ParsedIp | null)[] {
  return splitOutsideQuotes(value, ",").map(forwardedFor);
}

/**
 * The client's address by a compiled trust rule (what {@link clientIp} does after checking its options).
 */
export function resolveClientIp(
  request: Request,
  trust: ProxyTrust,
  socketAddress: string | undefined,
  header: ForwardedHeader = "x-forwarded-for",
): string | undefined {
  const socket = typeof socketAddress === "string" ? parseIp(withoutPort(socketAddress.trim()) ?? "", true) : null;
  const trusting = "hops" in trust ? trust.hops > 0 : trust.ranges.length > 0;
  if (!trusting) return socket ? formatIp(socket) : undefined;
  if ("ranges" in trust) {
    // The peer must be one of ours before anything it sent is believed; an unknown peer is not.
    if (!socket) return undefined;
    if (!trust.ranges.some((r) => inRange(socket, r))) return formatIp(socket);
  }
  const value = request.headers.get(header);
  const hops = value === null ? [] : header === "forwarded" ? forwarded(value) : xForwardedFor(value);
  if ("hops" in trust) {
    // Each of the `hops` proxies appended the address it saw: the client's is the hops-th from the right. A
    // shorter list means a proxy was bypassed or wrote nothing: unknown, never the (client-written) leftmost.
    const hop = hops.length >= trust.hops ? hops[hops.length - trust.hops] : undefined;
    return hop ? formatIp(hop) : undefined;
  }
  // Walk from the nearest hop outwards while the hops are our proxies; the first other address is the client.
  // A hop that is not an address stops the walk: what lies beyond it was not vouched for.
  let last: ParsedIp = socket!;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (!hop) return undefined;
    if (!trust.ranges.some((r) => inRange(hop, r))) return formatIp(hop);
    last = hop;
  }
  return formatIp(last); // every hop is one of ours: the request started inside, at the furthest of them
}

/**
 * The address of the client that made `request`, in canonical form (dotted IPv4, RFC 5952 IPv6; IPv4-mapped
 * IPv6 as IPv4), or `undefined` when it cannot be known. The forwarding header is read only when
 * `trustedProxies` says who may set it, and then only its rightmost untrusted entry counts — never the
 * leftmost, which any client can write:
 *
 * - a hop count `n`: the `n`-th entry from the right (each of your `n` proxies appended one); fewer entries → undefined;
 * - CIDR ranges: the socket peer must be in them (else the socket address is the client's; no socket address →
 *   undefined); then the entries are walked from the right, skipping those in the ranges; an entry that is not
 *   an address stops the walk (undefined); when every entry is trusted, the furthest is the client;
 * - unset, `0` or `[]`: the headers are ignored and `socketAddress` is the client's.
 *
 * Pass the result to the flows' context (`{ ip }`): the rate limits key on it. `TypeError` for a bad
 * `trustedProxies`.
 *
 * @example
 * ```ts
 * import { clientIp } from "auth-skill/http";
 *
 * // behind one reverse proxy that appends to X-Forwarded-For
 * const request = new Request("https://api.example.com/", { headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.7" } });
 * clientIp(request, { trustedProxies: 1 }); // "203.0.113.7" (the spoofed "6.6.6.6" is ignored)
 * clientIp(request, { trustedProxies: ["10.0.0.0/8"], socketAddress: "10.1.2.3" }); // "203.0.113.7"
 * ```
 */
export function clientIp(request: Request, options: ClientIpOptions = {}): string | undefined {
  const header = options.header ?? "x-forwarded-for";
  if (header !== "x-forwarded-for" && header !== "forwarded") throw new TypeError('clientIp: header must be "x-forwarded-for" or "forwarded"');
  return resolveClientIp(request, compileTrust(options.trustedProxies), options.socketAddress, header);
}
