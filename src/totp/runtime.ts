/**
 * The TOTP module's runtime: enrolment (a pending secret that a code confirms), codes checked ±1 step with each time
 * step accepted once per user (the storage's compare-and-set), recovery codes, and removal.
 */
import { randomBytes } from "node:crypto";
import { generateURI, ScureBase32Plugin, verify } from "otplib";
import { AuthError, storageCall } from "../errors.js";
import type { SecondFactorHost } from "../second-factor/host.js";
import type { TotpApi, TotpRuntime } from "../second-factor/types.js";
import { newRecoveryCodes, normaliseRecoveryCode } from "./recovery-codes.js";

/** The module's settings, checked by `totp()`. */
export interface TotpSettings {
  issuer: string;
  recoveryCodes: number;
}

const base32 = new ScureBase32Plugin();
const CODE = /^\d{6}$/;
/** Bytes of a new secret: 160 bits, RFC 4226's recommendation (and what authenticator apps expect). */
const SECRET_BYTES = 20;

const invalidCode = () => new AuthError("INVALID_CREDENTIALS", "The code is not valid.", { field: "code" });
const noUser = () => new AuthError("INVALID_INPUT", "There is no user with this id.", { field: "userId" });

function checkUserId(userId: unknown, method: string): asserts userId is string {
  if (typeof userId !== "string" || userId === "" || userId.length > 255) throw new TypeError(`auth.totp.${method}: userId must be a non-empty string`);
}

/**
 * The time step `code` matches for `secret` at `now` (±1 step), later than `afterStep`; `null` when it matches none.
 * Never throws: otplib's errors (a malformed code, a clock that moved back past `afterStep`) are a wrong code.
 */
async function matchStep(secret: Uint8Array, code: unknown, now: Date, afterStep: number | null): Promise<number | null> {
  if (typeof code !== "string") return null;
  const token = code.replace(/\s/g, "");
  if (!CODE.test(token)) return null;
  try {
    const epoch = Math.floor(now.getTime() / 1000);
    const r = await verify({ secret, token, epochTolerance: 30, epoch, ...(afterStep !== null ? { afterTimeStep: afterStep } : {}) });
    return r.valid && "timeStep" in r && Number.isSafeInteger(r.timeStep) ? r.timeStep : null;
  } catch {
    return null;
  }
}

/** The one proof `disable` was given (own string properties only), or `INVALID_INPUT`. */
function proofOf(proof: unknown): { code?: string; recoveryCode?: string; password?: string } {
  const refuse = () => new AuthError("INVALID_INPUT", "A code, a recovery code or the password is required.", { field: "code" });
  if (typeof proof !== "object" || proof === null) throw refuse();
  const given = (["code", "recoveryCode", "password"] as const).filter((k) => Object.hasOwn(proof, k) && (proof as Record<string, unknown>)[k] !== undefined);
  const key = given[0];
  if (given.length !== 1 || key === undefined) throw refuse();
  const value = (proof as Record<string, unknown>)[key];
  if (typeof value !== "string" || value.length === 0 || value.length > 4096) throw refuse();
  return { [key]: value };
}

/**
 * Builds the runtime over the host (see `totp()` in index.ts).
 *
 * @example
 * ```ts
 * const runtime = totpRuntime(host, { issuer: "Example", recoveryCodes: 10 });
 * ```
 */
