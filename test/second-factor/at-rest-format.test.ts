// The documented at-rest formats of the second factor (docs/second-factor.md "The rules behind it"), pinned against
// node:crypto directly: TOTP secrets are AES-256-GCM under HKDF-SHA256(secret, "auth-skill/totp/v1") as
// `v1.<kid>.<base64url(iv ‖ ciphertext ‖ tag)>`, recovery codes HMAC-SHA256 under
// HKDF-SHA256(secret, "auth-skill/recovery-code/hash/v1") of the normalised code. A rotated secret still opens both.
import { createDecipheriv, createHmac, hkdfSync } from "node:crypto";
import { ScureBase32Plugin } from "otplib";
import { describe, expect, it } from "vitest";
import { AuthSkill, memoryStorage, type StorageAdapter } from "../../src/index.js";
import { secretCodec } from "../../src/second-factor/codec.js";
import { deriveSecretKeys, keyId } from "../../src/tokens/secret-keys.js";
import { totp } from "../../src/totp/index.js";

const OLD = "at-rest-format-old-secret-0123456789abcdefABCDEF";
const NEW = "at-rest-format-new-secret-0123456789abcdefABCDEF";
const hkdf = (secret: string, info: string) => Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), info, 32));

function openByHand(sealed: string, secret: string): Buffer {
  const [version, kid, body] = sealed.split(".");
  expect(version).toBe("v1");
  expect(kid).toBe(keyId(secret));
  const raw = Buffer.from(body!, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", hkdf(secret, "auth-skill/totp/v1"), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
}

describe("second factors at rest", () => {
  it("seals TOTP secrets with AES-256-GCM under the HKDF totp key, and opens them under a rotated secret list", async () => {
    const storage = memoryStorage();
    const auth = new AuthSkill({ secret: OLD, storage, totp: totp({ issuer: "Example" }) });
    const { user } = await auth.signup({ email: "ada@example.com", password: "a long enough passphrase 42" });
    const { secret } = await auth.totp.enroll(user.id);
    const record = await storage.secondFactors!.findTotp(user.id);
    const bytes = openByHand(record!.pendingSecret!, OLD);
    expect(new ScureBase32Plugin().encode(new Uint8Array(bytes), { padding: false })).toBe(secret);
    expect(record!.pendingSecret).not.toContain(secret);
    const rotated = secretCodec(deriveSecretKeys([NEW, OLD]));
    expect(Buffer.from(rotated.open(record!.pendingSecret!)!)).toEqual(bytes);
    expect(openByHand(rotated.seal(bytes), NEW)).toEqual(bytes); // new seals use the current secret
    expect(secretCodec(deriveSecretKeys(NEW)).open(record!.pendingSecret!)).toBeNull(); // the old secret dropped
  });

  it("refuses damaged or foreign sealed text without throwing", () => {
    const codec = secretCodec(deriveSecretKeys(OLD));
    const sealed = codec.seal(new Uint8Array(20).fill(7));
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === "A" ? "B" : "A"}${sealed.at(-1)}`;
    for (const bad of [flipped, sealed.replace("v1.", "v2."), "v1.x.y", "", "v1.abcdefgh.AAAA"]) expect(codec.open(bad)).toBeNull();
  });

  it("stores recovery codes as HMAC-SHA256 under the HKDF recovery-code key of the normalised code", async () => {
    const stored: string[][] = [];
    const base = memoryStorage();
    const factors = base.secondFactors!;
    const storage: StorageAdapter = {
      ...base,
      secondFactors: { ...factors, activateTotp: (input) => (stored.push(input.recoveryCodes), factors.activateTotp(input)) },
    };
    let clock = Date.parse("2026-12-02T10:00:00Z");
    const auth = new AuthSkill({ secret: OLD, storage, now: () => new Date(clock), totp: totp({ issuer: "Example" }) });
    const { user } = await auth.signup({ email: "ada@example.com", password: "a long enough passphrase 42" });
    const { secret } = await auth.totp.enroll(user.id);
    const { generate } = await import("otplib");
    const code = await generate({ secret: new ScureBase32Plugin().decode(secret), epoch: Math.floor(clock / 1000) });
    const { recoveryCodes } = await auth.totp.confirm(user.id, code);
    const key = hkdf(OLD, "auth-skill/recovery-code/hash/v1");
    expect(stored[0]).toEqual(recoveryCodes.map((c) => createHmac("sha256", key).update(c.replace(/-/g, "")).digest("base64url")));
    clock += 60_000;
    // and a rotated list still takes a code stored under the old secret
    const withBoth = new AuthSkill({ secrets: [NEW, OLD], storage, now: () => new Date(clock), totp: totp({ issuer: "Example" }) });
    const challenge = await withBoth.signin({ email: "ada@example.com", password: "a long enough passphrase 42" });
    expect(challenge).toMatchObject({ mfaRequired: true });
    const mfaToken = (challenge as { mfaToken: string }).mfaToken;
    await expect(withBoth.verifySecondFactor({ mfaToken, recoveryCode: recoveryCodes[0]! })).resolves.toHaveProperty("accessToken");
  });
});
