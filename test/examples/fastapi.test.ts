// examples/fastapi: tokens minted by the real library, verified by PyJWT in Debian's /usr/bin/python3.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT, base64url, decodeJwt, decodeProtectedHeader, type JWK, type JWTHeaderParameters } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuthSkill, generateSigningKey } from "../../src/index.js";
import { kidOf } from "../tokens/legacy.js";
import { BASE_ENV, EXAMPLE, GET_ME_SCRIPT, IN_CI, missingPython, PYTHON, pyJson } from "./python.js";

const VERIFY = join(EXAMPLE, "verify.py");

// Missing Python packages fail the suite in CI (.ci/run installs them) and skip it, loudly, elsewhere.
const missing = missingPython();
if (missing && !IN_CI) console.warn(`[examples/fastapi] SKIPPED: ${missing}`);

type Outcome = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

/** Runs `python3 verify.py` with the token on stdin and the configuration in the environment. */
function pyVerify(token: string, config: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, ["-I", "-B", VERIFY], { env: { ...BASE_ENV, ...config }, timeout: 30_000 }, (err, stdout, stderr) => {
      if (!err) return resolve({ ok: true, claims: JSON.parse(stdout) as Record<string, unknown> });
      const refused = /^invalid_token: (.+)$/m.exec(stderr);
      if (err.code === 1 && refused) return resolve({ ok: false, reason: refused[1]! });
      reject(new Error(`verify.py failed (exit ${String(err.code)}): ${stderr}`));
    });
    child.stdin!.end(token);
  });
}

const SECRET = randomBytes(32).toString("base64url");
const KEY = new TextEncoder().encode(SECRET);
const HS256 = { AUTH_SECRET: SECRET };
const hour = 3600_000;

/** The claims of a valid token under a different protected header, signed with `key` (or unsigned for alg none). */
async function resign(token: string, header: JWTHeaderParameters, key: Uint8Array = KEY, crit?: Record<string, boolean>): Promise<string> {
  const claims = decodeJwt(token);
  if (header.alg === "none") {
    const part = (o: object) => base64url.encode(JSON.stringify(o));
    return `${part(header)}.${part(claims)}.`;
  }
  return new SignJWT(claims).setProtectedHeader(header).sign(key, crit ? { crit } : {});
}

