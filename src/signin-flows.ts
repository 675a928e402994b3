/**
 * The ways into a new session: signup, password signin, and `startSession` for a user proved another way.
 * Each ends in `Sessions.start`, which applies the account gates (ban, email verification, second factor)
 * to all of them. `AuthSkill` holds the parts and calls these; they hold no state of their own.
 */
import type { SigninFailureReason } from "./account/events.js";
import { sendVerification } from "./account/email-verification.js";
import { toMilliseconds } from "./duration.js";
import { AuthError, storageCall } from "./errors.js";
import { assertStrong, type FlowParts } from "./flow-parts.js";
import { randomId } from "./ids.js";
import { parseSignin, parseSignup } from "./input.js";
import { finishSignin } from "./second-factor/challenge.js";
import type { SigninResult } from "./second-factor/types.js";
import { toUser, where } from "./sessions.js";
import type { UserRecord } from "./storage/adapter.js";
import type { AuthResult, RequestContext, SigninContext, SigninInput, SignupInput, StartSessionOptions, User } from "./types.js";

/** No user id is longer: a longer one names nobody, and is answered without asking the storage. */
const MAX_USER_ID = 255;

const invalidCredentials = () => new AuthError("INVALID_CREDENTIALS", "Invalid email, username or password.");

/**
 * The "remember me" choice of a signin, signup or startSession as `Sessions.start` takes it (true unless `false`).
 * A value that is neither a boolean nor `undefined` is the caller's mistake: a `TypeError`, before any work.
 */
function rememberMe(value: unknown, caller: string): boolean {
  if (value !== undefined && typeof value !== "boolean") throw new TypeError(`${caller}: rememberMe must be a boolean`);
  return value !== false;
}

/** The `amr` of a password sign-in (RFC 8176 §2). */
const PASSWORD_AMR = ["pwd"] as const;

const AMR_VALUE = /^[a-z0-9_-]{1,16}$/;

/** `startSession`'s `amr`: up to 8 RFC 8176-shaped values, duplicates dropped; anything else is a `TypeError`. */
function checkAmr(amr: unknown): string[] {
  if (amr === undefined) return [];
  if (!Array.isArray(amr) || amr.length > 8 || !amr.every((m) => typeof m === "string" && AMR_VALUE.test(m))) {
    throw new TypeError('startSession: amr must be a list of at most 8 values such as "pwd" or "otp" (1-16 characters a-z, 0-9, _ or -)');
  }
  return [...new Set(amr as string[])];
}

/**
 * Creates a user and starts their first session (see `AuthSkill.signup`). Under `requireEmailVerification`
 * it starts no session: it sends the verification message (when `email` is set) and resolves `{ user }`.
 */
export async function signup(p: FlowParts, input: SignupInput, context: SigninContext): Promise<AuthResult | { user: User }> {
  const persistent = rememberMe(context.rememberMe, "signup");
  const v = parseSignup(input);
  assertStrong(p, v.password, v);
  const now = p.now();
  await p.limiter?.reserveSignup(context.ip, now); // before the (expensive) hash
  const record: UserRecord = {
    id: randomId(),
    email: v.email,
    username: v.username,
    name: v.name,
    emailVerified: false,
    roles: [],
    passwordHash: await p.passwords.hash(v.password),
    createdAt: now,
    updatedAt: now,
  };
  const created = await storageCall(() => p.storage.createUser(record));
  if (!created.ok) {
    const field = created.conflict;
    throw new AuthError("USER_EXISTS", `An account with this ${field === "email" ? "email address" : "username"} already exists.`, { field });
  }
  p.account.emit({ type: "user.created", userId: created.user.id, at: now, ...where(context) });
  if (p.account.requireEmailVerification) {
    // The account exists now: a storage failure while storing the token must not make signup look failed (a
    // retry would answer USER_EXISTS). It becomes an event; the user's next signin sends the message again.
    if (p.account.email !== null) {
      await sendVerification(p, created.user).catch(() =>
        p.account.emit({ type: "email.send_failed", kind: "email-verification", userId: created.user.id, at: p.now() }),
      );
    }
    return { user: toUser(created.user) };
  }
  const result = await p.sessions.start(created.user, context, { persistent, amr: PASSWORD_AMR });
  p.account.emit({ type: "signin.succeeded", method: "password", userId: created.user.id, sessionId: result.sessionId, at: now, ...where(context) });
  return result;
}

/** Signs a user in by email or username and password (see `AuthSkill.signin`). */
export async function signin(p: FlowParts, input: SigninInput, context: SigninContext): Promise<SigninResult> {
  const persistent = rememberMe(context.rememberMe, "signin");
  let userId: string | undefined;
  try {
    return await signinOnce(p, input, context, persistent, (id) => (userId = id));
  } catch (err) {
    const reason = err instanceof AuthError ? failureReason(err) : null;
    if (reason) p.account.emit({ type: "signin.failed", reason, userId, at: p.now(), ...where(context) });
    throw err;
  }
}

