// Access-token verification, sequential: AuthSkill#verifyAccessToken vs bare jose.jwtVerify (pre-imported
// key) and fast-jwt's createVerifier (the verifier behind @fastify/jwt; without and with its cache), all
// with the same checks, on every algorithm AuthSkill signs with. Cold = each of N distinct tokens once;
// hot = one token again and again.
import { createPublicKey, hkdfSync } from "node:crypto";
import { createVerifier } from "fast-jwt";
import { importJWK, jwtVerify, type CryptoKey, type JWK, type JWTVerifyOptions } from "jose";
import { AuthSkill, generateSigningKey, type AuthSkillOptions } from "../src/index.js";
import type { SigningAlgorithm } from "../src/tokens/algorithms.js";
import { chart } from "./chart.js";
import { SECRET, alternatingWithCpu, each, num, ratio, repeatFor, table } from "./lib.js";

const COLD_TOKENS = 5000;
const WARM_TOKENS = 2000;
const SLICE_TOKENS = 250; // cold: 20 slices per pass over the tokens
const COLD_PASSES = 3; // each pass uses a fresh AuthSkill, so its token cache starts empty
const HOT_SLICES = 50;
const HOT_SLICE_MS = 20;
const ALGORITHMS: SigningAlgorithm[] = ["HS256", "EdDSA", "ES256", "RS256"];
/** The aims against fast-jwt (cold: no cache; hot: its cache on), and the older ones against jose. */
const AIM = { cold: { fastJwt: 1.0, jose: 0.95 }, hot: { fastJwt: 2.0, jose: 10 } };

type Options = AuthSkillOptions & { requireEmailVerification?: false | undefined; totp?: undefined };

interface Setup {
  alg: SigningAlgorithm;
  options: Options;
  joseKey: CryptoKey;
  /** What fast-jwt gets: the HMAC key's bytes, or the public key as PEM. */
  fastJwtKey: Buffer | string;
}

async function setup(alg: SigningAlgorithm): Promise<Setup> {
  if (alg === "HS256") {
    // the HS256 key the library derives from the secret (docs/tokens.md): HKDF-SHA256, empty salt
    const key = Buffer.from(hkdfSync("sha256", SECRET, Buffer.alloc(0), "auth-skill/access-token/hs256/v1", 32));
    const joseKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    return { alg, options: { secret: SECRET }, joseKey, fastJwtKey: key };
  }
  const options: Options = { secret: SECRET, accessToken: { algorithm: alg, keys: [await generateSigningKey(alg)] } };
  const publicJwk = (await new AuthSkill(options).jwks()).keys[0]! as JWK;
  const pem = createPublicKey({ key: publicJwk as JWK & Record<string, unknown>, format: "jwk" }).export({ type: "spki", format: "pem" }) as string;
  return { alg, options, joseKey: (await importJWK(publicJwk, alg)) as CryptoKey, fastJwtKey: pem };
}

async function mint(auth: AuthSkill, n: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) tokens.push(await auth.createAccessToken({ userId: `user-${i}` }));
  return tokens;
}

/** Median ops/s and CPU µs per op. */
type Figure = { rate: number; cpuUs: number };

/** Per contender for one algorithm, cold and hot. */
interface Rates {
  cold: { jose: Figure; fastJwt: Figure; ours: Figure };
  hot: { jose: Figure; fastJwtCache: Figure; ours: Figure };
}

