// `token inspect` (UNVERIFIED) and `token verify` (AUTH_SECRET/AUTH_SECRETS, or a JWKS file or loopback URL): claims on
// success, the AuthError code on failure, never the token or the secret in an error.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthSkill, generateSigningKey } from "../../src/index.js";
import { runCli } from "./run-cli.js";

const SECRET = "cli-Canary-secret-5f0e2d9c8b7a6f5e4d3c2b1a0f9e8d7c";
const OLD_SECRET = "cli-old-secret-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d";
const dir = mkdtempSync(join(tmpdir(), "auth-skill-cli-token-"));
let server: Server;
let base: string;
let jwksFile: string;
let eddsaToken: string;
let eddsaJwks: string;

beforeAll(async () => {
  const key = await generateSigningKey("EdDSA", { kid: "k1" });
  const auth = new AuthSkill({ secret: SECRET, accessToken: { algorithm: "EdDSA", keys: [key] } });
  eddsaToken = await auth.createAccessToken({ userId: "user-eddsa", sessionId: "s1" });
  eddsaJwks = JSON.stringify(await auth.jwks());
  jwksFile = join(dir, "jwks.json");
  writeFileSync(jwksFile, eddsaJwks);
  server = createServer((req, res) => {
    if (req.url === "/jwks.json") res.writeHead(200, { "content-type": "application/json" }).end(eddsaJwks);
    else if (req.url === "/redirect") res.writeHead(302, { location: "/jwks.json" }).end();
    else if (req.url === "/huge") res.writeHead(200).end("x".repeat(600 * 1024));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise((resolve) => server?.close(resolve));
});

const hs256 = (options: ConstructorParameters<typeof AuthSkill>[0] = {}) => new AuthSkill({ secret: SECRET, ...options });

/** Fails the test when the output holds the token or a secret. */
function clean(run: { stdout: string; stderr: string }, ...secrets: string[]): void {
  for (const s of [SECRET, OLD_SECRET, ...secrets]) expect(run.stderr).not.toContain(s);
}

describe.concurrent("token inspect", () => {
  it("prints the header and claims marked UNVERIFIED, from the argument or stdin", async () => {
    const token = await hs256().createAccessToken({ userId: "user-1", claims: { scope: "read" } });
    for (const [args, input] of [
      [["token", "inspect", token], ""],
      [["token", "inspect", "-"], `${token}\n`],
    ] as const) {
      const { code, stdout, stderr } = await runCli(args, { input });
      expect(code).toBe(0);
      expect(stderr).toContain("UNVERIFIED");
      const out = JSON.parse(stdout);
      expect(out.UNVERIFIED).toBe("signature and claims not checked");
      expect(out.header).toMatchObject({ alg: "HS256", typ: "at+jwt" });
      expect(out.claims).toMatchObject({ sub: "user-1", scope: "read", iss: "auth-skill" });
    }
  });

  it("a value that is not a JWT: exit 1, not repeated", async () => {
    const { code, stdout, stderr } = await runCli(["token", "inspect", "Canary.not-a.jwt"]);
    expect([code, stdout]).toEqual([1, ""]);
    expect(stderr).toContain("not a JWT");
    expect(stderr).not.toContain("Canary");
  });
});

describe.concurrent("token verify with the environment's secret (HS256)", () => {
  it("AUTH_SECRET: prints the verified claims, exit 0; stdin with '-'", async () => {
    const token = await hs256().createAccessToken({ userId: "user-1" });
    const arg = await runCli(["token", "verify", token], { env: { AUTH_SECRET: SECRET } });
    expect([arg.code, arg.stderr]).toEqual([0, ""]);
    expect(JSON.parse(arg.stdout)).toMatchObject({ sub: "user-1", iss: "auth-skill", aud: "auth-skill" });
    const piped = await runCli(["token", "verify", "-"], { env: { AUTH_SECRET: SECRET }, input: token });
    expect(piped.code).toBe(0);
  });

  it("AUTH_SECRETS (current first): a token under the previous secret verifies", async () => {
    const token = await new AuthSkill({ secret: OLD_SECRET }).createAccessToken({ userId: "user-old" });
    const { code, stdout } = await runCli(["token", "verify", token], { env: { AUTH_SECRETS: `${SECRET},${OLD_SECRET}` } });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).sub).toBe("user-old");
  });

  it("another secret, a forged or expired token: the AuthError code, exit 1, no token or secret in the output", async () => {
    const token = await hs256().createAccessToken({ userId: "user-1" });
    const expired = await hs256({ now: () => new Date(Date.now() - 3_600_000) }).createAccessToken({ userId: "user-1" });
    const forged = `${token.slice(0, -4)}AAAA`;
    for (const [jwt, env, code] of [
      [token, { AUTH_SECRET: OLD_SECRET }, "TOKEN_INVALID"],
      [forged, { AUTH_SECRET: SECRET }, "TOKEN_INVALID"],
      [expired, { AUTH_SECRET: SECRET }, "TOKEN_EXPIRED"],
    ] as const) {
      const run = await runCli(["token", "verify", jwt], { env });
      expect([run.code, run.stdout]).toEqual([1, ""]);
      expect(run.stderr).toMatch(new RegExp(`^auth-skill: ${code}: `));
      clean(run, jwt, jwt.split(".")[1]!);
    }
  });

  it("issuer and audience: the library's defaults, AUTH_ISSUER/AUTH_AUDIENCE, or --issuer/--audience", async () => {
    const token = await hs256({ accessToken: { issuer: "https://id.example", audience: ["api", "web"] } }).createAccessToken({ userId: "u" });
    const env = { AUTH_SECRET: SECRET };
    expect((await runCli(["token", "verify", token], { env })).stderr).toContain("TOKEN_INVALID");
    expect((await runCli(["token", "verify", token, "--issuer", "https://id.example", "--audience", "web"], { env })).code).toBe(0);
    expect((await runCli(["token", "verify", token, "--issuer", "https://id.example", "--audience", "other"], { env })).code).toBe(1);
    expect((await runCli(["token", "verify", token], { env: { ...env, AUTH_ISSUER: "https://id.example", AUTH_AUDIENCE: "api" } })).code).toBe(0);
  });

  it("no secret in the environment and no --jwks: exit 1, saying what to set; a weak secret: CONFIG_ERROR without it", async () => {
    const token = await hs256().createAccessToken({ userId: "u" });
    const none = await runCli(["token", "verify", token]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("set AUTH_SECRETS or AUTH_SECRET");
    const weak = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const run = await runCli(["token", "verify", token], { env: { AUTH_SECRET: weak, NODE_ENV: "production" } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("CONFIG_ERROR");
    expect(run.stderr).not.toContain(weak);
  });
});

describe.concurrent("token verify --jwks", () => {
  it("a JWKS file or an http URL (loopback): the claims, exit 0", async () => {
    for (const source of [jwksFile, `${base}/jwks.json`]) {
      const { code, stdout, stderr } = await runCli(["token", "verify", eddsaToken, "--jwks", source]);
      expect([code, stderr]).toEqual([0, ""]);
      expect(JSON.parse(stdout)).toMatchObject({ sub: "user-eddsa", sid: "s1" });
    }
  });

  it("a token of another key, or HS256 against the JWKS: TOKEN_INVALID (the key sets the algorithm, not the token)", async () => {
    const other = new AuthSkill({ secret: SECRET, accessToken: { algorithm: "EdDSA", keys: [await generateSigningKey("EdDSA", { kid: "k1" })] } });
    const foreign = await other.createAccessToken({ userId: "x" });
    const hs = await hs256().createAccessToken({ userId: "x" });
    for (const jwt of [foreign, hs]) {
      const run = await runCli(["token", "verify", jwt, "--jwks", jwksFile]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe("auth-skill: TOKEN_INVALID: The access token is invalid.\n");
    }
  });

  it("URLs: 404, a redirect, an oversized body, a non-http scheme, credentials — refused, the query never printed", async () => {
    const cases = [
      [`${base}/missing?token=Canary1`, 1, "HTTP 404"],
      [`${base}/redirect`, 1, "the request failed"],
      [`${base}/huge`, 1, "larger than"],
      ["ftp://127.0.0.1/jwks.json", 2, "a file or an http(s) URL"],
      [`http://user:Canary2@127.0.0.1:${new URL(base).port}/jwks.json`, 2, "credentials"],
    ] as const;
    for (const [url, code, message] of cases) {
      const run = await runCli(["token", "verify", eddsaToken, "--jwks", url]);
      expect(run.code, url).toBe(code);
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toContain("Canary");
      clean(run, eddsaToken);
    }
  });
});
