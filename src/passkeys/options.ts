/**
 * The `passkeys()` options: who the relying party is (RP ID, name, the origins its pages are served from) and how
 * long a ceremony may take. Checked once, when `passkeys()` is called: a mistake is a `TypeError` at start-up.
 */
import { type Duration, toMilliseconds } from "../duration.js";

/**
 * The options of `passkeys()`. `rpID` and `origins` come from here only, never from a request's `Host`.
 *
 * @example
 * ```ts
 * const options: PasskeysOptions = { rpID: "example.com", rpName: "Example", origins: ["https://example.com"] };
 * ```
 */
export interface PasskeysOptions {
  /** The relying party's id: the site's registrable domain or a parent of it (`"example.com"`, `"localhost"`); no scheme, port or path. */
  rpID: string;
  /** The name a browser shows when it asks to create a passkey (`"Example"`). */
  rpName: string;
  /**
   * Every origin whose pages run the ceremonies, exactly as the browser reports them (`"https://example.com"`): https,
   * or http for `localhost` and `*.localhost`; on the RP ID or a subdomain of it.
   */
  origins: string[];
  /**
   * How long a ceremony may take: its challenge lives this long (single use) and the browser is told to give up
   * after it. Seconds or a string such as `"2m"`; default `"5m"`, at most `"10m"`.
   */
  timeout?: Duration | undefined;
  /**
   * Whether registration asks the authenticator for a discoverable credential (one a usernameless sign-in can
   * find): `"required"` or `"preferred"` (default; a security key without room then makes one that works with
   * `authenticationOptions({ email })` only).
   */
  residentKey?: "required" | "preferred" | undefined;
}

/** The checked options, as the module uses them. */
export interface PasskeysSettings {
  rpID: string;
  rpName: string;
  origins: string[];
  timeoutMs: number;
  residentKey: "required" | "preferred";
}

/** The longest ceremony: past ten minutes a challenge only widens the window for a stolen one. */
export const MAX_TIMEOUT_MS = 600_000;
const DEFAULT_TIMEOUT_MS = 300_000;

/** A DNS name of letters, digits and hyphens, lower case (what a browser compares an RP ID with). */
const RP_ID = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

function fail(message: string): never {
  throw new TypeError(`passkeys(): ${message}`);
}

/** An origin as a browser serializes it: `https://host[:port]` (or `http://localhost[:port]`), nothing after. */
function checkOrigin(origin: unknown, rpID: string): string {
  if (typeof origin !== "string") fail("origins must be strings");
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    fail(`origins: "${origin.slice(0, 100)}" is not a URL`);
  }
  if (url.origin !== origin) fail(`origins: "${origin.slice(0, 100)}" must be an origin such as "https://example.com" (no path, no trailing slash)`);
  const local = url.hostname === "localhost" || url.hostname.endsWith(".localhost"); // secure contexts over http
  if (url.protocol !== "https:" && !(local && url.protocol === "http:")) fail(`origins: "${origin}" must use https (http only for localhost and *.localhost)`);
  if (url.hostname !== rpID && !url.hostname.endsWith(`.${rpID}`)) fail(`origins: "${origin}" is not on the RP ID "${rpID}" or a subdomain of it`);
  return origin;
}

/** Checks the options of `passkeys()`; `TypeError` naming the first mistake. */
export function checkOptions(options: PasskeysOptions): PasskeysSettings {
  if (typeof options !== "object" || options === null) fail("options must be an object");
  const { rpID, rpName, origins, timeout, residentKey } = options;
  if (typeof rpID !== "string" || !RP_ID.test(rpID)) fail('rpID must be a lower-case domain name such as "example.com" or "localhost"');
  if (typeof rpName !== "string" || rpName.trim() === "" || rpName.length > 64) fail("rpName must be a non-empty string of at most 64 characters");
  if (!Array.isArray(origins) || origins.length === 0 || origins.length > 32) fail("origins must list 1 to 32 origins");
  const checked = origins.map((o) => checkOrigin(o, rpID));
  const timeoutMs = timeout === undefined ? DEFAULT_TIMEOUT_MS : toMilliseconds(timeout, MAX_TIMEOUT_MS);
  if (timeoutMs < 10_000) fail("timeout must be at least 10 seconds");
  if (residentKey !== undefined && residentKey !== "required" && residentKey !== "preferred") fail('residentKey must be "required" or "preferred"');
  return { rpID, rpName, origins: checked, timeoutMs, residentKey: residentKey ?? "preferred" };
}
