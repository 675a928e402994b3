/**
 * The synchronous verifier (src/tokens/sync-jws.ts), the jose path and the verified-token
 * cache reach jose's verdict on every token. fast-check mutates minted tokens — header, payload, signature and
 * encoding, re-signed with our key or not — 10,000 in all across HS256, EdDSA, ES256 and RS256, and each one is
 * judged by:
 * - the reference: jose's `jwtVerify` with our rules (exact algorithm, iss, aud, typ at+jwt, exp/iat/sub/jti
 *   required, 5 s tolerance, the key by kid) plus the stricter rules we document on top of jose: one canonical
 *   base64url spelling, at most 8192 characters, finite dates, iat not in the future, sub a non-empty string,
 *   jti and sid strings;
 * - our verifier as configured (the synchronous path for our own headers), and forced onto its jose path;
 * - a long-lived cache, twice (the second time may be a hit), and a fresh cache.
 * All must give the same answer: the same claims, or the same error code.
 */
import { createHmac, createPrivateKey, sign, type KeyObject } from "node:crypto";
import fc from "fast-check";
import { errors, importJWK, jwtVerify, type CryptoKey, type JWTHeaderParameters } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { AuthError, generateSigningKey, type SigningAlgorithm } from "../../src/index.js";
import { isCanonicalBase64url } from "../../src/tokens/base64url.js";
import { signAccessToken, verifyAccessTokenJws, type AccessTokenSettings } from "../../src/tokens/access-token-jwt.js";
import { VerifiedTokenCache } from "../../src/tokens/verified-token-cache.js";
import { createKeyRing, type KeyRing } from "../../src/tokens/key-ring.js";
import { SECRET, T0 } from "./helpers.js";
import { FULL_RUN, scaled } from "../support/test-run.js";
import { hkdf, kidOf } from "./legacy.js";

const TOLERANCE = 5;
const TTL = 900;
/** Runs per algorithm: 10,000 in all; RS256 signs slowest, so it gets the fewest. */
const FULL_RUNS: Record<SigningAlgorithm, number> = { HS256: 4000, EdDSA: 2500, ES256: 2000, RS256: 1500 };
// The full 10,000 in `npm test`; a tenth (still ~1,000, every algorithm) in the quick unit run (npm run test:unit)
// and under mutation testing (npm run test:mutation), which runs this file once per covered mutant.
const SCALE = FULL_RUN ? 1 : 0.1;
const RUNS = Object.fromEntries(Object.entries(FULL_RUNS).map(([alg, n]) => [alg, scaled(n)])) as Record<SigningAlgorithm, number>;

interface Setup {
  alg: SigningAlgorithm;
  ring: KeyRing;
  joseRing: KeyRing; // the same keys without synchronous checks: every token takes our jose path
  sign: (input: string) => Buffer;
  referenceKey: (header: JWTHeaderParameters) => CryptoKey | Uint8Array;
  cache: VerifiedTokenCache; // lives across all runs of the algorithm
}

let nowMs = T0 * 1000;
const settings: AccessTokenSettings = {
  issuer: "auth-skill",
  audience: "auth-skill",
  ttlMs: TTL * 1000,
  clockToleranceMs: TOLERANCE * 1000,
  now: () => new Date(nowMs),
};
const setups = new Map<SigningAlgorithm, Setup>();

