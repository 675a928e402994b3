/**
 * Signing in with a passkey: the options (a single-use challenge bound to no user, or — with an email — to that
 * account's passkeys), then the browser's assertion: the credential found by its id, its user handle compared, the
 * signature checked by the library against the configured RP ID and origins, the challenge taken atomically on the
 * way. Both steps are open to anyone, so each is limited per client address.
 */
import type { SecondFactorHost } from "../second-factor/host.js";
import { generateAuthenticationOptions, verifyAuthenticationResponse, type VerifiedAuthenticationResponse } from "@simplewebauthn/server";
import { AuthError, storageCall } from "../errors.js";
import { parseEmailRequest } from "../input.js";
import type { SigninResult } from "../second-factor/types.js";
import { where } from "../sessions.js";
import type { PasskeyRecord } from "../storage/adapter.js";
import type { RequestContext, SigninContext } from "../types.js";
import { ChallengeTaker, issueChallenge } from "./challenges.js";
import { observeCounter } from "./counter.js";
import type { PasskeysSettings } from "./options.js";
import { malformed, parseAuthentication } from "./response.js";

const failed = () => new AuthError("INVALID_CREDENTIALS", "The passkey could not be verified.");

/** The challenge's payload for a sign-in that named an account: only that account's passkeys may answer it. */
const boundTo = (userId: string) => `user:${userId}`;
/** The payload for an address with no passkey: nothing may answer it. */
const NOBODY = "nobody";

/** What `authenticationOptions` takes: nothing (a usernameless sign-in), or the account's email. */
function emailOf(input: { email?: string | undefined } | undefined): string | null {
  if (input === undefined || input === null) return null;
  if (typeof input !== "object") throw new AuthError("INVALID_INPUT", "The request is not valid.");
  if (input.email === undefined) return null;
  return parseEmailRequest({ email: input.email }).email;
}

/**
 * The credentials offered for an email: the account's passkeys, or — for an address with no account or no passkey —
 * one decoy id derived from the address under the instance's secret (stable across requests), so the answer does
 * not tell whether the address has an account.
 */
async function offered(host: SecondFactorHost, email: string): Promise<{ passkeys: PasskeyRecord[]; payload: string; decoy: string }> {
  const user = await storageCall(() => host.parts.storage.findUserByEmail(email));
  const passkeys = await storageCall(() => host.factors.listPasskeys(user?.id ?? `unknown:${host.parts.tokens.hash(email)}`));
  const decoy = host.parts.tokens.hash(`passkey-decoy\u0000${email}`);
  return { passkeys, payload: user && passkeys.length > 0 ? boundTo(user.id) : NOBODY, decoy };
}

/** See `PasskeysApi.authenticationOptions`. */
export async function authenticationOptions(
  host: SecondFactorHost,
  settings: PasskeysSettings,
  input: { email?: string | undefined } | undefined,
  context: RequestContext = {},
): Promise<Record<string, unknown>> {
  const email = emailOf(input);
  // each call stores a challenge: a client cannot fill the store faster than its budget
  await host.parts.limiter?.reserveClient("passkey-options", context.ip, host.parts.now());
  let allowCredentials: { id: string; transports?: never }[] | undefined;
  let payload: string | null = null;
  if (email !== null) {
    const found = await offered(host, email);
    payload = found.payload;
    allowCredentials = found.passkeys.length > 0 ? found.passkeys.map((p) => ({ id: p.id, transports: p.transports as never })) : [{ id: found.decoy }];
  }
  const { challenge } = await issueChallenge(host.parts.tokens, "passkey-authentication", null, settings.timeoutMs, payload);
  const options = await generateAuthenticationOptions({
    rpID: settings.rpID,
    challenge,
    timeout: settings.timeoutMs,
    userVerification: "preferred",
    ...(allowCredentials ? { allowCredentials } : {}),
  });
  return options as unknown as Record<string, unknown>;
}

/**
 * See `PasskeysApi.verifyAuthentication`. In order: the client's budget (a failure keeps its reservation), the
 * response's shape, the credential by id and its user handle, then the library's checks — which take the challenge
 * (single use: of N concurrent verifications of one assertion exactly one signs in). The signature counter is a
 * signal, not a refusal (see `observeCounter`). The sign-in ends through the host: a user-verified passkey is
 * multi-factor; any other passkey of an account with TOTP gets the second-factor challenge.
 */
export async function verifyAuthentication(
  host: SecondFactorHost,
  settings: PasskeysSettings,
  input: unknown,
  context: SigninContext = {},
): Promise<SigninResult> {
  const p = host.parts;
  const reservation = await p.limiter?.reserveClient("passkey-signin", context.ip, p.now());
  try {
    const response = parseAuthentication(input);
    const passkey = await storageCall(() => host.factors.findPasskey(response.id));
    if (passkey === null || passkey.id !== response.id) throw failed();
    const userHandle = response.response.userHandle;
    // a passkey stored without a handle (Better Auth keeps none: its passkeys read with "") is named by its id alone
    if (userHandle !== undefined && passkey.userHandle !== "" && userHandle !== passkey.userHandle) throw failed();
    const taker = new ChallengeTaker(p.tokens, "passkey-authentication", (record) => {
      if (record.userId !== null && record.userId !== undefined) return false;
      // usernameless (no payload): the authenticator must name the user; with an email: that account's passkey only
      return record.payload === null ? userHandle !== undefined : record.payload === boundTo(passkey.userId);
    });
    let verified: VerifiedAuthenticationResponse;
    try {
      verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: taker.expect,
        expectedOrigin: settings.origins,
        expectedRPID: settings.rpID,
        // counter 0: the library would refuse a regression; here it is a signal (observeCounter)
        credential: { id: passkey.id, publicKey: Buffer.from(passkey.publicKey, "base64url"), counter: 0, transports: passkey.transports as never },
        requireUserVerification: false,
      });
    } catch {
      // the library's messages quote the challenge and the origins: never passed on
      throw taker.refusal ?? (taker.record === null ? malformed() : failed());
    }
    if (taker.refusal) throw taker.refusal;
    if (!verified.verified || taker.record === null) throw failed();
    const info = verified.authenticationInfo;
    const used = await observeCounter(host, passkey, info.newCounter, info.credentialBackedUp);
    const user = used ? await storageCall(() => p.storage.findUserById(passkey.userId)) : null;
    if (user === null) throw failed(); // removed (or its user deleted) meanwhile
    if (reservation !== undefined) await p.limiter?.refundClient(reservation);
    const amr = info.credentialDeviceType === "multiDevice" ? ["swk"] : ["hwk"];
    return await host.finishSignin(user, context, { method: "passkey", amr, verified: info.userVerified });
  } catch (err) {
    if (err instanceof AuthError && err.code === "INVALID_CREDENTIALS") {
      p.account.emit({ type: "signin.failed", reason: "invalid_credentials", at: p.now(), ...where(context) });
    }
    throw err;
  }
}
