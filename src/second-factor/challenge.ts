/**
 * The second step of a sign-in. Every first factor (password, magic link, email code, passkey) ends in
 * {@link finishSignin}: an account without a second factor gets its session; one with a TOTP authenticator gets an
 * {@link MfaChallenge} — a single-use `mfaToken` (five minutes, five attempts), no session, no token, no state that
 * counts as signed in — and {@link verifySecondFactor} turns it into a session once a code or a recovery code is right.
 */
import type { SigninMethod } from "../account/events.js";
import { AuthError, storageCall } from "../errors.js";
import type { FlowParts } from "../flow-parts.js";
import { where } from "../sessions.js";
import type { UserRecord } from "../storage/adapter.js";
import type { AuthResult, RequestContext, SigninContext } from "../types.js";
import type { MfaChallenge, SecondFactorInput, SigninResult } from "./types.js";

/** How long an `mfaToken` lives, and how many codes it may try. */
export const MFA_TOKEN_TTL_MS = 5 * 60_000;
export const MFA_ATTEMPTS = 5;
/** The longest code or recovery code read; anything longer is malformed. */
const MAX_CODE = 64;

/** What the `mfaToken`'s record carries: the first factor's `amr`, the remember-me choice and the method. */
interface Pending {
  amr: string[];
  persistent: boolean;
  method: SigninMethod;
}

/**
 * Whether a sign-in of `user` stops at the second factor: then the first factor's success must not reset the signin
 * limiter's counters (a right password would wipe the count of wrong codes); `verifySecondFactor`'s success does.
 */
export function awaitsSecondFactor(p: FlowParts, user: UserRecord): boolean {
  return user.twoFactorEnabled === true && p.secondFactor.totp !== null;
}

const invalidCode = () => new AuthError("INVALID_CREDENTIALS", "The code is not valid.", { field: "code" });
const spentChallenge = () => new AuthError("TOKEN_INVALID", "This sign-in has expired or used all its attempts; sign in again.");

/**
 * Ends a first factor. `how.verified`: the method was multi-factor on its own (a user-verified passkey), so the second
 * factor is not asked for and the session's `amr` gets `mfa`. Otherwise an account with a second factor gets the
 * challenge — after the other gates (ban, email verification), so a refused account never gets an `mfaToken` — and one
 * without gets its session. Without a TOTP module an account with a second factor is refused (`MFA_REQUIRED`).
 */
export async function finishSignin(
  p: FlowParts,
  found: UserRecord,
  context: SigninContext,
  how: { method: SigninMethod; amr: string[]; verified?: boolean },
): Promise<SigninResult> {
  const persistent = context.rememberMe !== false;
  const user = { ...found }; // one read of each field: the gates here and in Sessions.start judge the same record
  if (how.verified === true) {
    const result = await p.sessions.start(user, context, { persistent, amr: [...how.amr, "mfa"], secondFactorVerified: true });
    return succeeded(p, result, context, how.method);
  }
  if (user.twoFactorEnabled !== true) return succeeded(p, await p.sessions.start(user, context, { persistent, amr: how.amr }), context, how.method);
  p.sessions.admit(user, p.secondFactor.totp !== null); // ban and email first; MFA_REQUIRED here when no module can verify
  const pending: Pending = { amr: how.amr, persistent, method: how.method };
  const { token, expiresAt } = await p.tokens.issue("mfa", user.id, MFA_TOKEN_TTL_MS, JSON.stringify(pending));
  const passkeys = p.secondFactor.passkeys !== null && (await storageCall(async () => (await p.secondFactor.factors?.listPasskeys(user.id))?.length ?? 0)) > 0;
  p.account.emit({ type: "signin.mfa_required", userId: user.id, method: how.method, at: p.now(), ...where(context) });
  const challenge: MfaChallenge = {
    mfaRequired: true,
    mfaToken: token,
    mfaTokenExpiresAt: expiresAt,
    methods: ["totp", "recovery-code", ...(passkeys ? (["passkey"] as const) : [])],
  };
  return challenge;
}

