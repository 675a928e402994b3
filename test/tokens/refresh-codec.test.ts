/**
 * The refresh-token codec's keys and sealed successors (src/tokens/refresh-token.ts), against the
 * derivation it documents: one key per purpose, HMAC-SHA256(secret, "auth-skill/refresh-token/<purpose>/v1").
 * Stored hashes and tags must stay what they were (a change would end every live session), and no two
 * purposes may share a key. rules.test.ts checks that a forged tag is refused before storage is touched.
 */
import { createDecipheriv, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RefreshTokenCodec } from "../../src/tokens/refresh-token.js";
import { SECRET, throwsWith } from "./helpers.js";

const key = (purpose: string) => createHmac("sha256", SECRET).update(`auth-skill/refresh-token/${purpose}/v1`).digest();
const SESSION = "s".repeat(16);

describe("keys derived per purpose", () => {
  // made in each test, not at collection: the mutation run credits a test only with the code it runs itself
  const minted = () => {
    const codec = new RefreshTokenCodec(SECRET);
    const token = codec.mint(SESSION, 3);
    return { codec, token, body: token.slice(0, token.lastIndexOf(".")) };
  };

  it("the stored hash is HMAC-SHA256 under the hash key", () => {
    const { codec, token } = minted();
    expect(codec.hash(token)).toBe(createHmac("sha256", key("hash")).update(token).digest("base64url"));
  });

  it("the tag is HMAC-SHA256 under the tag key, cut to 128 bits", () => {
    const { token, body } = minted();
    expect(token.slice(body.length + 1)).toBe(createHmac("sha256", key("tag")).update(body).digest().subarray(0, 16).toString("base64url"));
  });

  it("a sealed successor is AES-256-GCM under the seal key, bound to its session generation", () => {
    const { codec, token } = minted();
    const raw = Buffer.from(codec.seal(token, SESSION, 3), "base64url");
    const decipher = createDecipheriv("aes-256-gcm", key("seal"), raw.subarray(0, 12))
      .setAAD(Buffer.from(`${SESSION}.3`))
      .setAuthTag(raw.subarray(12, 28));
    expect(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8")).toBe(token);
  });

  it("no two purposes share a key: the stored hash of a token's body does not give away its tag", () => {
    const { codec, token, body } = minted();
    expect(codec.hash(body).slice(0, 21)).not.toBe(token.slice(body.length + 1, body.length + 22));
  });
});

it("parse: null for anything but a string, even what converts to a minted token", () => {
  const codec = new RefreshTokenCodec(SECRET);
  const token = codec.mint(SESSION, 0);
  expect(codec.parse(token)).toEqual({ sessionId: SESSION, generation: 0 });
  for (const value of [[token], { toString: () => token }, 12345, null, undefined]) expect(codec.parse(value)).toBeNull();
});

describe("unseal: the successor opens only for its own session generation", () => {
  const codec = () => new RefreshTokenCodec(SECRET); // made in each test (see above)
  const successor = "s".repeat(16) + ".4." + "x".repeat(43) + "." + "y".repeat(22);
  const sealed = () => codec().seal(successor, SESSION, 3);

  it("opens for the generation it was sealed for", () => {
    expect(codec().unseal(sealed(), SESSION, 3)).toBe(successor);
  });

  it.each<[string, () => string | null]>([
    ["another generation", () => codec().unseal(sealed(), SESSION, 4)],
    ["another session", () => codec().unseal(sealed(), "t".repeat(16), 3)],
    ["another secret", () => new RefreshTokenCodec(`${SECRET}-other`).unseal(sealed(), SESSION, 3)],
    [
      "one byte changed",
      () => {
        const s = sealed();
        return codec().unseal(`${s.slice(0, 40)}${s[40] === "A" ? "B" : "A"}${s.slice(41)}`, SESSION, 3);
      },
    ],
    ["cut short", () => codec().unseal(sealed().slice(0, 20), SESSION, 3)],
    ["empty", () => codec().unseal("", SESSION, 3)],
  ])("null for %s", (_name, open) => {
    expect(open()).toBeNull();
  });
});

it("a weak secret: CONFIG_ERROR naming the refresh-token secret and the problem", () => {
  expect(throwsWith(() => new RefreshTokenCodec("short"), "CONFIG_ERROR").message).toBe(
    "auth-skill configuration: the refresh-token secret must be at least 32 characters (generate one with `openssl rand -base64 32`)",
  );
});