beforeAll(async () => {
  // HS256: the header's kid picks the key — our kid the derived key, no kid the raw secret (tokens from before
  // key ids), any other kid none; minted tokens carry our kid, and the mutations drop or change it.
  const derived = new Uint8Array(hkdf(SECRET, "auth-skill/access-token/hs256/v1"));
  const raw = new TextEncoder().encode(SECRET);
  const kid = kidOf(SECRET);
  const hsKeyOf = (headerKid: unknown) => (headerKid === undefined ? raw : derived);
  const headerKid = (input: string): unknown => {
    try {
      return (JSON.parse(Buffer.from(input.split(".")[0]!, "base64url").toString("utf8")) as { kid?: unknown }).kid;
    } catch {
      return kid;
    }
  };
  const hsRing = await createKeyRing("HS256", SECRET);
  setups.set("HS256", {
    alg: "HS256",
    ring: hsRing,
    joseRing: { ...hsRing, syncChecks: new Map() },
    sign: (input) =>
      createHmac("sha256", hsKeyOf(headerKid(input)))
        .update(input)
        .digest(),
    referenceKey: (header) => {
      if (header.kid !== undefined && header.kid !== kid) throw new Error("unknown kid");
      return hsKeyOf(header.kid);
    },
    cache: new VerifiedTokenCache(1000),
  });
  for (const alg of ["EdDSA", "ES256", "RS256"] as const) {
    const jwk = await generateSigningKey(alg, { kid: `k-${alg}` });
    const ring = await createKeyRing(alg, "", [jwk]);
    const privateKey: KeyObject = createPrivateKey({ key: jwk as Record<string, unknown> & { kty: string }, format: "jwk" });
    const publicKey = (await importJWK(ring.publicJwks[0]!, alg)) as CryptoKey;
    setups.set(alg, {
      alg,
      ring,
      joseRing: { ...ring, syncChecks: new Map() },
      sign: (input) =>
        alg === "EdDSA"
          ? sign(null, Buffer.from(input), privateKey)
          : alg === "ES256"
            ? sign("sha256", Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" })
            : sign("sha256", Buffer.from(input), privateKey),
      referenceKey: (header) => {
        if (header.kid !== jwk.kid) throw new Error("unknown kid");
        return publicKey;
      },
      cache: new VerifiedTokenCache(1000),
    });
  }
});

// ---- the reference ----------------------------------------------------------------------------------------

const isFiniteNumber = (v: unknown) => typeof v === "number" && Number.isFinite(v);
const datesFinite = (p: Record<string, unknown>) => ["exp", "iat", "nbf"].every((c) => p[c] === undefined || isFiniteNumber(p[c]));

async function reference(s: Setup, token: string): Promise<string> {
  if (token.length > 8192 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) return "TOKEN_INVALID";
  const [h, p, sig] = token.split(".") as [string, string, string];
  if (![h, p, sig].every((part) => isCanonicalBase64url(part))) return "TOKEN_INVALID";
  try {
    const { payload } = await jwtVerify(token, s.referenceKey, {
      algorithms: [s.alg],
      issuer: settings.issuer,
      audience: settings.audience,
      typ: "at+jwt",
      clockTolerance: TOLERANCE,
      requiredClaims: ["exp", "iat", "sub", "jti"],
      currentDate: new Date(nowMs),
    });
    const now = Math.floor(nowMs / 1000);
    const claims = payload as Record<string, unknown>;
    if (!datesFinite(claims) || (claims.iat as number) > now + TOLERANCE) return "TOKEN_INVALID";
    if (typeof claims.sub !== "string" || claims.sub === "" || typeof claims.jti !== "string") return "TOKEN_INVALID";
    if (claims.sid !== undefined && typeof claims.sid !== "string") return "TOKEN_INVALID";
    return `ok ${JSON.stringify(claims)}`;
  } catch (err) {
    if (err instanceof errors.JWTExpired) return datesFinite(err.payload as Record<string, unknown>) ? "TOKEN_EXPIRED" : "TOKEN_INVALID";
    return "TOKEN_INVALID";
  }
}

async function verdict(promise: Promise<object>): Promise<string> {
  try {
    return `ok ${JSON.stringify(await promise)}`;
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
}

// ---- mutations ----------------------------------------------------------------------------------------------

const b64u = (v: string | Buffer) => Buffer.from(v).toString("base64url");
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A claim value worth trying: the usual JSON values, plus dates around the edges of the clock. */
const claimValue = fc.oneof(
  fc.jsonValue({ maxDepth: 1 }),
  fc.constantFrom(
    T0,
    T0 + TTL,
    T0 - TOLERANCE,
    T0 + TOLERANCE,
    T0 + TOLERANCE + 1,
    T0 - TOLERANCE - 1,
    0,
    -1,
    1e300,
    T0 + 0.5,
    "auth-skill",
    ["auth-skill"],
    "",
    null,
  ),
  fc.integer({ min: T0 - 2000, max: T0 + 2000 }),
);
const CLAIMS = ["iss", "sub", "aud", "exp", "iat", "nbf", "jti", "sid", "__proto__", "x"];

type Mutation = (s: Setup, token: string) => string;

/** A segment's JSON object, or an empty one when an earlier mutation made it something else. */
function parseObject(segment: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString());
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const resign = (s: Setup, h: string, p: string) => `${h}.${p}.${b64u(s.sign(`${h}.${p}`))}`;

const headerMutation: fc.Arbitrary<Mutation> = fc
  .record({
    alg: fc.constantFrom<unknown>("keep", "HS256", "EdDSA", "ES256", "RS256", "none", "PS256", "hs256", undefined, 1),
    typ: fc.constantFrom<unknown>("keep", "at+jwt", "application/at+jwt", "AT+JWT", "JWT", undefined, ""),
    kid: fc.constantFrom<unknown>("keep", undefined, "other", "", 7),
    extra: fc.constantFrom<Record<string, unknown>>(
      {},
      { crit: ["x"] },
      { crit: ["b64"], b64: false },
      { jku: "http://127.0.0.1:1/k" },
      { jwk: { kty: "oct", k: "AA" } },
      { x: 1 },
      { crit: [] },
    ),
    reorder: fc.boolean(),
    resigned: fc.boolean(),
  })
  .map(({ alg, typ, kid, extra, reorder, resigned }) => (s: Setup, token: string) => {
    const [h, p, sig] = token.split(".") as [string, string, string];
    const header = parseObject(h);
    if (alg !== "keep") header.alg = alg;
    if (typ !== "keep") header.typ = typ;
    if (kid !== "keep") header.kid = kid;
    let next: Record<string, unknown> = { ...header, ...extra };
    if (reorder) next = Object.fromEntries(Object.entries(next).reverse());
    const h2 = b64u(JSON.stringify(next));
    return resigned ? resign(s, h2, p) : `${h2}.${p}.${sig}`;
  });

const payloadMutation: fc.Arbitrary<Mutation> = fc
  .record({
    edits: fc.array(fc.tuple(fc.constantFrom(...CLAIMS), fc.oneof(claimValue, fc.constant("delete"))), { minLength: 1, maxLength: 3 }),
    resigned: fc.boolean(),
  })
  .map(({ edits, resigned }) => (s: Setup, token: string) => {
    const [h, p, sig] = token.split(".") as [string, string, string];
    const claims = parseObject(p);
    for (const [name, value] of edits) {
      if (value === "delete") delete claims[name];
      else Object.defineProperty(claims, name, { value, enumerable: true, writable: true, configurable: true });
    }
    const p2 = b64u(JSON.stringify(claims));
    return resigned ? resign(s, h, p2) : `${h}.${p2}.${sig}`;
  });

/** Payload bytes that are not a claims object: invalid UTF-8, arrays, scalars, JSON with a BOM, huge exponents. */
const rawPayloadMutation: fc.Arbitrary<Mutation> = fc
  .oneof(
    fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
    fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? "null")),
    fc.constantFrom(
      Buffer.from('{"iss":"auth-skill","sub":"u","aud":"auth-skill","iat":1900000000,"exp":1e400,"jti":"j"}'),
      Buffer.from('{"iss":"auth-skill","sub":"u","aud":"auth-skill","iat":1900000000,"exp":-1e400,"jti":"j"}'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`{"iss":"auth-skill","sub":"u","aud":"auth-skill","iat":${T0},"exp":${T0 + 60},"jti":"j"}`)]),
      Buffer.from(`{"iss":"auth-skill","sub":"u\xff","aud":"auth-skill","iat":${T0},"exp":${T0 + 60},"jti":"j"}`, "latin1"),
      Buffer.from(`{"iss":"auth-skill","sub":"u","sub":"","aud":"auth-skill","iat":${T0},"exp":${T0 + 60},"jti":"j"}`),
    ),
  )
  .map((bytes) => (s: Setup, token: string) => resign(s, token.split(".")[0]!, b64u(bytes)));