/**
 * The right password of an unverified account under `requireEmailVerification`: the verification message goes
 * out again (when `email` is set), so a user whose first message was lost is not stuck, and only someone who
 * knows the password can ask for it. Best effort, within the per-address and per-client mail limits: the
 * signin's answer stays `EMAIL_NOT_VERIFIED` whatever happens here.
 */
async function resendVerification(p: FlowParts, user: UserRecord, context: RequestContext): Promise<void> {
  if (p.account.email === null) return;
  try {
    await p.limiter?.reserveEmail(user.email, context.ip, p.now());
    await sendVerification(p, user);
  } catch {
    // limited, or the storage failed: the signin still answers EMAIL_NOT_VERIFIED
  }
}

/** The event reason of a refused signin; null for errors that are not a refusal (storage, input). */
function failureReason(err: AuthError): SigninFailureReason | null {
  switch (err.code) {
    case "INVALID_CREDENTIALS":
      return "invalid_credentials";
    case "RATE_LIMITED":
      return err.retryAfter === undefined ? "locked" : "rate_limited";
    case "EMAIL_NOT_VERIFIED":
      return "unverified";
    case "ACCOUNT_DISABLED":
      return "disabled";
    case "MFA_REQUIRED":
      return "mfa_required";
    default:
      return null;
  }
}

async function signinOnce(
  p: FlowParts,
  input: SigninInput,
  context: RequestContext,
  persistent: boolean,
  found: (userId: string) => void,
): Promise<SigninResult> {
  const v = parseSignin(input);
  const dummy = p.passwords.dummy(); // made once, on the first signin (token-only services never pay for it)
  const identifier = v.email !== undefined ? `email:${v.email}` : `username:${v.username}`;
  const now = p.now();
  const user = await storageCall(() => (v.email !== undefined ? p.storage.findUserByEmail(v.email) : p.storage.findUserByUsername(v.username!)));
  if (user) found(user.id);
  // One budget per account whichever identifier named it; an unknown identifier is counted and locked alike.
  // Reserved before the hash, so concurrent attempts never let more than a limit reach the hasher.
  const attempt = await p.limiter?.reserveSignin(user ? `user:${user.id}` : identifier, context.ip, now);
  const hash = user?.passwordHash ?? null;
  // Without a user (or a password), verify against a dummy hash: the same cost as a real verification.
  const valid = await p.passwords.verify(v.password, hash ?? (await dummy));
  if (!valid || !user || hash === null) throw invalidCredentials(); // a failure keeps its reservations
  // The password is right: the limiter's counters start again, whether or not a gate then refuses.
  if (attempt) await p.limiter?.succeeded(attempt);
  // The gates (ban, email, second factor) are Sessions.start's, once: a refused user gets no session and no rehash.
  // An account with a second factor gets the challenge instead (finishSignin): no session yet.
  const session = await finishSignin(p, user, { ...context, rememberMe: persistent }, { method: "password", amr: [...PASSWORD_AMR] }).catch(
    async (err: unknown) => {
      if (err instanceof AuthError && err.code === "EMAIL_NOT_VERIFIED") await resendVerification(p, user, context);
      throw err;
    },
  );
  const upgraded = p.passwords.needsRehash(hash) ? await p.passwords.upgrade(v.password) : null;
  // Best effort: a failed write keeps the old hash, and the next signin tries again.
  if (upgraded) await p.storage.updateUser(user.id, { passwordHash: upgraded, updatedAt: p.now() }).catch(() => false);
  return session;
}

/**
 * A new session for a user the caller has already authenticated (see `AuthSkill.startSession`). Misuse —
 * a user id that is not a non-empty string, a context or options that are not objects, a bad `ttl` or `rememberMe` — is a
 * `TypeError`; an unknown user is `INVALID_INPUT`; the gates are `Sessions.start`'s.
 */
export async function startSession(p: FlowParts, userId: string, context: RequestContext, options: StartSessionOptions): Promise<AuthResult> {
  if (typeof userId !== "string" || userId === "") throw new TypeError("startSession: userId must be a non-empty string");
  if (typeof context !== "object" || context === null) throw new TypeError("startSession: context must be an object");
  if (typeof options !== "object" || options === null) throw new TypeError("startSession: options must be an object");
  const { secondFactorVerified, ttl } = options;
  const persistent = rememberMe(options.rememberMe, "startSession");
  if (secondFactorVerified !== undefined && typeof secondFactorVerified !== "boolean") {
    throw new TypeError("startSession: secondFactorVerified must be a boolean");
  }
  const ttlMs = ttl === undefined ? undefined : toMilliseconds(ttl);
  if (ttlMs === 0) throw new TypeError("startSession: ttl must be longer than 0");
  const user = userId.length > MAX_USER_ID ? null : await storageCall(() => p.storage.findUserById(userId));
  if (!user) throw new AuthError("INVALID_INPUT", "There is no user with this id.", { field: "userId" });
  const amr = checkAmr(options.amr);
  return p.sessions.start(user, context, { secondFactorVerified: secondFactorVerified === true, persistent, amr, ...(ttlMs !== undefined ? { ttlMs } : {}) });
}
