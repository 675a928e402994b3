import { readFileSync } from "node:fs";
import { vi } from "vitest";
import { AuthSkill, type AuthSkillOptions } from "../../src/index.js";

/** 32+ characters with 8+ distinct ones, as the options demand. */
export const SECRET = "password-tests-secret-0123456789-ABCDEFGHIJ";

/** An `AuthSkill` with the test secret and the given options (memory storage unless one is passed). */
export function makeAuth(options: Omit<AuthSkillOptions & { requireEmailVerification?: false | undefined; totp?: undefined }, "secret"> = {}): AuthSkill {
  return new AuthSkill({ secret: SECRET, ...options });
}

export type ForeignAlgorithm = "argon2id" | "argon2i" | "argon2d" | "bcrypt" | "scrypt-better-auth";

/** One entry of test/fixtures/foreign-hashes.json (see test/fixtures/README.md). */
export interface ForeignHash {
  source: string;
  algorithm: ForeignAlgorithm;
  password: string;
  hash: string;
  note?: string;
}

export const FOREIGN_HASHES: readonly ForeignHash[] = JSON.parse(
  readFileSync(new URL("../fixtures/foreign-hashes.json", import.meta.url), "utf8"),
) as ForeignHash[];

/** The first fixture matching `predicate`; throws when none does, so a test cannot pass vacuously. */
export function fixture(predicate: (e: ForeignHash) => boolean): ForeignHash {
  const found = FOREIGN_HASHES.find(predicate);
  if (!found) throw new Error("no fixture matches");
  return found;
}

export { rejectsWith, throwsWith } from "../helpers.js";

/** Decodes an unpadded standard-base64 PHC segment. */
export function b64(segment: string): Buffer {
  return Buffer.from(segment, "base64");
}

/**
 * Runs `fn` with `String.prototype.normalize` spied on (calling through) and returns the lengths of the
 * strings it was called on: proof that an input was, or was not, normalised, without timing anything.
 */
export async function normalizedLengths(fn: () => Promise<unknown>): Promise<number[]> {
  const spy = vi.spyOn(String.prototype, "normalize");
  try {
    await fn();
    return spy.mock.contexts.map((s) => String(s).length);
  } finally {
    spy.mockRestore();
  }
}