const signatureMutation: fc.Arbitrary<Mutation> = fc
  .oneof(
    fc.nat().map((i) => (sig: Buffer) => {
      const copy = Buffer.from(sig);
      copy[i % copy.length] = copy[i % copy.length]! ^ (1 << (i % 8));
      return copy;
    }),
    fc.nat().map((n) => (sig: Buffer) => sig.subarray(0, n % sig.length)),
    fc.uint8Array({ minLength: 1, maxLength: 8 }).map((extra) => (sig: Buffer) => Buffer.concat([sig, extra])),
    fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => () => Buffer.from(bytes)),
    fc.constant(() => Buffer.alloc(0)),
    fc.constant((sig: Buffer) => Buffer.alloc(sig.length)),
  )
  .map((change) => (_s: Setup, token: string) => {
    const [h, p, sig] = token.split(".") as [string, string, string];
    return `${h}.${p}.${b64u(change(Buffer.from(sig, "base64url")))}`;
  });

const encodingMutation: fc.Arbitrary<Mutation> = fc.oneof(
  // the same bytes, spelled differently: stray bits in a segment's last character
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 15 })).map(([part, bits]) => (_s: Setup, token: string) => {
    const parts = token.split(".");
    const seg = parts[part]!;
    const rest = seg.length % 4;
    if (rest === 0) return `${token}=`;
    const unused = rest === 2 ? 0b1111 : 0b11;
    const last = ALPHABET.indexOf(seg.at(-1)!);
    parts[part] = `${seg.slice(0, -1)}${ALPHABET[(last & ~unused) | (bits & unused)]}`;
    return parts.join(".");
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...ALPHABET)).map(([i, c]) => (_s: Setup, token: string) => {
    const at = i % token.length;
    return `${token.slice(0, at)}${c}${token.slice(at + 1)}`;
  }),
  fc.tuple(fc.nat(), fc.constantFrom("=", " ", "+", "/", ".", "%", "\n", "==")).map(([i, c]) => (_s: Setup, token: string) => {
    const at = i % (token.length + 1);
    return `${token.slice(0, at)}${c}${token.slice(at)}`;
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 6 })).map(([i, n]) => (_s: Setup, token: string) => {
    const at = i % token.length;
    return `${token.slice(0, at)}${token.slice(at + n)}`;
  }),
  fc.constant((_s: Setup, token: string) => `${token}${"A".repeat(8200 - token.length)}`),
);