export function totpRuntime(host: SecondFactorHost, settings: TotpSettings): TotpRuntime {
  const { parts: p, factors, codec } = host;
  const emit = p.account.emit;

  /** Keys the storage keeps for a set of new codes. */
  const keysOf = (codes: string[]) => codes.map((c) => codec.recoveryCodeKeys(normaliseRecoveryCode(c) ?? c)[0]!);

  async function verifyCode(userId: string, code: string): Promise<boolean> {
    const record = await storageCall(() => factors.findTotp(userId));
    const secret = record?.secret ? codec.open(record.secret) : null;
    if (!record || !secret) return false;
    const step = await matchStep(secret, code, p.now(), record.lastStep);
    return step !== null && (await storageCall(() => factors.acceptTotpStep(userId, step)));
  }

  async function takeRecoveryCode(userId: string, typed: string): Promise<boolean> {
    if (typeof typed !== "string" || typed.length > 64) return false;
    for (const key of codec.recoveryCodeKeys(normaliseRecoveryCode(typed) ?? typed.trim())) {
      if (await storageCall(() => factors.consumeRecoveryCode(userId, key))) return true;
    }
    return false;
  }

  /** One attempt of the account's signin budget (a guess at a code is a guess), refunded on success. */
  async function guarded<T>(userId: string, check: () => Promise<T | null>): Promise<T> {
    const attempt = await p.limiter?.reserveSignin(`user:${userId}`, null, p.now());
    const result = await check();
    if (result === null) throw invalidCode();
    if (attempt) await p.limiter?.succeeded(attempt);
    return result;
  }

  const api: TotpApi = {
    async enroll(userId) {
      checkUserId(userId, "enroll");
      const user = await storageCall(() => p.storage.findUserById(userId));
      if (!user) throw noUser();
      const secret = new Uint8Array(randomBytes(SECRET_BYTES));
      if (!(await storageCall(() => factors.setPendingTotp(userId, codec.seal(secret), p.now())))) throw noUser();
      const encoded = base32.encode(secret, { padding: false });
      const uri = generateURI({ issuer: settings.issuer, label: user.email, secret: encoded, algorithm: "sha1", digits: 6, period: 30 });
      return { secret: encoded, uri };
    },
    async confirm(userId, code) {
      checkUserId(userId, "confirm");
      const codes = newRecoveryCodes(settings.recoveryCodes);
      await guarded(userId, async () => {
        const record = await storageCall(() => factors.findTotp(userId));
        const secret = record?.pendingSecret ? codec.open(record.pendingSecret) : null;
        if (!record?.pendingSecret || !secret) return null;
        const step = await matchStep(secret, code, p.now(), null);
        if (step === null) return null;
        const input = { userId, pendingSecret: record.pendingSecret, step, recoveryCodes: keysOf(codes), now: p.now() };
        return (await storageCall(() => factors.activateTotp(input))) || null;
      });
      emit({ type: "second_factor.changed", userId, factor: "totp", change: "enabled", at: p.now() });
      return { recoveryCodes: codes };
    },
    async disable(userId, proof) {
      checkUserId(userId, "disable");
      // the proof's shape is checked before anything is counted: a malformed request spends no attempt
      const { code, recoveryCode, password } = proofOf(proof);
      await guarded(userId, async () => {
        if (code !== undefined) return (await verifyCode(userId, code)) || null;
        if (recoveryCode !== undefined) return (await takeRecoveryCode(userId, recoveryCode)) || null;
        const user = await storageCall(() => p.storage.findUserById(userId));
        return (user?.passwordHash && (await p.passwords.verify(password ?? "", user.passwordHash))) || null;
      });
      if (await storageCall(() => factors.deleteTotp(userId))) emit({ type: "second_factor.changed", userId, factor: "totp", change: "disabled", at: p.now() });
    },
    async regenerateRecoveryCodes(userId) {
      checkUserId(userId, "regenerateRecoveryCodes");
      const codes = newRecoveryCodes(settings.recoveryCodes);
      if (!(await storageCall(() => factors.replaceRecoveryCodes(userId, keysOf(codes), p.now()))))
        throw new AuthError("INVALID_INPUT", "This account has no authenticator app.", { field: "userId" });
      emit({ type: "second_factor.changed", userId, factor: "recovery-code", change: "regenerated", at: p.now() });
      return { recoveryCodes: codes };
    },
    async status(userId) {
      checkUserId(userId, "status");
      const record = await storageCall(() => factors.findTotp(userId));
      return { enabled: record?.secret != null, pending: record?.pendingSecret != null, recoveryCodes: record?.secret != null ? record.recoveryCodes : 0 };
    },
  };
  return { api, verify: verifyCode, takeRecoveryCode };
}