async function measure({ alg, options, joseKey, fastJwtKey }: Setup): Promise<Rates> {
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
  // fast-jwt with the same checks: allowed algorithm, iss, aud, typ, required claims, 5 s tolerance (in ms).
  const fastJwtOptions = {
    key: fastJwtKey,
    algorithms: [alg],
    allowedIss: "auth-skill",
    allowedAud: "auth-skill",
    checkTyp: "at+jwt",
    requiredClaims: ["exp", "iat", "sub", "jti"],
    clockTolerance: 5000,
  };
  const fastJwtVerifier = (cache: boolean) => {
    const verify = createVerifier({ ...fastJwtOptions, cache });
    return async (token: string) => {
      const payload = verify(token) as { sub?: unknown };
      if (typeof payload.sub !== "string" || payload.sub === "") throw new Error("bad sub");
    };
  };
  const fastJwt = fastJwtVerifier(false);
  /** A verifier with an empty token cache whose key ring is already imported. */
  const freshAuth = async () => {
    const auth = new AuthSkill(options);
    await auth.verifyAccessToken(warmTokens[0]!);
    return auth;
  };

  // Warm-up: JIT every path on tokens that are not measured.
  const warm = await freshAuth();
  await each(warmTokens, jose);
  await each(warmTokens, fastJwt);
  await each(warmTokens, (t) => warm.verifyAccessToken(t));

  process.stderr.write(`verify ${alg}: cold and hot\n`);
  const perPass = COLD_TOKENS / SLICE_TOKENS;
  const verifiers = await Promise.all(Array.from({ length: COLD_PASSES }, freshAuth));
  const slice = (s: number) => tokens.slice((s % perPass) * SLICE_TOKENS, ((s % perPass) + 1) * SLICE_TOKENS);
  const cold = await alternatingWithCpu(perPass * COLD_PASSES, {
    jose: (s) => each(slice(s), jose),
    fastJwt: (s) => each(slice(s), fastJwt),
    ours: (s) => each(slice(s), (t) => verifiers[Math.floor(s / perPass)]!.verifyAccessToken(t)),
  });
  const hotToken = tokens[0]!;
  const hotAuth = await freshAuth();
  const fastJwtCache = fastJwtVerifier(true);
  for (let i = 0; i < 2; i++) await Promise.all([hotAuth.verifyAccessToken(hotToken), fastJwtCache(hotToken)]); // ours admits on the 2nd sighting
  const hot = await alternatingWithCpu(HOT_SLICES, {
    jose: () => repeatFor(() => jose(hotToken), HOT_SLICE_MS),
    fastJwtCache: () => repeatFor(() => fastJwtCache(hotToken), HOT_SLICE_MS),
    ours: () => repeatFor(() => hotAuth.verifyAccessToken(hotToken), HOT_SLICE_MS),
  });
  return {
    cold: { jose: cold.jose!, fastJwt: cold.fastJwt!, ours: cold.ours! },
    hot: { jose: hot.jose!, fastJwtCache: hot.fastJwtCache!, ours: hot.ours! },
  };
}

/** How many times AuthSkill's figure beats `theirs`: by ops/s, and by CPU time per op. */
const vs = (ours: Figure, theirs: Figure) => ({ rate: ours.rate / theirs.rate, cpu: theirs.cpuUs / ours.cpuUs });

/** `met`, or which aim was missed; judged on CPU per verification (less swayed by other work than ops/s). */
function status(fastJwt: number, jose: number, aim: { fastJwt: number; jose: number }): string {
  const missed = [fastJwt < aim.fastJwt ? "fast-jwt" : "", jose < aim.jose ? "jose" : ""].filter(Boolean);
  return missed.length === 0 ? "met" : `**MISSED** (${missed.join(", ")})`;
}

const both = (r: { rate: number; cpu: number }) => `${ratio(r.rate)}, ${ratio(r.cpu)}`;

