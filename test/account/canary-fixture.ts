// The canary test's known values and its recorder: every call's result or thrown value goes to the outputs the
// scan reads, and every answer that is not the expected one is a problem the test lists.
import { createHmac, randomBytes } from "node:crypto";
import { AuthError, type AuthResult } from "../../src/index.js";
import { Canaries, renderError, type Output } from "./canary-kit.js";

export const SECRET = "canary-secret-R7uX2mQ9vT4kW8zB3nL6pY1cH5jD0fG";
export const PEPPER = "canary-pepper-N3bV8xC1mZ6qA9sD2fG5hJ7kL4pO0iU";
export const WEAK_SECRET = "canaryWEAKcanaryWEAKcanaryWEAKcanaryWEAK";
/** Passwords: distinctive, at most 72 bytes (bcrypt) but `long`, and `weak` too short for the policy. */
export const PW = {
  ada: "Vx7-quartz-Hollow-91-lantern",
  ada2: "Rk4-meadow-Cipher-58-falcon",
  ada3: "Tn2-harbor-Spruce-33-violet",
  bob: "Lm9-canyon-Ember-27-glacier",
  bob2: "Qe6-orchid-Basalt-64-comet",
  carol: "Jd5-prairie-Quill-80-saffron",
  dan: "Hs1-tundra-Mosaic-46-walnut",
  wrong: "Wz3-wrong-Pebble-15-thistle",
  unknown: "Uy8-nobody-Marble-42-cedar",
  extra: "Gp0-lagoon-Velvet-72-anchor",
  long: `Lg5-${"x7Yq".repeat(20)}`,
  weak: "Kq9!zZ",
};
/** 4,200 characters: over the password input cap. */
export const HUGE = randomBytes(2100).toString("hex");
/** A stored hash a caller hands `verifyPassword`, with absurd argon2 costs. */
export const GARBAGE_HASH = `$argon2id$v=19$m=4194304,t=1000,p=255$${randomBytes(16).toString("base64url")}$${randomBytes(32).toString("base64url")}`;
/** The private part of an Ed25519 JWK that cannot be imported (20 bytes, not 32). */
export const BROKEN_KEY = randomBytes(20).toString("base64url");
/** The shape of a mailed token, issued by nobody. */
export const UNKNOWN_TOKEN = randomBytes(32).toString("base64url");

/** Every event type of issue 10, and `roles.changed`: the run must see each. */
export const EVENT_TYPES = [
  "user.created",
  "signin.succeeded",
  "signin.failed",
  "session.refreshed",
  "session.revoked",
  "refresh.reused",
  "password.reset_requested",
  "password.reset",
  "password.changed",
  "email.verification_requested",
  "email.verified",
  "email.change_requested",
  "email.changed",
  "roles.changed",
  "user.deleted",
  "email.send_failed",
];

/** The instance a run configures. */
export interface Variant {
  pepper?: boolean;
  bcrypt?: boolean;
  requireEmailVerification?: boolean;
}

/** The values known before the run: passwords, secrets, the keys derived from the secret, peppered passwords. */
export function knownCanaries(pepper: boolean): Canaries {
  const canaries = new Canaries();
  for (const [name, value] of Object.entries(PW)) canaries.add(`password ${name}`, value);
  const fixed = {
    secret: SECRET,
    "pepper secret": PEPPER,
    "weak secret": WEAK_SECRET,
    "huge password": HUGE,
    "caller's hash": GARBAGE_HASH,
    "broken private key": BROKEN_KEY,
  };
  for (const [label, value] of Object.entries(fixed)) canaries.add(label, value);
  for (const purpose of ["refresh-token/hash", "refresh-token/tag", "refresh-token/seal", "single-use-token/hash"]) {
    const key = createHmac("sha256", SECRET).update(`auth-skill/${purpose}/v1`).digest("base64url");
    canaries.add(`key derived from the secret (${purpose})`, key);
  }
  if (pepper) {
    for (const [name, value] of Object.entries(PW)) {
      canaries.add(`peppered password ${name}`, createHmac("sha256", PEPPER).update(value).digest("base64url"));
    }
  }
  return canaries;
}

/**
 * `ok(label, fn)`: a call that must succeed; `fails(label, code, fn)`: one that must throw an `AuthError` of
 * `code` (or an error of that name, e.g. "TypeError"). Tokens in results become canaries; the rest of every
 * result, and every rendering of every thrown value, becomes an output.
 */
export function recorder(canaries: Canaries, outputs: Output[], problems: string[]) {
  const see = (label: string, result: unknown) => {
    const r = result as Partial<AuthResult> | null | undefined;
    if (typeof r?.refreshToken === "string") canaries.refreshToken(`refresh token (${label})`, r.refreshToken);
    if (typeof r?.accessToken === "string") canaries.accessToken(`access token (${label})`, r.accessToken);
    const text = JSON.stringify(result ?? null, (k, v: unknown) => (k === "accessToken" || k === "refreshToken" ? "<token>" : v));
    outputs.push({ where: `result of ${label}`, text });
  };
  const ok = async <T>(label: string, fn: () => T | Promise<T>): Promise<T> => {
    try {
      const result = await fn();
      see(label, result);
      return result;
    } catch (err) {
      outputs.push(...renderError(label, err));
      problems.push(`${label}: threw ${err instanceof AuthError ? err.code : String(err)}`);
      throw err;
    }
  };
  const fails = async (label: string, code: string, fn: () => unknown): Promise<AuthError | undefined> => {
    try {
      see(label, await fn());
      problems.push(`${label}: resolved, expected ${code}`);
      return undefined;
    } catch (err) {
      outputs.push(...renderError(label, err));
      const got = err instanceof AuthError ? err.code : err instanceof Error ? err.name : typeof err;
      if (got !== code) problems.push(`${label}: ${got}, expected ${code}`);
      return err instanceof AuthError ? err : undefined;
    }
  };
  return { ok, fails };
}
