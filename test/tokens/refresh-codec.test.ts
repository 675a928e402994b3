/**
 * The refresh-token codec's keys and sealed successors (src/tokens/refresh-token.ts), against the derivation
 * docs/tokens.md documents: `<kid>.<sessionId>.<generation>.<random>.<tag>`, one HKDF-SHA256 key per purpose
 * and secret ("auth-skill/refresh-token/<purpose>/v2"), the token's own kid choosing the secret. Tokens minted
 * before key ids (the old format and keys, see legacy.ts) still parse under any configured secret.
 * rules.test.ts checks that a forged tag is refused before storage is touched.
 */
import { randomBytes, createDecipheriv, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RefreshTokenCodec } from "../../src/tokens/refresh-token.js";
import { SECRET, throwsWith } from "./helpers.js";
import { hkdf, kidOf, legacyRefreshHash, legacyRefreshToken, legacySeal } from "./legacy.js";

const key = (purpose: string, secret = SECRET) => hkdf(secret, `auth-skill/refresh-token/${purpose}/v2`);
const SESSION = "s".repeat(16);
const OTHER = randomBytes(32).toString("base64url");

describe("keys derived per purpose", () => {
  // made in each test, not at collection: the mutation run credits a test only with the code it runs itself
  const minted = () => {
    const codec = new RefreshTokenCodec(SECRET);
    const token = codec.mint(SESSION, 3);
    return { codec, token, body: token.slice(0, token.lastIndexOf(".")) };
  };

  it("a token starts with the key id of the current secret, then the session id and generation", () => {
    const token = new RefreshTokenCodec([OTHER, SECRET]).mint(SESSION, 3);
    expect(token).toMatch(/^[A-Za-z0-9_-]{8}\.s{16}\.3\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{22}$/);
    expect(token.slice(0, 9)).toBe(`${kidOf(OTHER)}.`);
  });

  it("the stored hash is HMAC-SHA256 under the hash key", () => {
    const { codec, token } = minted();
    expect(codec.hash(token)).toBe(createHmac("sha256", key("hash")).update(token).digest("base64url"));
  });

  it("the tag is HMAC-SHA256 under the tag key, cut to 128 bits", () => {
    const { token, body } = minted();
    expect(token.slice(body.length + 1)).toBe(createHmac("sha256", key("tag")).update(body).digest().subarray(0, 16).toString("base64url"));
  });

  it("a sealed successor is the kid, then AES-256-GCM under the seal key, bound to its session generation", () => {
    const { codec, token } = minted();
    const sealed = codec.seal(token, SESSION, 3);
    expect(sealed.slice(0, 9)).toBe(`${kidOf(SECRET)}.`);
    const raw = Buffer.from(sealed.slice(9), "base64url");
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
  expect(codec.parse(token)).toMatchObject({ sessionId: SESSION, generation: 0 });
  for (const value of [[token], { toString: () => token }, 12345, null, undefined]) expect(codec.parse(value)).toBeNull();
});

describe("rotation: the token's kid picks the one secret that checks it", () => {
  it("a token of a previous secret parses and matches under its own keys; the hash of a new token uses the current", () => {
    const old = new RefreshTokenCodec(SECRET);
    const token = old.mint(SESSION, 2);
    const rotated = new RefreshTokenCodec([OTHER, SECRET]);
    const parsed = rotated.parse(token)!;
    expect(parsed).toMatchObject({ sessionId: SESSION, generation: 2 });
    expect(rotated.matches(token, parsed, old.hash(token))).toBe(true);
    expect(rotated.hash(token)).toBe(createHmac("sha256", key("hash", OTHER)).update(token).digest("base64url"));
    expect(rotated.matches(token, parsed, rotated.hash(token))).toBe(false); // the current secret's hash is not this token's
  });

  it("a kid no configured secret has: null (the secret was dropped)", () => {
    const token = new RefreshTokenCodec(SECRET).mint(SESSION, 0);
    expect(new RefreshTokenCodec(OTHER).parse(token)).toBeNull();
  });

  it("a kid swapped for another configured secret's: null (one key, the named one)", () => {
    const token = new RefreshTokenCodec(SECRET).mint(SESSION, 0);
    expect(new RefreshTokenCodec([OTHER, SECRET]).parse(`${kidOf(OTHER)}${token.slice(8)}`)).toBeNull();
  });
});

describe("transition: tokens minted before key ids", () => {
  it("parse under any configured secret's old keys, and match the hash the old codec stored", () => {
    const token = legacyRefreshToken(SECRET, SESSION, 5);
    for (const secrets of [[SECRET], [OTHER, SECRET]]) {
      const codec = new RefreshTokenCodec(secrets);
      const parsed = codec.parse(token)!;
      expect(parsed).toMatchObject({ sessionId: SESSION, generation: 5 });
      expect(codec.matches(token, parsed, legacyRefreshHash(SECRET, token))).toBe(true);
      expect(codec.matches(token, parsed, legacyRefreshHash(OTHER, token))).toBe(false);
    }
  });

  it("are refused once their secret is gone, or with a wrong tag", () => {
    const token = legacyRefreshToken(SECRET, SESSION, 5);
    expect(new RefreshTokenCodec(OTHER).parse(token)).toBeNull();
    expect(new RefreshTokenCodec(SECRET).parse(`${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`)).toBeNull();
  });

  it("a successor sealed by the old codec opens under any configured secret's old seal key", () => {
    const sealed = legacySeal(SECRET, "successor", SESSION, 3);
    expect(new RefreshTokenCodec([OTHER, SECRET]).unseal(sealed, SESSION, 3)).toBe("successor");
    expect(new RefreshTokenCodec(OTHER).unseal(sealed, SESSION, 3)).toBeNull();
  });
});

describe("unseal: the successor opens only for its own session generation", () => {
  const codec = () => new RefreshTokenCodec(SECRET); // made in each test (see above)
  const successor = `${kidOf(SECRET)}.${"s".repeat(16)}.4.${"x".repeat(43)}.${"y".repeat(22)}`;
  const sealed = () => codec().seal(successor, SESSION, 3);

  it("opens for the generation it was sealed for, also once its secret is a previous one", () => {
    expect(codec().unseal(sealed(), SESSION, 3)).toBe(successor);
    expect(new RefreshTokenCodec([OTHER, SECRET]).unseal(sealed(), SESSION, 3)).toBe(successor);
  });

  it.each<[string, () => string | null]>([
    ["another generation", () => codec().unseal(sealed(), SESSION, 4)],
    ["another session", () => codec().unseal(sealed(), "t".repeat(16), 3)],
    ["another secret", () => new RefreshTokenCodec(OTHER).unseal(sealed(), SESSION, 3)],
    ["another secret's kid in front", () => new RefreshTokenCodec([OTHER, SECRET]).unseal(`${kidOf(OTHER)}${sealed().slice(8)}`, SESSION, 3)],
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

it("a weak secret: CONFIG_ERROR naming the problem, never the secret", () => {
  expect(throwsWith(() => new RefreshTokenCodec("short"), "CONFIG_ERROR").message).toBe(
    "auth-skill configuration: the secret must be at least 32 characters (generate one with `openssl rand -base64 32`)",
  );
  expect(throwsWith(() => new RefreshTokenCodec([SECRET, "short-one"]), "CONFIG_ERROR").message).toBe(
    "auth-skill configuration: secrets[1] must be at least 32 characters (generate one with `openssl rand -base64 32`)",
  );
});
