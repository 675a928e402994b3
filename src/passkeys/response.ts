/**
 * The browser's answer to a ceremony, read from untrusted JSON: only the fields WebAuthn defines, each a bounded
 * base64url string, copied into a fresh object (no prototype tricks, nothing huge reaches the verifier). Anything
 * else is `INVALID_INPUT` (field `response`), in time proportional to the bounds, never to the input.
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { AuthError } from "../errors.js";

/** WebAuthn credential ids are at most 1023 bytes: 1364 base64url characters. */
const MAX_ID = 1364;
/** Bounds of the other fields (characters): generous for real authenticators, small next to a 16 KiB body. */
const MAX = { clientDataJSON: 4096, authenticatorData: 4096, signature: 2048, userHandle: 128, attestationObject: 16_384 } as const;
const B64URL = /^[A-Za-z0-9_-]*$/;
const TRANSPORTS = new Set(["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"]);

/** The `INVALID_INPUT` of a response that is not one. */
export const malformed = (): AuthError => new AuthError("INVALID_INPUT", "The passkey response is not valid.", { field: "response" });

function field(source: Record<string, unknown>, name: string, max: number, optional = false): string | undefined {
  const value = Object.hasOwn(source, name) ? source[name] : undefined;
  if (value === undefined && optional) return undefined;
  if (typeof value !== "string" || value.length === 0 || value.length > max || !B64URL.test(value)) throw malformed();
  return value;
}

function object(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformed();
  return value as Record<string, unknown>;
}

/** The envelope both answers share: `id` equal to `rawId`, `type` "public-key". */
function envelope(input: unknown): { id: string; inner: Record<string, unknown> } {
  const outer = object(input);
  const id = field(outer, "id", MAX_ID)!;
  if (field(outer, "rawId", MAX_ID) !== id || outer.type !== "public-key") throw malformed();
  return { id, inner: object(Object.hasOwn(outer, "response") ? outer.response : undefined) };
}

/** The transports an authenticator reported: known names only, at most seven (anything else is dropped, not refused). */
export function transportsOf(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > 16) return [];
  return [...new Set(value.filter((t): t is string => typeof t === "string" && TRANSPORTS.has(t)))];
}

/** The answer to `navigator.credentials.create()` (`RegistrationResponseJSON`), or `INVALID_INPUT`. */
export function parseRegistration(input: unknown): RegistrationResponseJSON {
  const { id, inner } = envelope(input);
  return {
    id,
    rawId: id,
    type: "public-key",
    clientExtensionResults: {},
    response: {
      clientDataJSON: field(inner, "clientDataJSON", MAX.clientDataJSON)!,
      attestationObject: field(inner, "attestationObject", MAX.attestationObject)!,
      transports: transportsOf(Object.hasOwn(inner, "transports") ? inner.transports : undefined),
    },
  };
}

/** The answer to `navigator.credentials.get()` (`AuthenticationResponseJSON`), or `INVALID_INPUT`. */
export function parseAuthentication(input: unknown): AuthenticationResponseJSON {
  const { id, inner } = envelope(input);
  const userHandle = Object.hasOwn(inner, "userHandle") && inner.userHandle !== null ? field(inner, "userHandle", MAX.userHandle, true) : undefined;
  return {
    id,
    rawId: id,
    type: "public-key",
    clientExtensionResults: {},
    response: {
      clientDataJSON: field(inner, "clientDataJSON", MAX.clientDataJSON)!,
      authenticatorData: field(inner, "authenticatorData", MAX.authenticatorData)!,
      signature: field(inner, "signature", MAX.signature)!,
      ...(userHandle !== undefined ? { userHandle } : {}),
    },
  };
}