export async function verifyBench(): Promise<string> {
  const rows: (string | number)[][] = [];
  const all: [SigningAlgorithm, Rates][] = [];
  for (const alg of ALGORITHMS) {
    const r = await measure(await setup(alg));
    all.push([alg, r]);
    const { cold, hot } = AIM;
    const [cf, cj, hf, hj] = [vs(r.cold.ours, r.cold.fastJwt), vs(r.cold.ours, r.cold.jose), vs(r.hot.ours, r.hot.fastJwtCache), vs(r.hot.ours, r.hot.jose)];
    rows.push([
      alg,
      `cold (${COLD_TOKENS} distinct)`,
      num(r.cold.jose.rate),
      `${num(r.cold.fastJwt.rate)} (no cache)`,
      num(r.cold.ours.rate),
      r.cold.ours.cpuUs.toFixed(2),
    ]);
    rows[rows.length - 1]!.push(both(cf), both(cj), `>= ${cold.fastJwt.toFixed(1)}x fast-jwt, >= ${cold.jose}x jose`, status(cf.cpu, cj.cpu, cold));
    rows.push([alg, "hot (same token)", num(r.hot.jose.rate), `${num(r.hot.fastJwtCache.rate)} (cache)`, num(r.hot.ours.rate), r.hot.ours.cpuUs.toFixed(2)]);
    rows[rows.length - 1]!.push(both(hf), both(hj), `>= ${hot.fastJwt.toFixed(1)}x fast-jwt, >= ${hot.jose}x jose`, status(hf.cpu, hj.cpu, hot));
  }
  const perCpuSecond = (f: Figure) => 1e6 / f.cpuUs;
  const perSecond = (v: number) => `${num(v)}`;
  const coldChart = chart("verify-cold.svg", {
    title: `Access-token verification, cold (${COLD_TOKENS} distinct tokens)`,
    subtitle: "verifications per CPU second (1 / CPU time each), each algorithm on its own scale; higher is better; aim >= 1.0x",
    groups: all.map(([alg, r]) => ({
      label: alg,
      bars: [
        { label: "jose.jwtVerify", value: perCpuSecond(r.cold.jose) },
        { label: "fast-jwt (no cache)", value: perCpuSecond(r.cold.fastJwt) },
        {
          label: "AuthSkill#verifyAccessToken",
          value: perCpuSecond(r.cold.ours),
          tone: "ours" as const,
          note: `${ratio(vs(r.cold.ours, r.cold.fastJwt).cpu)} fast-jwt`,
        },
      ],
    })),
    format: perSecond,
    scalePerGroup: true,
  });
  const hotChart = chart("verify-hot.svg", {
    title: "Access-token verification, hot (the same token again)",
    subtitle: "verifications per CPU second (1 / CPU time each), each algorithm on its own scale; higher is better; aim >= 2x",
    groups: all.map(([alg, r]) => ({
      label: alg,
      bars: [
        { label: "jose.jwtVerify", value: perCpuSecond(r.hot.jose) },
        { label: "fast-jwt (cache: true)", value: perCpuSecond(r.hot.fastJwtCache) },
        {
          label: "AuthSkill#verifyAccessToken (its cache)",
          value: perCpuSecond(r.hot.ours),
          tone: "ours" as const,
          note: `${ratio(vs(r.hot.ours, r.hot.fastJwtCache).cpu)} fast-jwt`,
        },
      ],
    })),
    format: perSecond,
    scalePerGroup: true,
  });
  return [
    "### Access-token verification, sequential",
    "",
    `Cold: ${COLD_PASSES} passes over ${COLD_TOKENS} distinct pre-minted tokens (each pass on a fresh AuthSkill, empty cache), in slices of ${SLICE_TOKENS} alternating with jose and fast-jwt (no cache); hot: ${HOT_SLICES} alternating slices of ${HOT_SLICE_MS} ms on one token, fast-jwt with \`cache: true\`. Figures are medians over slices: ops/s by the wall clock, and CPU time per verification (the process's user + system time, all threads, so jose's WebCrypto pool work counts). Ratios are "AuthSkill better by" (ops/s ratio, then CPU ratio); the status is judged on the CPU ratio, which other work on a shared machine sways far less.`,
    "",
    table(
      [
        "alg",
        "stream",
        "jose.jwtVerify ops/s",
        "fast-jwt ops/s",
        "AuthSkill ops/s",
        "AuthSkill CPU µs/op",
        "vs fast-jwt (ops/s, CPU)",
        "vs jose (ops/s, CPU)",
        "target",
        "status",
      ],
      rows,
    ),
    "",
    coldChart,
    "",
    hotChart,
  ].join("\n");
}
