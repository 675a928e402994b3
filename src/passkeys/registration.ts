/**
 * Registering a passkey for a signed-in user: the options (a single-use challenge bound to the user, the user's one
 * random handle, their existing passkeys excluded), then the browser's answer checked against the configured RP ID
 * and origins and stored.
 */
import { generateRegistrationOptions, verifyRegistrationResponse, type VerifiedRegistrationResponse } from "@simplewebauthn/server";
import { knownUser } from "../account/users.js";
import { AuthError, storageCall } from "../errors.js";
import { randomToken } from "../ids.js";
import { hasLoneSurrogate } from "../input.js";
import type { SecondFactorHost } from "../second-factor/host.js";
import type { PasskeyInfo } from "../second-factor/types.js";
import type { PasskeyRecord } from "../storage/adapter.js";
import { ChallengeTaker, issueChallenge } from "./challenges.js";
import { toInfo } from "./manage.js";
import type { PasskeysSettings } from "./options.js";
import { malformed, parseRegistration } from "./response.js";

/** A user handle: 32 random bytes, base64url (WebAuthn allows 64 bytes; nothing personal in it). */
const HANDLE = /^[A-Za-z0-9_-]{43}$/;
const MAX_NAME = 64;

const failed = () => new AuthError("INVALID_CREDENTIALS", "The passkey could not be verified.");

/** The label of a new passkey: a trimmed string of 1 to 64 characters without control characters, or `null`. */
function checkName(options: { name?: string | undefined } | undefined): string | null {
  if (options === undefined || options.name === undefined) return null;
  const name = typeof options.name === "string" ? options.name.trim() : "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (name === "" || name.length > MAX_NAME || /[\u0000-\u001f\u007f]/.test(name) || hasLoneSurrogate(name)) {
    throw new AuthError("INVALID_INPUT", `A passkey's name is 1 to ${MAX_NAME} characters.`, { field: "name" });
  }
  return name;
}

/** See `PasskeysApi.registrationOptions`. */
export async function registrationOptions(host: SecondFactorHost, settings: PasskeysSettings, userId: string): Promise<Record<string, unknown>> {
  const user = await knownUser(host.parts, userId, "passkeys.registrationOptions");
  const existing = await storageCall(() => host.factors.listPasskeys(user.id));
  // one handle per user, reused: a sign-in's userHandle then names the user whichever passkey answered
  const handle = existing.find((p) => HANDLE.test(p.userHandle))?.userHandle ?? randomToken(32);
  const { challenge } = await issueChallenge(host.parts.tokens, "passkey-registration", user.id, settings.timeoutMs, handle);
  const options = await generateRegistrationOptions({
    rpName: settings.rpName,
    rpID: settings.rpID,
    userName: user.email,
    userDisplayName: user.name ?? user.email,
    userID: Buffer.from(handle, "base64url"),
    challenge,
    timeout: settings.timeoutMs,
    attestationType: "none",
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports as never })),
    authenticatorSelection: { residentKey: settings.residentKey, userVerification: "preferred" },
  });
  return options as unknown as Record<string, unknown>;
}

/**
 * See `PasskeysApi.verifyRegistration`. The challenge is taken (single use, bound to this user) while the library
 * checks the answer; every refusal is an `AuthError` with a stable code and a message of ours.
 */
export async function verifyRegistration(
  host: SecondFactorHost,
  settings: PasskeysSettings,
  userId: string,
  input: unknown,
  options?: { name?: string | undefined },
): Promise<PasskeyInfo> {
  const name = checkName(options);
  const response = parseRegistration(input);
  const user = await knownUser(host.parts, userId, "passkeys.verifyRegistration");
  const taker = new ChallengeTaker(host.parts.tokens, "passkey-registration", (record) => record.userId === user.id && HANDLE.test(record.payload ?? ""));
  let verified: VerifiedRegistrationResponse;
  try {
    verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: taker.expect,
      expectedOrigin: settings.origins,
      expectedRPID: settings.rpID,
      requireUserVerification: false,
    });
  } catch {
    // the library's messages quote the challenge and the origins: never passed on
    throw taker.refusal ?? (taker.record === null ? malformed() : failed());
  }
  if (taker.refusal) throw taker.refusal;
  if (!verified.verified || taker.record === null) throw failed();
  const { credential, credentialDeviceType, credentialBackedUp } = verified.registrationInfo;
  const now = host.parts.now();
  const record: PasskeyRecord = {
    id: credential.id,
    userId: user.id,
    userHandle: taker.record.payload!,
    publicKey: Buffer.from(credential.publicKey).toString("base64url"),
    counter: credential.counter,
    transports: response.response.transports ?? [],
    deviceType: credentialDeviceType,
    backedUp: credentialBackedUp,
    name,
    createdAt: now,
    lastUsedAt: null,
  };
  const created = await storageCall(() => host.factors.createPasskey(record));
  if (!created) throw new AuthError("INVALID_INPUT", "This passkey is already registered.", { field: "response" });
  host.parts.account.emit({ type: "second_factor.changed", userId: user.id, factor: "passkey", change: "enabled", at: now });
  return toInfo(record);
}
