// A passkeys module over a real AuthSkill and memoryStorage, and the nid-webauthn-emulator authenticators that
// answer its ceremonies (a stateful one: synced, backup eligible; a stateless one: device-bound).
import { AuthenticatorEmulator, PasskeysCredentialsMemoryRepository, WebAuthnEmulator } from "nid-webauthn-emulator";
import { AuthSkill, memoryStorage, type AuthEvent } from "auth-skill";
import { passkeys } from "auth-skill/passkeys";
import { totp } from "../../src/totp/index.js";

export const RP_ID = "localhost";
export const ORIGIN = "http://localhost:3000";
export const SECRET = "canary-secret-0123456789abcdef0123456789abcdef";

export type Emulator = WebAuthnEmulator;

/** What the user does when the authenticator asks: presence always, verification (biometrics, PIN) when `uv`. */
function interaction(uv: boolean) {
  return (user: unknown) => ({ user, options: { uv, up: true } }) as never;
}

/** A synced passkey provider (stateful, its own credential store: BE=BS=1, multiDevice). */
export function syncedAuthenticator(options: { userVerified?: boolean; signCounterIncrement?: number } = {}): Emulator {
  const uv = options.userVerified ?? true;
  return new WebAuthnEmulator(
    new AuthenticatorEmulator({
      credentialsRepository: new PasskeysCredentialsMemoryRepository(),
      verifications: { userPresent: true, userVerified: uv },
      userMakeCredentialInteraction: interaction(uv),
      userGetAssertionInteraction: interaction(uv),
      ...(options.signCounterIncrement !== undefined ? { signCounterIncrement: options.signCounterIncrement } : {}),
    }),
  );
}

/** A device-bound key (stateless: the credential id carries the key; BE=0, singleDevice, no usernameless sign-in). */
export function deviceAuthenticator(options: { userVerified?: boolean } = {}): Emulator {
  const uv = options.userVerified ?? true;
  return new WebAuthnEmulator(
    new AuthenticatorEmulator({
      stateless: true,
      verifications: { userPresent: true, userVerified: uv },
      userMakeCredentialInteraction: interaction(uv),
      userGetAssertionInteraction: interaction(uv),
    }),
  );
}

export interface SetupOptions {
  rateLimit?: false;
  /** `false`: no TOTP module (an account with TOTP can then not sign in with a first factor alone). */
  totp?: false;
  now?: () => Date;
  rpID?: string;
  origins?: string[];
  /** Another instance's storage: two configurations over one user base. */
  storage?: ReturnType<typeof memoryStorage>;
}

export async function setup(options: SetupOptions = {}) {
  const events: AuthEvent[] = [];
  const storage = options.storage ?? memoryStorage();
  const auth = new AuthSkill({
    secret: SECRET,
    storage,
    passkeys: passkeys({ rpID: options.rpID ?? RP_ID, rpName: "Example", origins: options.origins ?? [ORIGIN] }),
    ...(options.totp === false ? {} : { totp: totp({ issuer: "Example" }) }), // an account with TOTP gets the challenge (without the module: MFA_REQUIRED)
    onEvent: (e) => void events.push(e),
    ...(options.rateLimit === false ? { rateLimit: false } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const signup = async (email: string) => {
    const result = await auth.signup({ email, password: "a long passphrase 42" });
    if (!("accessToken" in result)) throw new Error("signup pending");
    return result.user.id;
  };
  return { auth, storage, events, signup, pk: auth.passkeys };
}

/** Registers a passkey for `userId` with `emulator`; resolves the passkey's info. */
export async function register(ctx: Awaited<ReturnType<typeof setup>>, userId: string, emulator: Emulator, origin = ORIGIN) {
  const options = await ctx.pk.registrationOptions(userId);
  const response = emulator.createJSON(origin, options as never);
  return ctx.pk.verifyRegistration(userId, response);
}

/** An assertion from `emulator` for fresh options (usernameless, or for `email`). */
export async function assertion(ctx: Awaited<ReturnType<typeof setup>>, emulator: Emulator, input?: { email: string }, origin = ORIGIN) {
  const options = await ctx.pk.authenticationOptions(input);
  return emulator.getJSON(origin, options as never);
}

/** Lets the queued events arrive (they are delivered on a later turn). */
export const flush = () => new Promise((resolve) => setTimeout(resolve, 5));
