import { describe, expect, it, vi } from "vitest";
import type { EmailKind } from "../account/events.js";
import type { EmailMessage } from "../account/mail.js";
import type { AuthSkill } from "../auth-skill.js";
import type { AuthError } from "../errors.js";
import { randomId } from "../ids.js";
import type { AuthSkillOptions } from "../option-types.js";
import type { StorageCapability } from "./capabilities.js";
import { T0 } from "./fixtures.js";

/** What the account-flow part of the conformance suite needs from {@link runStorageConformance}. */
export interface FlowsConformanceContext {
  /** An `AuthSkill` on the current test's storage, with `extra` options. */
  auth: (extra?: AuthSkillOptions & { requireEmailVerification?: false | undefined; totp?: undefined }) => AuthSkill;
  /** Concurrent calls per race test. */
  n: number;
  itIf: (capability: StorageCapability) => typeof it | typeof it.skip;
}

const PASSWORD = "conformance passphrase 42";
const NEW_PASSWORD = "another conformance passphrase 7";
const freshEmail = (tag: string) => `${tag}-${randomId(8).toLowerCase()}@example.com`;

/** An instance on the adapter with its own clock and an in-memory outbox; messages arrive after the flows resolve. */
export function rig(auth: FlowsConformanceContext["auth"], extra: Pick<AuthSkillOptions, "rateLimit"> = {}) {
  let clock = T0.getTime();
  const messages: EmailMessage[] = [];
  const instance = auth({ ...extra, now: () => new Date(clock), email: { send: (m) => void messages.push(m) } });
  const newest = (kind: EmailKind, to: string) => messages.filter((m) => m.kind === kind && m.to === to && m.token !== null).at(-1)?.token;
  return {
    auth: instance,
    messages,
    advance: (ms: number) => {
      clock += ms;
    },
    /** The token of the newest `kind` message to `to` (other than `not`), once it has arrived. */
    token: (kind: EmailKind, to: string, not?: string) =>
      vi.waitFor(
        () => {
          const token = newest(kind, to);
          if (!token || token === not) throw new Error(`no new ${kind} message to ${to} yet`);
          return token;
        },
        { timeout: 10_000, interval: 5 },
      ),
  };
}

/** Of settled calls: how many resolved, and the codes of the rejections. */
export function outcomes(results: PromiseSettledResult<unknown>[]) {
  return {
    wins: results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : [])),
    codes: [...new Set(results.flatMap((r) => (r.status === "rejected" ? [(r.reason as AuthError).code] : [])))],
  };
}

/**
 * The account flows end to end on the adapter under test (reset, verification, email change, sessions,
 * deletion, roles) and their races: of `n` concurrent uses of one mailed token exactly one succeeds.
 * Registered by `runStorageConformance`.
 */
