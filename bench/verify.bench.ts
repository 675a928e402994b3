// Access-token verification, sequential: AuthSkill#verifyAccessToken vs bare jose.jwtVerify with a
// pre-imported key and the same checks. Cold = each of N distinct tokens once; hot = one token again and again.
import { hkdfSync } from "node:crypto";
import { importJWK, jwtVerify, type CryptoKey, type JWTVerifyOptions } from "jose";
import { AuthSkill, generateSigningKey, type AuthSkillOptions } from "../src/index.js";
import { SECRET, alternating, each, num, ratio, repeatFor, table, verdict } from "./lib.js";

const COLD_TOKENS = 5000;
const WARM_TOKENS = 2000;
const SLICE_TOKENS = 250; // cold: 20 slices per pass over the tokens
const COLD_PASSES = 3; // each pass uses a fresh AuthSkill, so its token cache starts empty
const HOT_SLICES = 50;
const HOT_SLICE_MS = 20;

interface Setup {
  alg: "HS256" | "EdDSA";
  options: AuthSkillOptions & { requireEmailVerification?: false | undefined; totp?: undefined };
  joseKey: CryptoKey;
}

async function setups(): Promise<Setup[]> {
  // the HS256 key the library derives from the secret (docs/tokens.md): HKDF-SHA256, empty salt
  const hs256Key = hkdfSync("sha256", SECRET, Buffer.alloc(0), "auth-skill/access-token/hs256/v1", 32);
  const hmac = await crypto.subtle.importKey("raw", hs256Key, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const ed = await generateSigningKey("EdDSA");
  const edOptions: AuthSkillOptions & { requireEmailVerification?: false | undefined; totp?: undefined } = {
    secret: SECRET,
    accessToken: { algorithm: "EdDSA", keys: [ed] },
  };
  const edPublic = (await new AuthSkill(edOptions).jwks()).keys[0]!;
  return [
    { alg: "HS256", options: { secret: SECRET }, joseKey: hmac },
    { alg: "EdDSA", options: edOptions, joseKey: (await importJWK(edPublic, "EdDSA")) as CryptoKey },
  ];
}

async function mint(auth: AuthSkill, n: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) tokens.push(await auth.createAccessToken({ userId: `user-${i}` }));
  return tokens;
}

export async function verifyBench(): Promise<string> {
  const rows: (string | number)[][] = [];
  for (const { alg, options, joseKey } of await setups()) {
    process.stderr.write(`verify ${alg}: minting ${WARM_TOKENS + COLD_TOKENS} tokens\n`);
    const minter = new AuthSkill(options);
    const [warmTokens, tokens] = [await mint(minter, WARM_TOKENS), await mint(minter, COLD_TOKENS)];
    const checks: JWTVerifyOptions = {
      algorithms: [alg],
      issuer: "auth-skill",
      audience: "auth-skill",
      typ: "at+jwt",
      clockTolerance: 5, // AuthSkill's default tolerance
      requiredClaims: ["exp", "iat", "sub", "jti"],
    };
    const jose = async (token: string) => {
      const { payload } = await jwtVerify(token, joseKey, checks);
      if (typeof payload.sub !== "string" || payload.sub === "") throw new Error("bad sub");
    };
    /** A verifier with an empty token cache whose key ring is already imported. */
    const freshAuth = async () => {
      const auth = new AuthSkill(options);
      await auth.verifyAccessToken(warmTokens[0]!);
      return auth;
    };

    // Warm-up: JIT both paths on tokens that are not measured.
    const warm = await freshAuth();
    await each(warmTokens, jose);
    await each(warmTokens, (t) => warm.verifyAccessToken(t));

    process.stderr.write(`verify ${alg}: cold and hot\n`);
    const perPass = COLD_TOKENS / SLICE_TOKENS;
    const verifiers = await Promise.all(Array.from({ length: COLD_PASSES }, freshAuth));
    const slice = (s: number) => tokens.slice((s % perPass) * SLICE_TOKENS, ((s % perPass) + 1) * SLICE_TOKENS);
    const cold = await alternating(perPass * COLD_PASSES, {
      jose: (s) => each(slice(s), jose),
      ours: (s) => each(slice(s), (t) => verifiers[Math.floor(s / perPass)]!.verifyAccessToken(t)),
    });
    const hotToken = tokens[0]!;
    const hotAuth = await freshAuth();
    await hotAuth.verifyAccessToken(hotToken);
    const hot = await alternating(HOT_SLICES, {
      jose: () => repeatFor(() => jose(hotToken), HOT_SLICE_MS),
      ours: () => repeatFor(() => hotAuth.verifyAccessToken(hotToken), HOT_SLICE_MS),
    });
    const c = cold.ours! / cold.jose!;
    const h = hot.ours! / hot.jose!;
    rows.push([alg, `cold (${COLD_TOKENS} distinct tokens)`, num(cold.jose!), num(cold.ours!), ratio(c), ">= 0.95x", verdict(c, 0.95)]);
    rows.push([alg, "hot (same token)", num(hot.jose!), num(hot.ours!), ratio(h), ">= 10x", verdict(h, 10)]);
  }
  return [
    "### Access-token verification, sequential",
    "",
    `Cold: ${COLD_PASSES} passes over ${COLD_TOKENS} distinct pre-minted tokens (each pass on a fresh AuthSkill, empty cache), in slices of ${SLICE_TOKENS} alternating with jose; hot: ${HOT_SLICES} alternating slices of ${HOT_SLICE_MS} ms on one token. Figures are medians over slices.`,
    "",
    table(["alg", "stream", "jose.jwtVerify ops/s", "AuthSkill#verifyAccessToken ops/s", "AuthSkill / jose", "target", "status"], rows),
  ].join("\n");
}
