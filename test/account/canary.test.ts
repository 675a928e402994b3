// The canary test (issue 10, security baseline "Secrets in output"): every public flow, on its success and failure
// paths, runs with known secret values; every event, thrown error, console line, stdout/stderr write, warning and
// mail field is then scanned for those values in every form an attacker could use (canary-kit.ts). A STORAGE_ERROR
// keeps the driver's error as `cause`: the driver's own text may appear there (and in what renders the cause) but
// never in the AuthError's message, JSON, String() or stack; the library's secrets may appear nowhere, cause included.
import { describe, expect, it } from "vitest";
import { AuthSkill, generateSigningKey, type AuthResult, type AuthSkillOptions, type PendingVerification } from "../../src/index.js";
import { captureWarnings, manualClock } from "../helpers.js";
import { Canaries, captureConsole, DRIVER_CANARY, drain, type MailMode, type Output, recordingMailer, recordingStorage } from "./canary-kit.js";
import {
  BROKEN_KEY,
  EVENT_TYPES,
  GARBAGE_HASH,
  HUGE,
  knownCanaries,
  PEPPER,
  PW,
  recorder,
  SECRET,
  UNKNOWN_TOKEN,
  type Variant,
  WEAK_SECRET,
} from "./canary-fixture.js";

const ctx = { ip: "203.0.113.7", userAgent: "canary-agent/1.0" };
const at = (name: string) => `${name}@canary.test`;
/** The token with its last four characters changed (its signature or tag no longer matches). */
const tamper = (token: string) => `${token.slice(0, -4)}${token.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
/** Runs every flow under `variant` and returns what leaked (empty when nothing did) with what was seen on the way. */
async function canaryRun(variant: Variant) {
  const canaries = knownCanaries(variant.pepper === true);
  const outputs: Output[] = [];
  const problems: string[] = [];
  const storageState = { failing: false };
  const mailState: MailMode = { mode: "deliver" };
  const clock = manualClock();
  const mail = recordingMailer(canaries, outputs, problems, mailState);
  let delivered = 0;
  const options: AuthSkillOptions & { totp?: undefined } = {
    secret: SECRET,
    storage: recordingStorage(canaries, storageState),
    now: clock.now,
    email: { send: mail.send },
    requireEmailVerification: variant.requireEmailVerification === true,
    rateLimit: { account: { max: 3, window: "15m" }, lockAfter: 5, emailAddress: { max: 4, window: "1h" } },
    refreshToken: { ttl: "2h", reuseInterval: "10s" },
    password: { ...(variant.bcrypt ? { hasher: "bcrypt", bcryptCost: 10 } : {}), ...(variant.pepper ? { pepper: [{ id: "k1", secret: PEPPER }] } : {}) },
    onEvent(event) {
      outputs.push({ where: `event ${event.type}`, text: JSON.stringify(event) });
      // a handler that throws, then one that rejects: neither may break a flow or print anything
      if (++delivered % 2 === 1) throw new Error("audit log is down");
      return Promise.reject(new Error("audit log is down"));
    },
  };
  const { ok, fails } = recorder(canaries, outputs, problems);
  const restore = captureConsole(outputs);
  try {
    const { warnings } = await captureWarnings(async () => {
      const auth = new AuthSkill(options);
      /** A signed-in new user, whether or not signup signs in (requireEmailVerification). */
      const newUser = async (email: string, password: string): Promise<AuthResult> => {
        const r: AuthResult | PendingVerification = await ok(`signup ${email}`, () => auth.signup({ email, password }, ctx));
        if ("accessToken" in r) return r;
        await fails("signin unverified", "EMAIL_NOT_VERIFIED", () => auth.signin({ email, password }, ctx));
        await fails("startSession unverified", "EMAIL_NOT_VERIFIED", () => auth.startSession(r.user.id, ctx));
        await ok("verifyEmail after signup", () => auth.verifyEmail({ token: mail.tokenFor(email, "email-verification") }));
        return ok(`signin ${email}`, () => auth.signin({ email, password }, ctx));
      };
      const signin = (email: string, password: string) => () => auth.signin({ email, password }, ctx);

      // signup and signin: right, wrong, unknown, rate limited, locked
      const ada = await newUser(at("ada"), PW.ada);
      const bob = await newUser(at("bob"), PW.bob);
      await fails("signup taken", "USER_EXISTS", () => auth.signup({ email: at("ada"), password: PW.extra }, ctx));
      await fails("signup invalid", "INVALID_INPUT", () => auth.signup({ email: `not an address ${SECRET}`, password: PW.extra }, ctx));
      await fails("signup weak", "WEAK_PASSWORD", () => auth.signup({ email: at("weak"), password: PW.weak }, ctx));
      await fails("signup long for bcrypt", variant.bcrypt ? "WEAK_PASSWORD" : "USER_EXISTS", () => auth.signup({ email: at("ada"), password: PW.long }, ctx));
      await fails("signin wrong", "INVALID_CREDENTIALS", signin(at("ada"), PW.wrong));
      await fails("signin unknown", "INVALID_CREDENTIALS", signin(at("nobody"), PW.unknown));
      for (let i = 0; i < 3; i++) await fails("signin bob wrong", "INVALID_CREDENTIALS", signin(at("bob"), PW.wrong));
      const limited = await fails("signin rate limited", "RATE_LIMITED", signin(at("bob"), PW.wrong));
      clock.advance(16 * 60_000);
      for (let i = 0; i < 2; i++) await fails("signin bob wrong again", "INVALID_CREDENTIALS", signin(at("bob"), PW.wrong));
      const locked = await fails("signin locked", "RATE_LIMITED", signin(at("bob"), PW.bob));
      if (limited?.retryAfter === undefined || locked?.retryAfter !== undefined) problems.push("limited/locked mixed up");

      // refresh: rotation, the duplicate within the interval, reuse, invalid, forged, revoked
      const next = await ok("signin ada", signin(at("ada"), PW.ada));
      const rotated = await ok("refresh", () => auth.refresh(next.refreshToken, ctx));
      await ok("refresh duplicate within interval", () => auth.refresh(next.refreshToken, ctx));
      clock.advance(11_000);
      await fails("refresh reused", "REFRESH_TOKEN_REUSED", () => auth.refresh(next.refreshToken, ctx));
      await fails("refresh after reuse", "TOKEN_REVOKED", () => auth.refresh(rotated.refreshToken, ctx));
      await fails("refresh garbage", "TOKEN_INVALID", () => auth.refresh(`garbage-${SECRET}`, ctx));
      await fails("refresh forged tag", "TOKEN_INVALID", () => auth.refresh(tamper(ada.refreshToken), ctx));

      // access tokens and revocation
      const s = await ok("signin ada for tokens", signin(at("ada"), PW.ada));
      await ok("verifyAccessToken", () => auth.verifyAccessToken(s.accessToken));
      await fails("verifyAccessToken bad", "TOKEN_INVALID", () => auth.verifyAccessToken(`not.a.${SECRET}`));
      await fails("verifyAccessToken tampered", "TOKEN_INVALID", () => auth.verifyAccessToken(tamper(s.accessToken)));
      await ok("revokeSession", () => auth.revokeSession(s.sessionId));
      await fails("verifyAccessToken revoked", "TOKEN_REVOKED", () => auth.verifyAccessToken(s.accessToken, { checkRevocation: true }));
      const started = await ok("startSession", () => auth.startSession(ada.user.id, ctx));
      await ok("revoke", () => auth.revoke(started.refreshToken));
      await ok("revoke unknown", () => auth.revoke(`${UNKNOWN_TOKEN}.${SECRET}`));
      await fails("startSession unknown", "INVALID_INPUT", () => auth.startSession("no-such-user", ctx));
      await ok("revokeAll", () => auth.revokeAll(ada.user.id));
      const late = await ok("startSession to expire", () => auth.startSession(ada.user.id, ctx));
      clock.advance(16 * 60_000);
      await fails("verifyAccessToken expired", "TOKEN_EXPIRED", () => auth.verifyAccessToken(late.accessToken));
      clock.advance(2 * 3_600_000);
      await fails("refresh expired", "TOKEN_EXPIRED", () => auth.refresh(late.refreshToken, ctx));

      // password reset: known, unknown, limited; weak, ok, used, malformed, unknown, expired; the lock lifted
      await ok("requestPasswordReset known", () => auth.requestPasswordReset({ email: at("ada") }, ctx));
      await ok("requestPasswordReset unknown", () => auth.requestPasswordReset({ email: at("nobody") }, ctx));
      for (let i = 0; i < 4; i++) await ok("requestPasswordReset flood", () => auth.requestPasswordReset({ email: at("flood") }, ctx));
      await fails("requestPasswordReset limited", "RATE_LIMITED", () => auth.requestPasswordReset({ email: at("flood") }, ctx));
      await ok("requestPasswordReset bob", () => auth.requestPasswordReset({ email: at("bob") }, ctx));
      await drain();
      const reset = mail.tokenFor(at("ada"), "password-reset");
      await fails("resetPassword weak", "WEAK_PASSWORD", () => auth.resetPassword({ token: reset, password: PW.weak }, ctx));
      await ok("resetPassword", () => auth.resetPassword({ token: reset, password: PW.ada2 }, ctx));
      await fails("resetPassword used", "TOKEN_INVALID", () => auth.resetPassword({ token: reset, password: PW.ada3 }, ctx));
      await fails("resetPassword malformed", "TOKEN_INVALID", () => auth.resetPassword({ token: `x${SECRET}`, password: PW.ada3 }, ctx));
      await fails("resetPassword unknown", "TOKEN_INVALID", () => auth.resetPassword({ token: UNKNOWN_TOKEN, password: PW.ada3 }, ctx));
      await ok("resetPassword bob", () => auth.resetPassword({ token: mail.tokenFor(at("bob"), "password-reset"), password: PW.bob2 }, ctx));
      await ok("signin bob unlocked", signin(at("bob"), PW.bob2));
      await ok("requestPasswordReset to expire", () => auth.requestPasswordReset({ email: at("ada") }, ctx));
      await drain();
      clock.advance(61 * 60_000);
      const stale = mail.tokenFor(at("ada"), "password-reset");
      await fails("resetPassword expired", "TOKEN_EXPIRED", () => auth.resetPassword({ token: stale, password: PW.ada3 }, ctx));

      // email verification, password change, email change
      const carol = await ok("signup carol", () => auth.signup({ email: at("carol"), password: PW.carol }, ctx));
      await ok("requestEmailVerification", () => auth.requestEmailVerification(carol.user.id));
      const verification = mail.tokenFor(at("carol"), "email-verification");
      await ok("verifyEmail", () => auth.verifyEmail({ token: verification }));
      await fails("verifyEmail used", "TOKEN_INVALID", () => auth.verifyEmail({ token: verification }));
      await fails("requestEmailVerification unknown", "INVALID_INPUT", () => auth.requestEmailVerification("no-such-user"));
      const kept = await ok("signin ada2", signin(at("ada"), PW.ada2));
      const change = { userId: ada.user.id, keepSessionId: kept.sessionId };
      await fails("changePassword wrong", "INVALID_CREDENTIALS", () => auth.changePassword({ ...change, currentPassword: PW.wrong, newPassword: PW.ada3 }));
      await fails("changePassword weak", "WEAK_PASSWORD", () => auth.changePassword({ ...change, currentPassword: PW.ada2, newPassword: PW.weak }));
      await ok("changePassword", () => auth.changePassword({ ...change, currentPassword: PW.ada2, newPassword: PW.ada3 }));
      const move = { userId: ada.user.id, newEmail: at("ada.new"), password: PW.ada3 };
      await fails("requestEmailChange wrong", "INVALID_CREDENTIALS", () => auth.requestEmailChange({ ...move, password: PW.wrong }));
      // a request to a taken address first: each request voids the one before, so the one confirmed comes last
      await ok("requestEmailChange taken", () => auth.requestEmailChange({ ...move, newEmail: at("bob") }));
      await ok("requestEmailChange", () => auth.requestEmailChange(move));
      await drain();
      const confirm = mail.tokenFor(at("ada.new"), "email-change");
      await ok("confirmEmailChange", () => auth.confirmEmailChange({ token: confirm }));
      await fails("confirmEmailChange used", "TOKEN_INVALID", () => auth.confirmEmailChange({ token: confirm }));

      // the server's own operations, the policy, the password primitives with huge and garbage input
      await ok("setRoles", () => auth.setRoles(ada.user.id, ["admin", "billing:read"]));
      await fails("setRoles invalid", "INVALID_INPUT", () => auth.setRoles(ada.user.id, [`bad ${PW.extra}`]));
      await ok("listSessions", () => auth.listSessions(ada.user.id));
      await ok("getUser", () => auth.getUser(ada.user.id));
      const refreshed = await ok("refresh kept session", () => auth.refresh(kept.refreshToken, ctx));
      await ok("checkPassword weak", () => auth.checkPassword(PW.weak));
      await ok("checkPassword strong", () => auth.checkPassword(PW.extra, { email: at("ada") }));
      await fails("checkPassword not a string", "TypeError", () => auth.checkPassword(12345678 as unknown as string));
      canaries.passwordHash("hashPassword result", await auth.hashPassword(PW.extra));
      await fails("hashPassword huge", "INVALID_INPUT", () => auth.hashPassword(HUGE));
      await fails("hashPassword lone surrogate", "INVALID_INPUT", () => auth.hashPassword(`\uD800${PW.extra}`));
      await ok("verifyPassword huge", () => auth.verifyPassword(HUGE, GARBAGE_HASH));
      await ok("verifyPassword absurd costs", () => auth.verifyPassword(PW.extra, GARBAGE_HASH));
      await ok("verifyPassword garbage", () => auth.verifyPassword(PW.extra, `garbage-${SECRET}`));
      await ok("needsRehash garbage", () => auth.needsRehash(GARBAGE_HASH));

      // email.send throwing and rejecting (each error quotes the token): email.send_failed, nothing printed
      const dan = await ok("signup dan", () => auth.signup({ email: at("dan"), password: PW.dan }, ctx));
      mailState.mode = "throw";
      await ok("requestEmailVerification, send throws", () => auth.requestEmailVerification(dan.user.id));
      mailState.mode = "reject";
      await ok("requestPasswordReset, send rejects", () => auth.requestPasswordReset({ email: at("dan") }, ctx));
      await drain();
      mailState.mode = "deliver";

      // a storage that fails like a driver: STORAGE_ERROR everywhere, its cause kept
      storageState.failing = true;
      await fails("signin, storage down", "STORAGE_ERROR", signin(at("ada.new"), PW.ada3));
      await fails("refresh, storage down", "STORAGE_ERROR", () => auth.refresh(refreshed.refreshToken, ctx));
      await fails("signup, storage down", "STORAGE_ERROR", () => auth.signup({ email: at("erin"), password: PW.extra }, ctx));
      await ok("requestPasswordReset, storage down", () => auth.requestPasswordReset({ email: at("ada.new") }, ctx));
      // well formed, with the current secret's key id, so that it reaches the storage
      const unknownLink = `${mail.tokenFor(at("dan"), "email-verification").split(".")[0]}.${UNKNOWN_TOKEN}`;
      await fails("resetPassword, storage down", "STORAGE_ERROR", () => auth.resetPassword({ token: unknownLink, password: PW.ada3 }, ctx));
      await fails("verifyAccessToken, storage down", "STORAGE_ERROR", () => auth.verifyAccessToken(refreshed.accessToken, { checkRevocation: true }));
      await fails("changePassword, storage down", "STORAGE_ERROR", () =>
        auth.changePassword({ userId: ada.user.id, currentPassword: PW.ada3, newPassword: PW.extra }),
      );
      await fails("listSessions, storage down", "STORAGE_ERROR", () => auth.listSessions(ada.user.id));
      await fails("deleteUser, storage down", "STORAGE_ERROR", () => auth.deleteUser(ada.user.id));
      await drain();
      storageState.failing = false;

      // deletion, and configurations refused for a weak secret
      await ok("deleteUser", () => auth.deleteUser(bob.user.id));
      await ok("deleteUser unknown", () => auth.deleteUser("no-such-user"));
      await ok("unlock", () => auth.unlock(ada.user.id));
      await fails("signin deleted", "INVALID_CREDENTIALS", signin(at("bob"), PW.bob2));
      await fails("weak secret", "CONFIG_ERROR", () => new AuthSkill({ secret: WEAK_SECRET }));
      await fails("weak pepper", "CONFIG_ERROR", () => new AuthSkill({ secret: SECRET, password: { pepper: [{ id: "k1", secret: WEAK_SECRET }] } }));

      // an asymmetric key: its private half in no JWKS and no error, a key that fails to import included
      const key = await generateSigningKey("EdDSA");
      canaries.add("private signing key", key.d!);
      const eddsa = new AuthSkill({ secret: SECRET, accessToken: { algorithm: "EdDSA", keys: [key] } });
      await ok("jwks", () => eddsa.jwks());
      const signed = await eddsa.createAccessToken({ userId: "u1" });
      canaries.accessToken("EdDSA access token", signed);
      await fails("EdDSA tampered", "TOKEN_INVALID", () => eddsa.verifyAccessToken(tamper(signed)));
      const broken = new AuthSkill({ secret: SECRET, accessToken: { algorithm: "EdDSA", keys: [{ ...key, d: BROKEN_KEY }] } });
      await fails("EdDSA key that fails to import", "CONFIG_ERROR", () => broken.createAccessToken({ userId: "u1" }));
      await drain();
    });
    for (const w of warnings) outputs.push({ where: `process warning (${w.type})`, text: w.message });
  } finally {
    restore();
  }
  const driver = new Canaries();
  driver.add("driver error text", DRIVER_CANARY);
  const leaks = [...canaries.scan(outputs), ...driver.scan(outputs, (_, o) => o.mayHoldCause === true)];
  return { leaks, problems, outputs, canaries, mail };
}

describe("canary: no password, token, hash or secret in any output", () => {
  for (const [name, variant] of [
    ["argon2id", {}],
    ["bcrypt, pepper, requireEmailVerification", { bcrypt: true, pepper: true, requireEmailVerification: true }],
  ] as const) {
    it(`every flow, success and failure paths (${name})`, async () => {
      const { leaks, problems, outputs, canaries, mail } = await canaryRun(variant);
      expect(problems).toEqual([]);
      expect(leaks).toEqual([]);
      // the run reached what it claims: every event type, every signin refusal, mail failures, the driver's cause
      const events = outputs.filter((o) => o.where.startsWith("event ")).map((o) => JSON.parse(o.text) as { type: string; reason?: string });
      expect(new Set(events.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
      const reasons = new Set(events.filter((e) => e.type === "signin.failed").map((e) => e.reason));
      expect([...reasons].sort()).toEqual(["invalid_credentials", "locked", "rate_limited", ...(variant.requireEmailVerification ? ["unverified"] : [])]);
      expect(events.filter((e) => e.type === "email.send_failed").length).toBeGreaterThanOrEqual(3);
      expect(outputs.some((o) => o.mayHoldCause && o.text.includes(DRIVER_CANARY))).toBe(true);
      expect(mail.inbox.some((m) => m.kind === "email-change" && m.token === null)).toBe(true);
      expect(canaries.size).toBeGreaterThan(5_000);
    });
  }
});