describe.skipIf(missing !== null && !IN_CI)("examples/fastapi: PyJWT verifies auth-skill tokens", () => {
  const auth = new AuthSkill({ secret: SECRET });
  let valid: string;

  beforeAll(async () => {
    if (missing) throw new Error(missing);
    valid = await auth.createAccessToken({ userId: "user-1", sessionId: "session-1" });
  });

  describe("HS256 with the shared secret", () => {
    test("accepts a token from createAccessToken", async () => {
      const out = await pyVerify(valid, HS256);
      expect(out).toMatchObject({ ok: true, claims: { sub: "user-1", sid: "session-1", iss: "auth-skill", aud: "auth-skill" } });
      expect(out.ok && typeof out.claims.jti).toBe("string");
    });

    test("honours AUTH_ISSUER and AUTH_AUDIENCE", async () => {
      const custom = new AuthSkill({ secret: SECRET, accessToken: { issuer: "https://id.example", audience: "api" } });
      const token = await custom.createAccessToken({ userId: "user-2" });
      expect(await pyVerify(token, { ...HS256, AUTH_ISSUER: "https://id.example", AUTH_AUDIENCE: "api" })).toMatchObject({
        ok: true,
        claims: { sub: "user-2" },
      });
      expect(await pyVerify(token, { ...HS256, AUTH_ISSUER: "https://id.example" })).toEqual({ ok: false, reason: "InvalidAudienceError" });
      expect(await pyVerify(token, { ...HS256, AUTH_AUDIENCE: "api" })).toEqual({ ok: false, reason: "InvalidIssuerError" });
    });

    test("refuses a token of another secret (unknown kid), and our kid with another key", async () => {
      const other = new AuthSkill({ secret: randomBytes(32).toString("base64url") });
      expect(await pyVerify(await other.createAccessToken({ userId: "user-1" }), HS256)).toEqual({ ok: false, reason: "unknown kid" });
      const forged = await resign(valid, { alg: "HS256", typ: "at+jwt", kid: kidOf(SECRET) }, randomBytes(32));
      expect(await pyVerify(forged, HS256)).toEqual({ ok: false, reason: "InvalidSignatureError" });
    });

    test("refuses an expired token", async () => {
      const past = new AuthSkill({ secret: SECRET, now: () => new Date(Date.now() - hour) });
      expect(await pyVerify(await past.createAccessToken({ userId: "user-1" }), HS256)).toEqual({ ok: false, reason: "ExpiredSignatureError" });
    });

    test("refuses a token for another audience", async () => {
      const other = new AuthSkill({ secret: SECRET, accessToken: { audience: "another-service" } });
      expect(await pyVerify(await other.createAccessToken({ userId: "user-1" }), HS256)).toEqual({ ok: false, reason: "InvalidAudienceError" });
    });

    test("refuses a token from another issuer", async () => {
      const other = new AuthSkill({ secret: SECRET, accessToken: { issuer: "someone-else" } });
      expect(await pyVerify(await other.createAccessToken({ userId: "user-1" }), HS256)).toEqual({ ok: false, reason: "InvalidIssuerError" });
    });

    test('refuses a correctly signed token whose typ is "JWT" (or missing)', async () => {
      const typJwt = await resign(valid, { alg: "HS256", typ: "JWT" });
      expect(await pyVerify(typJwt, HS256)).toEqual({ ok: false, reason: "typ is not at+jwt" });
      expect(await pyVerify(await resign(valid, { alg: "HS256" }), HS256)).toEqual({ ok: false, reason: "typ is not at+jwt" });
      expect(await pyVerify(await resign(valid, { alg: "HS256", typ: "application/at+jwt" }), HS256)).toMatchObject({ ok: true });
    });

    test("refuses alg none", async () => {
      const none = await resign(valid, { alg: "none", typ: "at+jwt" });
      expect(await pyVerify(none, HS256)).toEqual({ ok: false, reason: "InvalidAlgorithmError" });
    });

    test("refuses an unknown critical header extension", async () => {
      const crit = await resign(valid, { alg: "HS256", typ: "at+jwt", crit: ["urn:example:x"], "urn:example:x": 1 }, KEY, { "urn:example:x": true });
      const out = await pyVerify(crit, HS256);
      // Debian's patched PyJWT (2.6.0-1+deb12u1) refuses it itself; verify.py's own check covers unpatched ones.
      expect(out.ok || out.reason).toMatch(/^(InvalidTokenError|unsupported crit)$/);
    });

    test("refuses a malformed token", async () => {
      expect(await pyVerify("not-a-jwt", HS256)).toEqual({ ok: false, reason: "DecodeError" });
    });
  });

  describe("HS256 secret rotation (AUTH_SECRETS, current first)", () => {
    const NEXT = randomBytes(32).toString("base64url");
    const ROTATED = { AUTH_SECRETS: `${NEXT}, ${SECRET}` };

    test("derives the key by HKDF and picks it by kid: tokens of the current and the previous secret verify", async () => {
      expect(decodeProtectedHeader(valid).kid).toBe(kidOf(SECRET));
      const rotated = new AuthSkill({ secrets: [NEXT, SECRET] });
      const fresh = await rotated.createAccessToken({ userId: "user-6" });
      expect(decodeProtectedHeader(fresh).kid).toBe(kidOf(NEXT));
      expect(await pyVerify(fresh, ROTATED)).toMatchObject({ ok: true, claims: { sub: "user-6" } });
      expect(await pyVerify(valid, ROTATED)).toMatchObject({ ok: true, claims: { sub: "user-1" } });
    });

    test("once the previous secret is dropped, its tokens are refused (unknown kid)", async () => {
      expect(await pyVerify(valid, { AUTH_SECRETS: NEXT })).toEqual({ ok: false, reason: "unknown kid" });
    });

    test("a token from before key ids (no kid, the raw secret as key) verifies with the FIRST secret only, as the library", async () => {
      const legacy = await resign(valid, { alg: "HS256", typ: "at+jwt" }); // signed with the raw bytes of SECRET
      expect(await pyVerify(legacy, HS256)).toMatchObject({ ok: true, claims: { sub: "user-1" } });
      expect(await auth.verifyAccessToken(legacy)).toMatchObject({ sub: "user-1" });
      expect(await pyVerify(legacy, ROTATED)).toEqual({ ok: false, reason: "InvalidSignatureError" });
      await expect(new AuthSkill({ secrets: [NEXT, SECRET] }).verifyAccessToken(legacy)).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    });
  });

  describe("EdDSA through the JWKS", () => {
    let current: JWK;
    let previous: JWK;
    let signer: AuthSkill;
    let dir: string;
    let jwksFile: string;
    let server: Server;
    let jwksUrl: string;

    beforeAll(async () => {
      current = await generateSigningKey("EdDSA");
      previous = await generateSigningKey("EdDSA");
      signer = new AuthSkill({ secret: SECRET, accessToken: { algorithm: "EdDSA", keys: [current, previous] } });
      const jwks = await signer.jwks();
      expect(jwks.keys.map((k) => k.kid)).toEqual([current.kid, previous.kid]);
      dir = mkdtempSync(join(tmpdir(), "auth-skill-fastapi-"));
      jwksFile = join(dir, "jwks.json");
      writeFileSync(jwksFile, JSON.stringify(jwks));
      server = createServer((req, res) => {
        if (req.url !== "/.well-known/jwks.json") return void res.writeHead(404).end();
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(jwks));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    });

    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve));
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test("accepts a token, with the key found by kid, from AUTH_JWKS_FILE", async () => {
      const token = await signer.createAccessToken({ userId: "user-3", sessionId: "session-3" });
      expect(await pyVerify(token, { AUTH_JWKS_FILE: jwksFile })).toMatchObject({ ok: true, claims: { sub: "user-3", sid: "session-3" } });
    });

    test("accepts a token from AUTH_JWKS_URL (PyJWKClient)", async () => {
      const token = await signer.createAccessToken({ userId: "user-4" });
      expect(await pyVerify(token, { AUTH_JWKS_URL: jwksUrl })).toMatchObject({ ok: true, claims: { sub: "user-4" } });
    });

    test("accepts a token signed by the second key of the JWKS (rotation)", async () => {
      const old = new AuthSkill({ secret: SECRET, accessToken: { algorithm: "EdDSA", keys: [previous] } });
      const token = await old.createAccessToken({ userId: "user-5" });
      expect(await pyVerify(token, { AUTH_JWKS_FILE: jwksFile })).toMatchObject({ ok: true, claims: { sub: "user-5" } });
      expect(await pyVerify(token, { AUTH_JWKS_URL: jwksUrl })).toMatchObject({ ok: true, claims: { sub: "user-5" } });
    });

    test("refuses a token whose kid is not in the JWKS", async () => {
      const stranger = new AuthSkill({ secret: SECRET, accessToken: { algorithm: "EdDSA", keys: [await generateSigningKey("EdDSA")] } });
      const token = await stranger.createAccessToken({ userId: "user-1" });
      expect(await pyVerify(token, { AUTH_JWKS_FILE: jwksFile })).toEqual({ ok: false, reason: "unknown kid" });
      expect(await pyVerify(token, { AUTH_JWKS_URL: jwksUrl })).toEqual({ ok: false, reason: "unknown kid" });
    });

    test("refuses an expired token", async () => {
      const past = new AuthSkill({ secret: SECRET, accessToken: { algorithm: "EdDSA", keys: [current] }, now: () => new Date(Date.now() - hour) });
      const token = await past.createAccessToken({ userId: "user-1" });
      expect(await pyVerify(token, { AUTH_JWKS_FILE: jwksFile })).toEqual({ ok: false, reason: "ExpiredSignatureError" });
    });

    test("refuses HS256 (alg confusion with a known kid) and alg none", async () => {
      const confused = await resign(valid, { alg: "HS256", typ: "at+jwt", kid: current.kid! });
      expect(await pyVerify(confused, { AUTH_JWKS_FILE: jwksFile })).toEqual({ ok: false, reason: "InvalidAlgorithmError" });
      const none = await resign(valid, { alg: "none", typ: "at+jwt", kid: current.kid! });
      expect(await pyVerify(none, { AUTH_JWKS_FILE: jwksFile })).toEqual({ ok: false, reason: "InvalidAlgorithmError" });
    });

    test("refuses an HS256 library token (its secret's kid is no JWKS key), and a token without kid", async () => {
      expect(await pyVerify(valid, { AUTH_JWKS_FILE: jwksFile })).toEqual({ ok: false, reason: "unknown kid" });
      const noKid = await resign(valid, { alg: "HS256", typ: "at+jwt" });
      expect(await pyVerify(noKid, { AUTH_JWKS_FILE: jwksFile })).toEqual({ ok: false, reason: "missing kid" });
    });
  });

  test("GET /me through FastAPI's TestClient: 200 for a signup token, 401 otherwise", async () => {
    const { user, sessionId, accessToken } = await auth.signup({ email: "ada@example.com", password: "correct horse battery staple" });
    const expired = await new AuthSkill({ secret: SECRET, now: () => new Date(Date.now() - hour) }).createAccessToken({ userId: user.id });
    const i = accessToken.length - 10; // inside the signature
    const tampered = accessToken.slice(0, i) + (accessToken[i] === "A" ? "B" : "A") + accessToken.slice(i + 1);
    const results = await pyJson(GET_ME_SCRIPT, [accessToken, expired, tampered, null], HS256);
    const invalid = { status: 401, body: { detail: "Invalid access token" }, challenge: 'Bearer error="invalid_token"' };
    expect(results).toEqual([
      { status: 200, body: { sub: user.id, sid: sessionId }, challenge: null },
      invalid,
      invalid,
      { status: 401, body: { detail: "Not authenticated" }, challenge: "Bearer" },
    ]);
  });
});
