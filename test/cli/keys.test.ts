// `keygen` and `jwks`: private JWKs the library signs with, public JWKS out, never a private member printed.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalJWKSet, jwtVerify, type JWK } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { AuthSkill } from "../../src/index.js";
import { SECRET } from "../helpers.js";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "auth-skill-cli-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];

async function keygen(args: string[]): Promise<JWK> {
  const { code, stdout, stderr } = await runCli(["keygen", ...args]);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  return JSON.parse(stdout) as JWK;
}

describe.concurrent("keygen", () => {
  it.each(["EdDSA", "ES256", "RS256"] as const)("--alg %s: a private JWK that signs access tokens the JWKS from `jwks` verifies", async (alg) => {
    const key = await keygen(["--alg", alg]);
    expect(key).toMatchObject({ alg, use: "sig", kid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(key.d).toEqual(expect.any(String));
    const file = join(dir, `${alg}.json`);
    writeFileSync(file, JSON.stringify([key]));
    const jwks = await runCli(["jwks", file]);
    expect(jwks.code).toBe(0);
    const published = JSON.parse(jwks.stdout) as { keys: JWK[] };
    expect(published.keys).toHaveLength(1);
    for (const member of PRIVATE_MEMBERS) expect(published.keys[0]).not.toHaveProperty(member);
    expect(jwks.stdout).not.toContain(key.d!);
    const auth = new AuthSkill({ secret: SECRET, accessToken: { algorithm: alg, keys: [key] } });
    const token = await auth.createAccessToken({ userId: "u1" });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(published), { algorithms: [alg] });
    expect([payload.sub, protectedHeader.kid]).toEqual(["u1", key.kid]);
  });

  it("--kid sets the key id; a bad kid is a usage error", async () => {
    expect((await keygen(["--alg", "EdDSA", "--kid", "2026-12"])).kid).toBe("2026-12");
    const bad = await runCli(["keygen", "--alg", "EdDSA", "--kid", "has space"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--kid must be");
  });

  it("--out writes a new file readable by its owner only, and never replaces one", async () => {
    const file = join(dir, "out.json");
    const first = await runCli(["keygen", "--alg", "ES256", "--out", file]);
    expect([first.code, first.stdout]).toEqual([0, ""]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = readFileSync(file, "utf8");
    expect(JSON.parse(written)).toMatchObject({ alg: "ES256", kty: "EC", crv: "P-256" });
    const again = await runCli(["keygen", "--alg", "ES256", "--out", file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("exists: not replaced");
    expect(readFileSync(file, "utf8")).toBe(written);
  });
});

describe.concurrent("jwks", () => {
  it("reads a JWKS, an array or one JWK, from a file or stdin ('-'); several keys in order", async () => {
    const [a, b] = await Promise.all([keygen(["--alg", "EdDSA", "--kid", "a"]), keygen(["--alg", "RS256", "--kid", "b"])]);
    for (const [input, kids] of [
      [{ keys: [a, b] }, ["a", "b"]],
      [
        [b, a],
        ["b", "a"],
      ],
      [a, ["a"]],
    ] as const) {
      const { code, stdout } = await runCli(["jwks", "-"], { input: JSON.stringify(input) });
      expect(code).toBe(0);
      const out = JSON.parse(stdout) as { keys: JWK[] };
      expect(out.keys.map((k) => k.kid)).toEqual(kids);
      expect(out.keys.every((k) => k.d === undefined && k.use === "sig")).toBe(true);
    }
  });

  it("refuses what is not a private signing key, naming the key by position and never printing its content", async () => {
    const key = await keygen(["--alg", "EdDSA", "--kid", "k"]);
    const canary = "c2VjcmV0LWNhbmFyeS1kYXRh"; // base64url, like a private member
    const cases: [unknown, string][] = [
      [[{ ...key, d: undefined }], "key 0 must be a private key"],
      [[key, { kty: "oct", k: canary, kid: "h" }], "key 1 is not an EdDSA"],
      [[key, { ...key }], "key 1 repeats a kid"],
      [[{ ...key, kid: undefined }], "key 0 needs a kid"],
      [[{ ...key, x: canary }], "key 0 is not a valid EdDSA key"],
      [{ keys: [] }, "holds no key"],
    ];
    for (const [input, message] of cases) {
      const { code, stdout, stderr } = await runCli(["jwks", "-"], { input: JSON.stringify(input) });
      expect([code, stdout]).toEqual([1, ""]);
      expect(stderr).toContain(message);
      expect(stderr).not.toContain(canary);
      expect(stderr).not.toContain(key.d!);
    }
  });

  it("a file that is not JSON, or missing: exit 1, without quoting the file's content", async () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, '{"d": "c2VjcmV0LWNhbmFyeS1kYXRh", oops');
    const broken = await runCli(["jwks", file]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toBe("auth-skill: the key file is not valid JSON\n");
    const missing = await runCli(["jwks", join(dir, "none.json")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("(ENOENT)");
  });
});