function succeeded(p: FlowParts, result: AuthResult, context: RequestContext, method: SigninMethod, secondFactor?: "totp" | "recovery-code"): AuthResult {
  p.account.emit({
    type: "signin.succeeded",
    method,
    ...(secondFactor ? { secondFactor } : {}),
    userId: result.user.id,
    sessionId: result.sessionId,
    at: p.now(),
    ...where(context),
  });
  return result;
}

/** The code of `input` as read: a string of at most 64 characters, or `INVALID_INPUT` naming the field. */
function codeOf(input: SecondFactorInput): { kind: "totp" | "recovery-code"; value: string } {
  const code = (input as { code?: unknown }).code;
  const recovery = (input as { recoveryCode?: unknown }).recoveryCode;
  if ((code === undefined) === (recovery === undefined)) throw new AuthError("INVALID_INPUT", "Send either a code or a recovery code.", { field: "code" });
  const value = code ?? recovery;
  const field = code !== undefined ? "code" : "recoveryCode";
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_CODE) throw new AuthError("INVALID_INPUT", "The code is not valid.", { field });
  return { kind: code !== undefined ? "totp" : "recovery-code", value };
}

function pendingOf(payload: string | null | undefined): Pending {
  try {
    const parsed = JSON.parse(payload ?? "") as Partial<Pending>;
    if (Array.isArray(parsed.amr) && typeof parsed.persistent === "boolean" && typeof parsed.method === "string") return parsed as Pending;
  } catch {}
  throw spentChallenge();
}

/**
 * See `AuthSkill.verifySecondFactor`. In order: the input's shape, the `mfaToken` (`TOKEN_INVALID` / `TOKEN_EXPIRED`),
 * the account's second-factor budget (the signin limiter, per account and per client), one of the token's five attempts
 * (reserved before the code is compared: concurrent guesses never test more than five), the code — a TOTP code's time
 * step is then taken, once per user, a recovery code is taken — the token spent (of concurrent right answers exactly
 * one wins), and the session, whose `amr` adds `otp` (or `rc`) and `mfa` to the first factor's.
 */
export async function verifySecondFactor(p: FlowParts, input: SecondFactorInput, context: RequestContext): Promise<AuthResult> {
  if (typeof input !== "object" || input === null) throw new AuthError("INVALID_INPUT", "The request is not valid.");
  if (typeof context !== "object" || context === null) throw new TypeError("verifySecondFactor: context must be an object");
  const totp = p.secondFactor.totp;
  if (totp === null) throw new AuthError("CONFIG_ERROR", "auth-skill configuration: verifySecondFactor needs the totp option (auth-skill/totp)");
  const code = codeOf(input);
  const record = await p.tokens.check(input.mfaToken, "mfa");
  const now = p.now();
  // the account's signin budget: guesses at the second factor count with guesses at the password, and lock alike
  const attempt = await p.limiter?.reserveSignin(`user:${record.userId}`, context.ip, now);
  const allowed = await storageCall(() => p.storage.reserveVerificationAttempt(record.userId, "mfa", MFA_ATTEMPTS, now));
  if (!allowed) throw spentChallenge();
  const right = code.kind === "totp" ? await totp.verify(record.userId, code.value) : await totp.takeRecoveryCode(record.userId, code.value);
  if (!right) {
    p.account.emit({ type: "signin.failed", reason: "invalid_second_factor", userId: record.userId, at: p.now(), ...where(context) });
    throw invalidCode();
  }
  await p.tokens.spend(record);
  if (attempt) await p.limiter?.succeeded(attempt);
  const pending = pendingOf(record.payload);
  const user = await storageCall(() => p.storage.findUserById(record.userId));
  if (!user) throw spentChallenge(); // deleted meanwhile
  const amr = [...new Set([...pending.amr, code.kind === "totp" ? "otp" : "rc", "mfa"])];
  const result = await p.sessions.start(user, context, { persistent: pending.persistent, amr, secondFactorVerified: true });
  return succeeded(p, result, context, pending.method, code.kind);
}
