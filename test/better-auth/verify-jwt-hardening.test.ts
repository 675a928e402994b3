/**
 * The bridge's `verifyJWT` (src/better-auth/jwt.ts) holds the access-token verifier's rules: one spelling of a
 * signature (non-canonical base64url is refused), and a broken clock is CONFIG_ERROR, never "not expired". Real Better Auth, real jwt plugin, SQLite.
 */
import { afterEach, describe, expect, it } from "vitest";
import { betterAuthBridge } from "../../src/better-auth/index.js";
import { rejectsWith } from "../helpers.js";
import { BASE_URL, betterAuthSignup, stack, type Stack } from "./support.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Every other spelling of a segment that decodes to the same bytes (differing only in the last character's unused bits). */
function variants(segment: string): string[] {
  const rest = segment.length % 4;
  if (rest === 0) return [];
  const unused = rest === 2 ? 0b1111 : 0b11;
  const base = ALPHABET.indexOf(segment.at(-1)!) & ~unused;
  const out: string[] = [];
  for (let bits = 1; bits <= unused; bits++) out.push(`${segment.slice(0, -1)}${ALPHABET[base | bits]}`);
  return out;
}

async function betterAuthToken(s: Stack): Promise<string> {
  const ada = await betterAuthSignup(s, "ada@example.com", "a long passphrase 42");
  const res = await s.auth.handler(new Request(`${BASE_URL}/api/auth/token`, { headers: { cookie: ada.cookie } }));
  return ((await res.json()) as { token: string }).token;
}

describe("bridge verifyJWT", () => {
  let s: Stack | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it("accepts exactly one spelling of the signature: every same-bytes variant is TOKEN_INVALID", async () => {
    s = await stack("sqlite");
    const token = await betterAuthToken(s);
    await expect(s.bridge.verifyJWT(token)).resolves.toMatchObject({ iss: new URL(BASE_URL).origin });
    const [h, p, sig] = token.split(".") as [string, string, string];
    const spellings = variants(sig);
    expect(spellings.length).toBe(15); // EdDSA: 64 bytes = 86 characters, 4 unused bits in the last one
    for (const other of spellings) {
      expect(Buffer.from(other, "base64url").equals(Buffer.from(sig, "base64url"))).toBe(true); // same bytes
      await rejectsWith(s.bridge.verifyJWT(`${h}.${p}.${other}`), "TOKEN_INVALID");
    }
    for (const other of variants(h)) await rejectsWith(s.bridge.verifyJWT(`${other}.${p}.${sig}`), "TOKEN_INVALID");
    for (const other of variants(p)) await rejectsWith(s.bridge.verifyJWT(`${h}.${other}.${sig}`), "TOKEN_INVALID");
    await expect(s.bridge.verifyJWT(token)).resolves.toBeTruthy(); // the canonical one still verifies
  });

  it.each<[string, unknown]>([
    ["new Date(NaN)", new Date(Number.NaN)],
    ["the largest Date", new Date(8.64e15)],
    ["a number", 1_900_000_000_000],
  ])("a clock returning %s is CONFIG_ERROR, even for an expired token", async (_name, value) => {
    s = await stack("sqlite");
    const token = await betterAuthToken(s);
    const later = betterAuthBridge({ db: s.db, secret: s.secret, baseURL: BASE_URL, now: () => new Date(Date.now() + 3_600_000) });
    await rejectsWith(later.verifyJWT(token), "TOKEN_EXPIRED");
    const broken = betterAuthBridge({ db: s.db, secret: s.secret, baseURL: BASE_URL, now: () => value as Date });
    await rejectsWith(broken.verifyJWT(token), "CONFIG_ERROR");
    // every other reader of the bridge's clock too: a session's expiry is never judged on a broken clock
    const { cookie } = await betterAuthSignup(s, "clock@example.com", "a clock-test passphrase 9");
    expect(await later.getSession(new Headers({ cookie }))).not.toBeNull();
    await rejectsWith(broken.getSession(new Headers({ cookie })), "CONFIG_ERROR");
  });
});