export function flowsConformance({ auth, n, itIf }: FlowsConformanceContext): void {
  describe("account flows through AuthSkill", () => {
    itIf("verifications")("resets a password: the weak one refused, the token single-use, every session ended, a new link voiding the old", async () => {
      const r = rig(auth);
      const email = freshEmail("reset");
      const first = await r.auth.signup({ email, password: PASSWORD });
      await r.auth.requestPasswordReset({ email });
      const voided = await r.token("password-reset", email);
      r.advance(1_000);
      await r.auth.requestPasswordReset({ email });
      const token = await r.token("password-reset", email, voided);
      await expect(r.auth.resetPassword({ token: voided, password: NEW_PASSWORD })).rejects.toMatchObject({ code: "TOKEN_INVALID" });
      await expect(r.auth.resetPassword({ token, password: "password" })).rejects.toMatchObject({ code: "WEAK_PASSWORD" });
      expect(await r.auth.resetPassword({ token, password: NEW_PASSWORD })).toEqual({ user: expect.objectContaining({ id: first.user.id }) });
      await expect(r.auth.resetPassword({ token, password: NEW_PASSWORD })).rejects.toMatchObject({ code: "TOKEN_INVALID" });
      await expect(r.auth.refresh(first.refreshToken)).rejects.toMatchObject({ code: "TOKEN_REVOKED" });
      await expect(r.auth.signin({ email, password: PASSWORD })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
      await expect(r.auth.signin({ email, password: NEW_PASSWORD })).resolves.toMatchObject({ user: { id: first.user.id } });
    });

    itIf("verifications")("verifies an email once", async () => {
      const r = rig(auth);
      const email = freshEmail("verify");
      const { user } = await r.auth.signup({ email, password: PASSWORD });
      await r.auth.requestEmailVerification(user.id);
      const token = await r.token("email-verification", email);
      expect((await r.auth.verifyEmail({ token })).user).toMatchObject({ id: user.id, emailVerified: true });
      expect(await r.auth.getUser(user.id)).toMatchObject({ emailVerified: true });
      await expect(r.auth.verifyEmail({ token })).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    });

    itIf("verifications")("changes an email on confirmation, tells the old address, and voids the old address's tokens", async () => {
      const r = rig(auth);
      const [email, next] = [freshEmail("old"), freshEmail("new")];
      const { user } = await r.auth.signup({ email, password: PASSWORD });
      await r.auth.requestEmailVerification(user.id);
      const stale = await r.token("email-verification", email);
      await r.auth.requestEmailChange({ userId: user.id, newEmail: next, password: PASSWORD });
      const token = await r.token("email-change", next);
      expect((await r.auth.confirmEmailChange({ token })).user).toMatchObject({ email: next, emailVerified: true });
      expect(await r.auth.getUser(user.id)).toMatchObject({ email: next, emailVerified: true });
      await vi.waitFor(() => expect(r.messages).toContainEqual(expect.objectContaining({ kind: "email-change", to: email, token: null })));
      await expect(r.auth.verifyEmail({ token: stale })).rejects.toMatchObject({ code: "TOKEN_INVALID" });
      await expect(r.auth.signin({ email: next, password: PASSWORD })).resolves.toMatchObject({ user: { id: user.id } });
      await expect(r.auth.signin({ email, password: PASSWORD })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    });

    it("lists live sessions newest first with their ip and user agent", async () => {
      const r = rig(auth);
      const email = freshEmail("list");
      const first = await r.auth.signup({ email, password: PASSWORD }, { ip: "203.0.113.7", userAgent: "Firefox" });
      r.advance(60_000);
      const second = await r.auth.signin({ email, password: PASSWORD }, { ip: "2001:db8::1", userAgent: "Safari" });
      r.advance(60_000);
      const third = await r.auth.signin({ email, password: PASSWORD });
      await r.auth.revoke(third.refreshToken);
      const sessions = await r.auth.listSessions(first.user.id);
      expect(sessions.map((s) => [s.id, s.ip, s.userAgent])).toEqual([
        [second.sessionId, "2001:db8::1", "Safari"],
        [first.sessionId, "203.0.113.7", "Firefox"],
      ]);
    });

    it("deletes a user: sessions and pending tokens gone, the email free again", async () => {
      const r = rig(auth);
      const email = freshEmail("delete");
      const first = await r.auth.signup({ email, password: PASSWORD });
      await r.auth.requestPasswordReset({ email });
      const token = await r.token("password-reset", email);
      await r.auth.deleteUser(first.user.id);
      expect(await r.auth.getUser(first.user.id)).toBeNull();
      expect(await r.auth.listSessions(first.user.id)).toEqual([]);
      await expect(r.auth.refresh(first.refreshToken)).rejects.toMatchObject({ code: "TOKEN_INVALID" });
      await expect(r.auth.resetPassword({ token, password: NEW_PASSWORD })).rejects.toMatchObject({ code: "TOKEN_INVALID" });
      await expect(r.auth.deleteUser(first.user.id)).resolves.toBeUndefined();
      await expect(r.auth.signup({ email, password: PASSWORD })).resolves.toMatchObject({ user: { email } });
    });

    itIf("roles")("puts roles into the tokens of the next refresh", async () => {
      const r = rig(auth);
      const first = await r.auth.signup({ email: freshEmail("roles"), password: PASSWORD });
      await r.auth.setRoles(first.user.id, ["admin", "support"]);
      const next = await r.auth.refresh(first.refreshToken);
      expect((await r.auth.verifyAccessToken(next.accessToken)).roles).toEqual(["admin", "support"]);
    });

    itIf("verifications")(`of ${n} concurrent resets with one token exactly one wins, and its password is the one set`, async () => {
      const r = rig(auth);
      const email = freshEmail("race-reset");
      await r.auth.signup({ email, password: PASSWORD });
      await r.auth.requestPasswordReset({ email });
      const token = await r.token("password-reset", email);
      const { wins, codes } = outcomes(
        await Promise.allSettled(Array.from({ length: n }, (_, i) => r.auth.resetPassword({ token, password: `${NEW_PASSWORD} ${i}` }))),
      );
      expect([wins.length, codes]).toEqual([1, ["TOKEN_INVALID"]]);
      await expect(r.auth.signin({ email, password: `${NEW_PASSWORD} ${wins[0]}` })).resolves.toBeDefined();
    });

    itIf("verifications")(`of ${n} concurrent verifications with one token exactly one wins`, async () => {
      const r = rig(auth);
      const email = freshEmail("race-verify");
      const { user } = await r.auth.signup({ email, password: PASSWORD });
      await r.auth.requestEmailVerification(user.id);
      const token = await r.token("email-verification", email);
      const { wins, codes } = outcomes(await Promise.allSettled(Array.from({ length: n }, () => r.auth.verifyEmail({ token }))));
      expect([wins.length, codes]).toEqual([1, ["TOKEN_INVALID"]]);
    });

    itIf("verifications")(`of ${n} concurrent email-change confirmations exactly one wins, and one notice is sent`, async () => {
      const r = rig(auth);
      const [email, next] = [freshEmail("race-old"), freshEmail("race-new")];
      const { user } = await r.auth.signup({ email, password: PASSWORD });
      await r.auth.requestEmailChange({ userId: user.id, newEmail: next, password: PASSWORD });
      const token = await r.token("email-change", next);
      const { wins, codes } = outcomes(await Promise.allSettled(Array.from({ length: n }, () => r.auth.confirmEmailChange({ token }))));
      expect([wins.length, codes]).toEqual([1, ["TOKEN_INVALID"]]);
      expect(await r.auth.getUser(user.id)).toMatchObject({ email: next });
      expect(r.messages.filter((m) => m.to === email && m.token === null)).toHaveLength(1);
    });
  });
}
