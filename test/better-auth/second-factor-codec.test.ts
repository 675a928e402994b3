// The bridge's second-factor codec against Better Auth's own symmetricEncrypt/Decrypt (better-auth/crypto) and its
// base32 (`decryptTOTPSecret` reads `base32:` secrets): one secret and one secret-rotation configuration, both ways.
import { randomBytes } from "node:crypto";
import { base32 } from "@better-auth/utils/base32";
import { symmetricDecrypt, symmetricEncrypt } from "better-auth/crypto";
import { describe, expect, it } from "vitest";
import { betterAuthSecondFactorCodec, openBackupCodes, totpKeyBytes } from "../../src/better-auth/second-factor-codec.js";
import type { KeySecrets } from "../../src/better-auth/symmetric.js";

const newSecret = () => randomBytes(32).toString("base64url");

/** Better Auth's `decryptTOTPSecret` (plugins/two-factor/totp), from its exported parts. */
async function betterAuthKey(key: Parameters<typeof symmetricDecrypt>[0]["key"], data: string): Promise<Uint8Array> {
  const secret = await symmetricDecrypt({ key, data });
  return secret.startsWith("base32:") ? base32.decode(secret.slice(7).toUpperCase()) : new TextEncoder().encode(secret);
}

const single = (secret: string): { ours: KeySecrets; theirs: string } => ({
  ours: { legacy: null, versions: new Map(), current: null, plain: secret },
  theirs: secret,
});
const rotated = (legacy: string, v1: string, v2: string) => ({
  ours: {
    legacy,
    versions: new Map([
      [2, v2],
      [1, v1],
    ]),
    current: 2,
    plain: null,
  } satisfies KeySecrets,
  theirs: {
    keys: new Map([
      [2, v2],
      [1, v1],
    ]),
    currentVersion: 2,
    legacySecret: legacy,
  },
});

describe("second-factor codec (Better Auth's formats)", () => {
  it("opens Better Auth's own secrets (a 32-character string: its UTF-8 bytes) and base32: imports", async () => {
    const { ours, theirs } = single(newSecret());
    const codec = betterAuthSecondFactorCodec(ours);
    for (let i = 0; i < 20; i++) {
      const plain = randomBytes(24).toString("base64url"); // 32 chars of Better Auth's alphabet
      expect(Buffer.from(codec.open(await symmetricEncrypt({ key: theirs, data: plain }))!).toString("utf8")).toBe(plain);
      const bytes = randomBytes(20);
      const imported = await symmetricEncrypt({ key: theirs, data: `base32:${base32.encode(bytes, { padding: false }).toLowerCase()}` });
      expect(Buffer.from(codec.open(imported)!)).toEqual(bytes);
    }
  });

  it("seals what Better Auth decrypts to the same key (every length), and opens it back", async () => {
    const { ours, theirs } = single(newSecret());
    const codec = betterAuthSecondFactorCodec(ours);
    for (let n = 1; n <= 40; n++) {
      const bytes = randomBytes(n);
      const sealed = codec.seal(bytes);
      expect(sealed).toMatch(/^[0-9a-f]+$/);
      expect(await symmetricDecrypt({ key: theirs, data: sealed })).toMatch(/^base32:[A-Z2-7]+$/);
      expect(Buffer.from(await betterAuthKey(theirs, sealed))).toEqual(bytes);
      expect(Buffer.from(codec.open(sealed)!)).toEqual(bytes);
    }
  });

  it("with secrets rotation: writes $ba$<current>$, reads every version and the legacy secret's bare hex", async () => {
    const { ours, theirs } = rotated(newSecret(), newSecret(), newSecret());
    const codec = betterAuthSecondFactorCodec(ours);
    const bytes = randomBytes(20);
    const sealed = codec.seal(bytes);
    expect(sealed).toMatch(/^\$ba\$2\$[0-9a-f]+$/);
    expect(Buffer.from(await betterAuthKey(theirs, sealed))).toEqual(bytes);
    const v1 = await symmetricEncrypt({ key: { ...theirs, currentVersion: 1 }, data: "A".repeat(32) });
    expect(v1).toMatch(/^\$ba\$1\$/);
    expect(Buffer.from(codec.open(v1)!).toString()).toBe("A".repeat(32));
    const legacy = await symmetricEncrypt({ key: theirs.legacySecret, data: "B".repeat(32) });
    expect(Buffer.from(codec.open(legacy)!).toString()).toBe("B".repeat(32));
  });

  it("open is null, never a throw, for another secret, a retired version, damage, garbage, huge input", async () => {
    const { ours, theirs } = single(newSecret());
    const codec = betterAuthSecondFactorCodec(ours);
    const other = await symmetricEncrypt({ key: newSecret(), data: "C".repeat(32) });
    const good = await symmetricEncrypt({ key: theirs, data: "C".repeat(32) });
    const flipped = good.slice(0, 60) + (good[60] === "0" ? "1" : "0") + good.slice(61);
    const bad32 = await symmetricEncrypt({ key: theirs, data: "base32:NOT-BASE32!" });
    const empty = await symmetricEncrypt({ key: theirs, data: "" });
    for (const sealed of [other, flipped, bad32, empty, "", "zz", "$ba$9$00", "0".repeat(2000), "v1.abcdefgh.xyz", 42 as unknown as string]) {
      expect(codec.open(sealed)).toBeNull();
    }
    const rotation = betterAuthSecondFactorCodec(rotated(newSecret(), newSecret(), newSecret()).ours);
    expect(rotation.open("$ba$7$" + good)).toBeNull();
    expect(rotation.open(good)).toBeNull(); // bare hex of a secret that is not the legacy one
  });

  it("backup codes: Better Auth's encrypted JSON list and its plain list; anything else is null", async () => {
    const { ours, theirs } = single(newSecret());
    const codes = ["abcde-FGHIJ", "klmno-PQRST"];
    expect(openBackupCodes(await symmetricEncrypt({ key: theirs, data: JSON.stringify(codes) }), ours)).toEqual({ codes, plain: false });
    expect(openBackupCodes(JSON.stringify(codes), ours)).toEqual({ codes, plain: true });
    for (const column of [await symmetricEncrypt({ key: theirs, data: '{"a":1}' }), "[1,2]", "[", null, 7]) expect(openBackupCodes(column, ours)).toBeNull();
    const codec = betterAuthSecondFactorCodec(ours);
    expect(codec.recoveryCodeKeys("abcde-FGHIJ")).toEqual(["abcde-FGHIJ"]); // Better Auth's, as it made it
    expect(codec.recoveryCodeKeys("7K3MQ9ZD2WPA")).toEqual(["7K3M-Q9ZD-2WPA"]); // AuthSkill's, normalised: as shown
    expect(codec.recoveryCodeKeys("7K3MQ9ZD2WPU")).toEqual(["7K3MQ9ZD2WPU"]); // U is not Crockford: not one of ours
    expect(totpKeyBytes("")).toBeNull();
    expect(totpKeyBytes("base32:")).toBeNull();
    expect(Buffer.from(totpKeyBytes("base32:mzxw6===")!).toString()).toBe("foo");
  });
});