/** Leaves a token that no longer has three parts as it is (the next mutation has nothing to work on). */
const whole = (arb: fc.Arbitrary<Mutation>): fc.Arbitrary<Mutation> =>
  arb.map((m) => (s: Setup, token: string) => (token.split(".").length === 3 ? m(s, token) : token));

const mutation = fc.oneof(
  { arbitrary: fc.constant<Mutation>((_s, token) => token), weight: 1 },
  { arbitrary: whole(headerMutation), weight: 3 },
  { arbitrary: whole(payloadMutation), weight: 4 },
  { arbitrary: whole(rawPayloadMutation), weight: 1 },
  { arbitrary: whole(signatureMutation), weight: 2 },
  { arbitrary: whole(encodingMutation), weight: 3 },
);

const input = fc.record({
  sessionId: fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: undefined }),
  claims: fc.option(fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null)), { maxKeys: 3 }), {
    nil: undefined,
  }),
  ttl: fc.integer({ min: 1, max: TTL }),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 2 }),
  // when the token is judged, relative to its iat: around nbf/iat, around exp, or anywhere
  at: fc.oneof(
    fc.integer({ min: -TOLERANCE - 2, max: TOLERANCE + 2 }),
    fc.constantFrom("exp-2", "exp-1", "exp", "exp+1", "exp+2"),
    fc.integer({ min: -1000, max: 2000 }),
  ),
  ms: fc.integer({ min: 0, max: 999 }),
});

describe("the synchronous verifier and the cache reach jose's verdict on every mutated token", () => {
  for (const alg of ["HS256", "EdDSA", "ES256", "RS256"] as const) {
    it(`${alg}: ${RUNS[alg]} mutated tokens`, async () => {
      const s = setups.get(alg)!;
      const seen = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(input, async ({ sessionId, claims, ttl, mutations, at, ms }) => {
          nowMs = T0 * 1000;
          const { token: minted } = await signAccessToken(s.ring, settings, {
            userId: "user-1",
            ttlMs: ttl * 1000,
            ...(sessionId ? { sessionId } : {}),
            ...(claims ? { claims } : {}),
          });
          let token = minted;
          for (const m of mutations) token = m(s, token);
          const offset = typeof at === "number" ? at : ttl + TOLERANCE + Number(at.slice(3) || 0);
          nowMs = (T0 + offset) * 1000 + ms;
          const expected = await reference(s, token);
          // Every token is new to the long-lived cache (each mint has a fresh jti), so its first call is the
          // configured verifier itself (the synchronous path for our own headers); the second admits an accepted
          // token, and the third is then a cache hit.
          const outcomes: Record<string, string> = {
            josePath: await verdict(verifyAccessTokenJws(s.joseRing, settings, token)),
            cachedFirst: await verdict(s.cache.verify(token, settings, s.ring)),
            cachedSecond: await verdict(s.cache.verify(token, settings, s.ring)),
            freshInstance: await verdict(new VerifiedTokenCache(10).verify(token, settings, s.ring)),
          };
          if (expected.startsWith("ok")) outcomes.cacheHit = await verdict(s.cache.verify(token, settings, s.ring));
          for (const [path, got] of Object.entries(outcomes)) expect({ path, verdict: got }).toEqual({ path, verdict: expected });
          const kind = expected.startsWith("ok") ? "ok" : expected;
          seen.set(kind, (seen.get(kind) ?? 0) + 1);
        }),
        { numRuns: RUNS[alg] },
      );
      // the mix is worth running: every verdict occurs, none dominates (a check of the generator, made on the
      // full run only: a tenth of the tokens is too few to hold it to these proportions)
      if (SCALE !== 1) return;
      expect(seen.get("ok")).toBeGreaterThan(RUNS[alg] / 50);
      expect(seen.get("TOKEN_EXPIRED")).toBeGreaterThan(RUNS[alg] / 50);
      expect(seen.get("TOKEN_INVALID")).toBeGreaterThan(RUNS[alg] / 4);
    });
  }

  it("runs at least 10,000 tokens in all (1,000 in the unit and mutation runs)", () => {
    expect(Object.values(RUNS).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(SCALE === 1 ? 10_000 : 1_000);
  });
});
