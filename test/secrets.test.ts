// The `secrets` option and the variables that stand in for it (src/secret.ts): which one wins, the list's rules,
// and errors that name the option or variable and never repeat a secret.
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AuthError, AuthSkill, type AuthSkillOptions } from "../src/index.js";
import { resolveOptions } from "../src/options.js";
import { kidOf } from "./tokens/legacy.js";

const A = randomBytes(32).toString("base64url");
const B = randomBytes(32).toString("base64url");
const WEAK = "abcdefgh".repeat(4);
const VARIABLES = ["AUTH_SECRETS", "AUTH_SECRET", "BETTER_AUTH_SECRETS", "BETTER_AUTH_SECRET"] as const;

beforeEach(() => {
  for (const name of VARIABLES) vi.stubEnv(name, "");
  vi.stubEnv("NODE_ENV", "production"); // no random fallback: a missing secret would be an error, not a pass
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** The CONFIG_ERROR message of a construction, checked to contain no secret. */
function configError(options: AuthSkillOptions, ...secrets: string[]): string {
  let error: unknown;
  try {
    resolveOptions(options);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).code).toBe("CONFIG_ERROR");
  const { message } = error as AuthError;
  for (const secret of secrets) expect(message).not.toContain(secret.slice(0, 12));
  return message;
}

describe("the secrets option", () => {
  it("takes the current secret first and up to 7 previous ones", () => {
    expect(resolveOptions({ secrets: [B, A] }).secrets).toEqual([B, A]);
    const eight = Array.from({ length: 8 }, () => randomBytes(32).toString("base64url"));
    expect(resolveOptions({ secrets: eight }).secrets).toEqual(eight);
  });

  it.each<[string, string[], string]>([
    ["an empty list", [], "secrets must hold 1 to 8 secrets, current first"],
    ["nine secrets", Array.from({ length: 9 }, () => randomBytes(32).toString("base64url")), "secrets must hold 1 to 8 secrets, current first"],
    ["a repeated secret", [B, A, B], "secrets repeats a secret"],
    ["a weak one", [B, WEAK], "secrets[1] is too weak"],
    ["a short one", ["short-secret", B], "secrets[0] must be at least 32 characters"],
  ])("refuses %s (CONFIG_ERROR naming the entry, never the secret)", (_name, secrets, expected) => {
    expect(configError({ secrets }, ...secrets)).toContain(expected);
  });

  it("and secret together: CONFIG_ERROR; an empty secret counts as unset", () => {
    expect(configError({ secret: A, secrets: [B] }, A, B)).toContain("set secret or secrets, not both");
    expect(resolveOptions({ secret: "", secrets: [B] }).secrets).toEqual([B]);
    expect(resolveOptions({ secret: A, secrets: undefined }).secrets).toEqual([A]);
  });

  it("wins over every variable", () => {
    for (const name of VARIABLES) vi.stubEnv(name, name.endsWith("SECRETS") ? `1:${A}` : A);
    expect(resolveOptions({ secrets: [B] }).secrets).toEqual([B]);
    expect(resolveOptions({ secret: B }).secrets).toEqual([B]);
  });
});

describe("from the environment, when neither option is set", () => {
  it("AUTH_SECRETS: comma-separated, current first, entries trimmed", () => {
    vi.stubEnv("AUTH_SECRETS", ` ${B} , ${A}`);
    vi.stubEnv("AUTH_SECRET", randomBytes(32).toString("base64url"));
    expect(resolveOptions({}).secrets).toEqual([B, A]);
  });

  it("then AUTH_SECRET, then BETTER_AUTH_SECRETS (values in the given order), then BETTER_AUTH_SECRET", () => {
    vi.stubEnv("BETTER_AUTH_SECRET", A);
    expect(resolveOptions({}).secrets).toEqual([A]);
    vi.stubEnv("BETTER_AUTH_SECRETS", `2:${B}, 1: ${A}`);
    expect(resolveOptions({}).secrets).toEqual([B, A]);
    vi.stubEnv("AUTH_SECRET", B);
    expect(resolveOptions({}).secrets).toEqual([B]);
  });

  it.each<[string, string, string, string[]]>([
    ["AUTH_SECRETS", `${B},,${A}`, "AUTH_SECRETS has an empty entry", []],
    ["AUTH_SECRETS", `${B},${WEAK}`, "AUTH_SECRETS[1] is too weak", [WEAK]],
    ["AUTH_SECRETS", `${B},${B}`, "AUTH_SECRETS repeats a secret", []],
    ["AUTH_SECRET", WEAK, "AUTH_SECRET is too weak", [WEAK]],
    ["BETTER_AUTH_SECRETS", B, 'BETTER_AUTH_SECRETS[0] must be "<version>:<secret>"', []],
    ["BETTER_AUTH_SECRETS", `2:${B},v1:${A}`, 'BETTER_AUTH_SECRETS[1] must be "<version>:<secret>"', []],
    ["BETTER_AUTH_SECRETS", `2:${B},1:`, "BETTER_AUTH_SECRETS[1] must be at least 32 characters", []],
    ["BETTER_AUTH_SECRET", WEAK, "BETTER_AUTH_SECRET is too weak", [WEAK]],
  ])("%s=%#: CONFIG_ERROR naming it, never the secret", (name, value, expected, weak) => {
    vi.stubEnv(name, value);
    expect(configError({}, A, B, ...weak)).toContain(expected);
  });

  it("none set, in production: CONFIG_ERROR", () => {
    expect(configError({})).toContain("no secret");
  });

  it("AUTH_SECRETS end to end: new tokens carry the first secret's kid, tokens of the second verify", async () => {
    const old = new AuthSkill({ secret: A });
    const token = await old.createAccessToken({ userId: "u" });
    vi.stubEnv("AUTH_SECRETS", `${B},${A}`);
    const auth = new AuthSkill();
    await expect(auth.verifyAccessToken(token)).resolves.toMatchObject({ sub: "u" });
    const fresh = await auth.createAccessToken({ userId: "v" });
    expect(JSON.parse(Buffer.from(fresh.split(".")[0]!, "base64url").toString())).toMatchObject({ kid: kidOf(B) });
  });
});
