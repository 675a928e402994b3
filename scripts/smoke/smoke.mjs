// Smoke test of the BUILT package (dist/) under whichever runtime runs this file: Node, Bun or Deno.
// Plain JavaScript on purpose: no TypeScript loader, no test framework, only what a user's app would do.
// Uses the real @node-rs/argon2 and @node-rs/bcrypt addons. Throws (non-zero exit) on the first mismatch.
//
//   node scripts/smoke/smoke.mjs
//   bun scripts/smoke/smoke.mjs
//   deno run --allow-env --allow-read --allow-ffi --node-modules-dir=manual scripts/smoke/smoke.mjs   (see run.mjs)

import { AuthError, AuthSkill, argon2idHasher, bcryptHasher, memoryStorage } from "../../dist/index.js";

function runtime() {
  if (typeof globalThis.Deno !== "undefined") return `deno ${globalThis.Deno.version.deno}`;
  if (typeof globalThis.Bun !== "undefined") return `bun ${globalThis.Bun.version}`;
  return `node ${globalThis.process.versions.node}`;
}

function check(condition, step, detail = "") {
  if (!condition) throw new Error(`smoke: ${step} failed${detail ? `: ${detail}` : ""}`);
}

async function rejectsWith(code, step, fn) {
  try {
    await fn();
  } catch (err) {
    check(err instanceof AuthError, step, `expected AuthError ${code}, got ${err?.name}: ${err?.message}`);
    check(err.code === code, step, `expected code ${code}, got ${err.code}`);
    return;
  }
  check(false, step, `expected AuthError ${code}, but it resolved`);
}

const started = Date.now();
const auth = new AuthSkill({
  secret: "smoke-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
  storage: memoryStorage(),
});

// 1. Passwords, through the native argon2 addon.
const password = "correct horse battery staple";
const hash = await auth.hashPassword(password);
check(typeof hash === "string" && hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), "hashPassword", `unexpected hash format ${hash.slice(0, 32)}`);
check((await auth.verifyPassword(password, hash)) === true, "verifyPassword(right password)");
check((await auth.verifyPassword("correct horse battery stapler", hash)) === false, "verifyPassword(wrong password)");
check(auth.needsRehash(hash) === false, "needsRehash(fresh hash)");
// The hasher on its own, too (the addon directly, no AuthSkill orchestration).
const hasher = argon2idHasher();
check((await hasher.verify(password, await hasher.hash(password))) === true, "argon2idHasher round trip");
// bcrypt through its native addon: a hash of ours, and a foreign $2y$ one (PHP's password_hash, cost 10).
const bcrypt = bcryptHasher(10);
const bcryptHash = await bcrypt.hash(password);
check(bcryptHash.startsWith("$2b$10$"), "bcryptHasher hash", bcryptHash.slice(0, 7));
check((await auth.verifyPassword(password, bcryptHash)) === true, "verifyPassword(bcrypt, right password)");
check((await auth.verifyPassword("correct horse battery stapler", bcryptHash)) === false, "verifyPassword(bcrypt, wrong password)");
check((await auth.verifyPassword(password, `$2y$${bcryptHash.slice(4)}`)) === true, "verifyPassword($2y$ bcrypt)");

// 2. Signup and signin.
const email = "ada@example.com";
const signedUp = await auth.signup({ email, password, name: "Ada" });
check(signedUp.user.email === email, "signup user.email", signedUp.user.email);
check(typeof signedUp.user.id === "string" && signedUp.user.id.length > 0, "signup user.id");
check(!("passwordHash" in signedUp.user), "signup user has no passwordHash");
check(signedUp.tokenType === "Bearer", "signup tokenType");
await rejectsWith("USER_EXISTS", "signup twice", () => auth.signup({ email, password }));

const signedIn = await auth.signin({ email, password });
check(signedIn.user.id === signedUp.user.id, "signin user.id");
check(signedIn.sessionId !== signedUp.sessionId, "signin starts a new session");
await rejectsWith("INVALID_CREDENTIALS", "signin with a wrong password", () => auth.signin({ email, password: "not the password at all" }));

// 3. Access token.
const claims = await auth.verifyAccessToken(signedIn.accessToken);
check(claims.sub === signedUp.user.id, "verifyAccessToken sub", claims.sub);
check(claims.sid === signedIn.sessionId, "verifyAccessToken sid");
check(typeof claims.exp === "number" && claims.exp * 1000 > Date.now(), "verifyAccessToken exp");
await rejectsWith("TOKEN_INVALID", "verifyAccessToken(tampered)", () => auth.verifyAccessToken(`${signedIn.accessToken.slice(0, -2)}xx`));

// 4. Refresh once (rotation), then the old token is reuse.
const refreshed = await auth.refresh(signedIn.refreshToken);
check(refreshed.sessionId === signedIn.sessionId, "refresh keeps the session");
check(refreshed.refreshToken !== signedIn.refreshToken, "refresh rotates the refresh token");
check((await auth.verifyAccessToken(refreshed.accessToken)).sub === signedUp.user.id, "refreshed access token verifies");
await rejectsWith("REFRESH_TOKEN_REUSED", "refresh with the rotated token", () => auth.refresh(signedIn.refreshToken));

console.log(`smoke OK: ${runtime()} (hash, verify, signup, signin, access token, refresh) in ${Date.now() - started} ms`);
