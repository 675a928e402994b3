import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03) on top of Node's ChaCha20-Poly1305: HChaCha20 derives a
 * subkey from the key and the first 16 nonce bytes; the IETF AEAD then runs with nonce = 4 zero bytes ‖ the
 * last 8 nonce bytes. Output as @noble/ciphers' `managedNonce(xchacha20poly1305)` (what Better Auth's
 * `symmetricEncrypt` uses): nonce (24) ‖ ciphertext ‖ tag (16). No dependency on Better Auth at runtime.
 */

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

function rotl(v: number, n: number): number {
  return ((v << n) | (v >>> (32 - n))) >>> 0;
}

function quarter(x: Uint32Array, a: number, b: number, c: number, d: number): void {
  x[a] = (x[a]! + x[b]!) >>> 0;
  x[d] = rotl(x[d]! ^ x[a]!, 16);
  x[c] = (x[c]! + x[d]!) >>> 0;
  x[b] = rotl(x[b]! ^ x[c]!, 12);
  x[a] = (x[a]! + x[b]!) >>> 0;
  x[d] = rotl(x[d]! ^ x[a]!, 8);
  x[c] = (x[c]! + x[d]!) >>> 0;
  x[b] = rotl(x[b]! ^ x[c]!, 7);
}

/** HChaCha20: a 32-byte subkey from a 32-byte key and a 16-byte nonce. */
export function hchacha20(key: Uint8Array, nonce16: Uint8Array): Buffer {
  if (key.length !== 32 || nonce16.length !== 16) throw new RangeError("hchacha20: key must be 32 bytes and nonce 16");
  const k = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  const n = Buffer.from(nonce16.buffer, nonce16.byteOffset, nonce16.byteLength);
  const x = new Uint32Array(16);
  x.set(SIGMA, 0);
  for (let i = 0; i < 8; i++) x[4 + i] = k.readUInt32LE(4 * i);
  for (let i = 0; i < 4; i++) x[12 + i] = n.readUInt32LE(4 * i);
  for (let i = 0; i < 10; i++) {
    quarter(x, 0, 4, 8, 12);
    quarter(x, 1, 5, 9, 13);
    quarter(x, 2, 6, 10, 14);
    quarter(x, 3, 7, 11, 15);
    quarter(x, 0, 5, 10, 15);
    quarter(x, 1, 6, 11, 12);
    quarter(x, 2, 7, 8, 13);
    quarter(x, 3, 4, 9, 14);
  }
  const out = Buffer.alloc(32);
  for (let i = 0; i < 4; i++) out.writeUInt32LE(x[i]!, 4 * i);
  for (let i = 0; i < 4; i++) out.writeUInt32LE(x[12 + i]!, 16 + 4 * i);
  return out;
}

function ietf(key: Uint8Array, nonce: Uint8Array): { subkey: Buffer; iv: Buffer } {
  return { subkey: hchacha20(key, nonce.subarray(0, 16)), iv: Buffer.concat([Buffer.alloc(4), nonce.subarray(16, 24)]) };
}

/** Encrypts with a fresh random 24-byte nonce; resolves nonce ‖ ciphertext ‖ tag. */
export function xchachaSeal(key: Uint8Array, plaintext: Uint8Array, nonce: Uint8Array = randomBytes(24)): Buffer {
  if (nonce.length !== 24) throw new RangeError("xchachaSeal: nonce must be 24 bytes");
  const { subkey, iv } = ietf(key, nonce);
  const cipher = createCipheriv("chacha20-poly1305", subkey, iv, { authTagLength: 16 });
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, data, cipher.getAuthTag()]);
}

/** Decrypts nonce ‖ ciphertext ‖ tag; throws when the tag does not verify (wrong key or tampered data). */
export function xchachaOpen(key: Uint8Array, sealed: Uint8Array): Buffer {
  if (sealed.length < 24 + 16) throw new RangeError("xchachaOpen: input too short");
  const nonce = sealed.subarray(0, 24);
  const { subkey, iv } = ietf(key, nonce);
  const decipher = createDecipheriv("chacha20-poly1305", subkey, iv, { authTagLength: 16 });
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(24, sealed.length - 16)), decipher.final()]);
}
