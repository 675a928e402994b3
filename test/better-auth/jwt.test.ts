// JWTs both ways. The bridge verifies the real Better Auth jwt plugin's tokens (key from its jwks table
// or its /jwks URL), and AuthSkill signs access tokens with Better Auth's own key (decrypted from the jwks table
// like Better Auth does), which Better Auth's verifyJWT and its /jwks then accept.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { betterAuth } from "better-auth";
import { toNodeHandler } from "better-auth/node";
import { SignJWT, base64url, createLocalJWKSet, decodeProtectedHeader, generateKeyPair, jwtVerify, type JWK } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { AuthSkill } from "auth-skill";
import { betterAuthBridge } from "auth-skill/better-auth";
import { jwt } from "better-auth/plugins";
import { rejectsWith } from "../helpers.js";
import { BASE_URL, DIALECTS, ORIGIN, betterAuthOptions, betterAuthSignup, newSecret, stack, type Stack } from "./support.js";

const PASSWORD = "a long passphrase 42";

/** The jwt plugin's endpoints (absent from the statically inferred API of a plugin list chosen at runtime). */
interface JwtApi {
  verifyJWT(input: { body: { token: string; issuer?: string } }): Promise<{ payload: Record<string, unknown> | null }>;
}

async function tokenFor(s: Stack | { auth: Stack["auth"] }, cookie: string): Promise<string> {
  const res = await s.auth.handler(new Request(`${BASE_URL}/api/auth/token`, { headers: { cookie } }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function jwksOf(s: Stack): Promise<{ keys: JWK[] }> {
  const res = await s.auth.handler(new Request(`${BASE_URL}/api/auth/jwks`));
  return (await res.json()) as { keys: JWK[] };
}

const betterAuthVerify = async (s: Stack, token: string) => (await (s.auth.api as unknown as JwtApi).verifyJWT({ body: { token } })).payload;

describe.each(DIALECTS)("JWTs both ways (%s)", (dialect) => {
  let s: Stack;
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
    await s?.close();
  });

  it("verifies Better Auth's jwt-plugin tokens with the key from its jwks table", async () => {
    s = await stack(dialect);
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const token = await tokenFor(s, ada.cookie);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "EdDSA" });
    const claims = await s.bridge.verifyJWT(token);
    expect(claims).toMatchObject({ sub: ada.userId, email: "ada@example.com", iss: ORIGIN, aud: ORIGIN });
    expect(claims.exp! - claims.iat!).toBe(15 * 60);
  });

  it("verifies them with keys fetched from Better Auth's /jwks URL", async () => {
    s = await stack(dialect);
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const token = await tokenFor(s, ada.cookie);
    server = createServer(toNodeHandler(s.auth));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auth/jwks`;
    const remote = betterAuthBridge({ db: s.db, secret: s.secret, baseURL: BASE_URL, jwt: { jwksUrl: url } });
    expect((await remote.verifyJWT(token)).sub).toBe(ada.userId);
  });

  it("refuses tampered, expired, foreign-issuer, unknown-key and algorithm-confused tokens", async () => {
    s = await stack(dialect);
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const token = await tokenFor(s, ada.cookie);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
    const forged = base64url.encode(JSON.stringify({ ...claims, sub: "someone-else" }));
    await rejectsWith(s.bridge.verifyJWT(`${header}.${forged}.${signature}`), "TOKEN_INVALID");
    await rejectsWith(s.bridge.verifyJWT(`${header}.${payload}.${signature.slice(0, -4)}AAAA`), "TOKEN_INVALID");
    await rejectsWith(s.bridge.verifyJWT("not a jwt"), "TOKEN_INVALID");
    // expired: the same token, 16 minutes later
    const later = betterAuthBridge({ db: s.db, secret: s.secret, baseURL: BASE_URL, now: () => new Date(Date.now() + 16 * 60_000) });
    await rejectsWith(later.verifyJWT(token), "TOKEN_EXPIRED");
    // another issuer / audience
    await rejectsWith(betterAuthBridge({ db: s.db, secret: s.secret, baseURL: "https://other.example" }).verifyJWT(token), "TOKEN_INVALID");
    // a key of our own under an unknown kid, or under Better Auth's kid
    const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const kid = decodeProtectedHeader(token).kid!;
    for (const k of ["unknown-kid", kid]) {
      const fake = await new SignJWT({ sub: ada.userId })
        .setProtectedHeader({ alg: "EdDSA", kid: k })
        .setIssuer(ORIGIN)
        .setAudience(ORIGIN)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(privateKey);
      await rejectsWith(s.bridge.verifyJWT(fake), "TOKEN_INVALID");
    }
    // HS256 keyed with the public key's JSON (algorithm confusion), and alg "none"
    const row = await s.db.selectFrom("jwks").select("publicKey").where("id", "=", kid).executeTakeFirstOrThrow();
    const confused = await new SignJWT({ sub: ada.userId })
      .setProtectedHeader({ alg: "HS256", kid })
      .setIssuer(ORIGIN)
      .setAudience(ORIGIN)
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(String(row.publicKey)));
    await rejectsWith(s.bridge.verifyJWT(confused), "TOKEN_INVALID");
    const none = `${base64url.encode(JSON.stringify({ alg: "none", kid }))}.${payload}.`;
    await rejectsWith(s.bridge.verifyJWT(none), "TOKEN_INVALID");
    // a missing baseURL (and no jwt.issuer/audience) is a configuration mistake, not a pass
    await rejectsWith(betterAuthBridge({ db: s.db, secret: s.secret }).verifyJWT(token), "CONFIG_ERROR");
  });

  it("AuthSkill signs with Better Auth's current key: Better Auth's verifyJWT and its /jwks accept the tokens", async () => {
    s = await stack(dialect, { argon2: true });
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    await tokenFor(s, ada.cookie); // Better Auth mints its key lazily, on first use
    const keys = await s.bridge.signingKeys();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    expect(typeof keys[0]!.d).toBe("string");
    const a = new AuthSkill({
      secret: s.secret,
      storage: s.bridge.storage,
      rateLimit: false,
      accessToken: { algorithm: "EdDSA", keys, issuer: ORIGIN, audience: ORIGIN },
    });
    const result = await a.signin({ email: "ada@example.com", password: PASSWORD });
    expect(decodeProtectedHeader(result.accessToken).kid).toBe(decodeProtectedHeader(await tokenFor(s, ada.cookie)).kid);
    expect(await betterAuthVerify(s, result.accessToken)).toMatchObject({ sub: ada.userId, sid: result.sessionId, iss: ORIGIN, aud: ORIGIN });
    const { payload } = await jwtVerify(result.accessToken, createLocalJWKSet(await jwksOf(s)), { issuer: ORIGIN, audience: ORIGIN });
    expect(payload.sub).toBe(ada.userId);
    expect((await s.bridge.verifyJWT(result.accessToken)).sub).toBe(ada.userId);
    // Better Auth's own tokens are not AuthSkill access tokens (no typ at+jwt), even under the same key:
    await rejectsWith(a.verifyAccessToken(await tokenFor(s, ada.cookie)), "TOKEN_INVALID");
    await expect(a.verifyAccessToken(result.accessToken)).resolves.toMatchObject({ sub: ada.userId });
  });

  it("creates the first key when asked, the way Better Auth would, and Better Auth then signs with it", async () => {
    s = await stack(dialect);
    await rejectsWith(s.bridge.signingKeys(), "CONFIG_ERROR");
    const [key] = await s.bridge.signingKeys({ create: true });
    const stored = await s.db.selectFrom("jwks").selectAll().executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ id: key!.kid, alg: "EdDSA", crv: "Ed25519" });
    expect(JSON.parse(String(stored.privateKey))).toMatch(/^[0-9a-f]+$/); // encrypted, as Better Auth stores it
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    expect(decodeProtectedHeader(await tokenFor(s, ada.cookie)).kid).toBe(key!.kid);
    expect(await s.bridge.signingKeys({ create: true })).toHaveLength(1); // not twice
    // a bridge with the wrong secret cannot decrypt
    await rejectsWith(betterAuthBridge({ db: s.db, secret: newSecret() }).signingKeys(), "CONFIG_ERROR");
  });

  it("reads keys under Better Auth's secrets rotation ($ba$<version>$<hex>) and legacy keys of the old secret", async () => {
    s = await stack(dialect);
    // before the rotation: a key encrypted (bare hex) with the plain secret
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const oldKid = decodeProtectedHeader(await tokenFor(s, ada.cookie)).kid;
    // after: Better Auth runs with secrets [v2 (current), v1]; its new key is an envelope of version 2
    const current = newSecret();
    const rotated = betterAuth({
      ...betterAuthOptions({ dialect, db: s.db, close: async () => {} }, s.secret, {}),
      secrets: [
        { version: 2, value: current },
        { version: 1, value: s.secret },
      ],
    });
    // the old key expires (as with jwks.rotationInterval): Better Auth mints a new one on next use
    await s.db
      .updateTable("jwks")
      .set({ expiresAt: s.dialect === "sqlite" ? new Date(Date.now() - 1000).toISOString() : new Date(Date.now() - 1000) })
      .execute();
    const signin = await rotated.api.signInEmail({ body: { email: "ada@example.com", password: PASSWORD }, returnHeaders: true });
    const cookie = signin.headers
      .getSetCookie()
      .find((c) => c.startsWith("better-auth.session_token="))!
      .split(";")[0]!;
    const newToken = await tokenFor({ auth: rotated as Stack["auth"] }, cookie);
    const newKid = decodeProtectedHeader(newToken).kid;
    expect(newKid).not.toBe(oldKid);
    const envelope = await s.db.selectFrom("jwks").select("privateKey").where("id", "=", newKid!).executeTakeFirstOrThrow();
    expect(JSON.parse(String(envelope.privateKey))).toMatch(/^\$ba\$2\$[0-9a-f]+$/);

    const bridge = betterAuthBridge({
      db: s.db,
      secret: s.secret,
      secrets: [
        { version: 2, value: current },
        { version: 1, value: s.secret },
      ],
      baseURL: BASE_URL,
    });
    const keys = await bridge.signingKeys();
    expect(keys.map((k) => k.kid)).toEqual([newKid, oldKid]); // live first, then the expired one
    // cookies are signed with the current secret only: the bridge reads the rotated Better Auth's cookie
    expect((await bridge.getSession(new Headers({ cookie })))?.user.id).toBe(ada.userId);
    expect(await s.bridge.getSession(new Headers({ cookie }))).toBeNull();
    expect((await bridge.verifyJWT(newToken)).sub).toBe(ada.userId);
  });

  it("reads plain keys of a jwt plugin with disablePrivateKeyEncryption", async () => {
    s = await stack(dialect, { betterAuth: { plugins: [jwt({ jwks: { disablePrivateKeyEncryption: true } })] } });
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const token = await tokenFor(s, ada.cookie);
    const [key] = await s.bridge.signingKeys();
    expect(key!.kid).toBe(decodeProtectedHeader(token).kid);
    const row = await s.db.selectFrom("jwks").select(["publicKey", "privateKey"]).executeTakeFirstOrThrow();
    expect(JSON.parse(String(row.privateKey))).toMatchObject({ kty: "OKP", d: key!.d });
    expect(key!.x).toBe((JSON.parse(String(row.publicKey)) as JWK).x);
  });
});
