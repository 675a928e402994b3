import type { TotpModule } from "../second-factor/host.js";
import type { SigninResult } from "../second-factor/types.js";
import { AuthSkill } from "../auth-skill.js";
import { AuthError } from "../errors.js";
import { randomId, randomToken } from "../ids.js";
import { parseEmailRequest } from "../input.js";
import type { AuthSkillOptions } from "../option-types.js";
import type { StorageAdapter } from "../storage/adapter.js";
import { memoryStorage } from "../storage/memory.js";
import type { AuthResult, PendingVerification, RequestContext, User } from "../types.js";
import { createOutbox, type Outbox } from "./outbox.js";
import { testClock, type TestClock } from "./test-clock.js";
import { insecureTestHasher, refuseProduction } from "./test-hasher.js";

/** Options of {@link createTestAuth}: any `AuthSkill` option (each wins over the preset's), and where the clock starts. */
export type TestAuthOptions = AuthSkillOptions & {
  /** The test clock's starting time (default: the real time when `createTestAuth` is called, to the second). */
  clockStart?: Date | string | number | undefined;
};

/** Input of {@link TestAuth.signIn}. Every field is optional. */
export interface TestSignInInput {
  /** The user's address (default: a new unique `user-N-…@example.com`). An existing user is signed in as they are. */
  email?: string | undefined;
  /** The password of a user created here (default: a random one, returned). Ignored for an existing user. */
  password?: string | undefined;
  /** The user's display name, for a user created here. */
  name?: string | undefined;
  /** Replaces the user's roles (`auth.setRoles`) before the session starts, so the access token carries them. */
  roles?: string[] | undefined;
}

/** What {@link TestAuth.signIn} resolves. */
export interface TestSignIn {
  /** The signed-in user (with their roles). */
  user: User;
  /** The password of a user `signIn` created, else `null`. */
  password: string | null;
  /** The session's tokens, as `signin` resolves them. */
  tokens: AuthResult;
  /** Request headers carrying the access token: `{ authorization: "Bearer …" }`. */
  headers: { authorization: string };
}

/** What {@link createTestAuth} returns. */
export interface TestAuth<S extends AuthResult | PendingVerification = AuthResult, R extends SigninResult = AuthResult> {
  /** The instance under test. */
  auth: AuthSkill<S, R>;
  /** Its clock (unless the `now` option replaced it): `advance("16m")`, `set(date)`. */
  clock: TestClock;
  /** The messages it sent (also passed on to an `email.send` option, when one is given). */
  outbox: Outbox;
  /** Its storage: the preset's `memoryStorage()`, or the `storage` option. */
  storage: StorageAdapter;
  /**
   * Signs a user in and returns an `Authorization` header for them. A new address makes a user (stored directly:
   * verified, no signup event, no rate limit, no mail); an existing one is signed in as it is. `roles`, when
   * given, replace the user's roles first. The session starts as `startSession` starts one, with the second
   * factor counted as checked. Rejects like `setRoles` / `startSession` (`INVALID_INPUT`, `ACCOUNT_DISABLED`…).
   */
  signIn(input?: TestSignInInput, context?: RequestContext): Promise<TestSignIn>;
}

/**
 * NEVER FOR PRODUCTION: an `AuthSkill` set up for an app's tests, in milliseconds — memory storage, a clock that
 * moves only when told (`clock.advance("16m")`), argon2id at the smallest costs it accepts
 * (`insecureTestHasher`), an outbox collecting the mail it sends, a random secret of its own (no environment
 * needed) and `signIn()`, which gives a ready `Authorization` header. Every option is passed to `AuthSkill` over
 * the preset's (`password` is merged field by field). Throws `CONFIG_ERROR` when `NODE_ENV` is `"production"`.
 *
 * @example
 * ```ts
 * const { auth, clock, signIn } = createTestAuth();
 * const { headers, tokens } = await signIn({ roles: ["admin"] });
 * const response = await app.request("/admin", { headers }); // 200
 * clock.advance("16m");
 * await auth.verifyAccessToken(tokens.accessToken); // throws AuthError TOKEN_EXPIRED
 * ```
 */
export function createTestAuth(options: TestAuthOptions & { requireEmailVerification: true; totp?: undefined }): TestAuth<PendingVerification>;
export function createTestAuth(options?: TestAuthOptions & { requireEmailVerification?: false | undefined; totp?: undefined }): TestAuth<AuthResult>;
export function createTestAuth(
  options: TestAuthOptions & { requireEmailVerification?: false | undefined; totp: TotpModule },
): TestAuth<AuthResult, SigninResult>;
export function createTestAuth(options?: TestAuthOptions): TestAuth<AuthResult | PendingVerification, SigninResult>;
export function createTestAuth(options: TestAuthOptions = {}): TestAuth<AuthResult | PendingVerification, SigninResult> {
  refuseProduction("createTestAuth");
  const { clockStart, ...given } = options;
  const clock = clockStart === undefined ? testClock() : testClock(clockStart);
  const outbox = createOutbox();
  const storage = given.storage ?? memoryStorage();
  const forward = given.email?.send;
  if (forward !== undefined && typeof forward !== "function")
    throw new AuthError("CONFIG_ERROR", "auth-skill configuration: email.send must be a function (message) => void");
  const now = given.now ?? clock.now;
  const auth: AuthSkill<AuthResult | PendingVerification, SigninResult> = new AuthSkill({
    ...given,
    secret: given.secret ?? randomToken(32), // an option left undefined means the preset's, never the environment's
    now,
    storage,
    password: { ...given.password, hasher: given.password?.hasher ?? insecureTestHasher() },
    email: {
      send: (message) => {
        outbox.send(message);
        return forward?.(message);
      },
    },
  });
  const passwords = new Map<string, string>();
  let users = 0;

  async function signIn(input: TestSignInInput = {}, context: RequestContext = {}): Promise<TestSignIn> {
    const email = parseEmailRequest({ email: input.email ?? `user-${++users}-${randomId(8).toLowerCase()}@example.com` }).email;
    let record = await storage.findUserByEmail(email);
    if (record === null) {
      const password = input.password ?? `test-password-${randomToken(16)}`;
      const at = now();
      const created = await storage.createUser({
        id: randomId(),
        email,
        username: null,
        name: input.name ?? null,
        emailVerified: true,
        roles: [],
        passwordHash: await auth.hashPassword(password),
        createdAt: at,
        updatedAt: at,
      });
      if (!created.ok) throw new AuthError("USER_EXISTS", "An account with this email address already exists.", { field: "email" });
      record = created.user;
      passwords.set(record.id, password);
    }
    if (input.roles !== undefined) await auth.setRoles(record.id, input.roles);
    const tokens = await auth.startSession(record.id, context, { secondFactorVerified: true });
    return { user: tokens.user, password: passwords.get(record.id) ?? null, tokens, headers: { authorization: `Bearer ${tokens.accessToken}` } };
  }

  return { auth, clock, outbox, storage, signIn };
}
