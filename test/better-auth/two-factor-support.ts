/**
 * Better Auth's twoFactor plugin driven through its own API (as its tests do), for the bridge's second-factor
 * suites: enable TOTP, confirm it with a code from otplib, sign in to the two-factor challenge and answer it.
 */
import { generate } from "otplib";
import { twoFactor } from "better-auth/plugins";
import { betterAuthSignup, cookiePair, sessionCookieFrom, stack, type DialectName, type Stack, type StackOptions } from "./support.js";

export const PASSWORD = "a long passphrase 42";

/** The twoFactor endpoints (Stack's Better Auth is typed without its plugins). */
interface TwoFactorApi {
  enableTwoFactor(input: { body: { password: string }; headers: Headers }): Promise<{ totpURI: string; backupCodes: string[] }>;
  verifyTOTP(input: { body: { code: string }; headers: Headers; returnHeaders: true }): Promise<{ headers: Headers; response: unknown }>;
  verifyBackupCode(input: { body: { code: string }; headers: Headers; returnHeaders: true }): Promise<{ headers: Headers; response: unknown }>;
  getTOTPURI(input: { body: { password: string }; headers: Headers }): Promise<{ totpURI: string }>;
  viewBackupCodes(input: { body: { userId: string } }): Promise<{ backupCodes: string[] }>;
  disableTwoFactor(input: { body: { password: string }; headers: Headers }): Promise<unknown>;
}
export const twoFactorApi = (s: Stack) => s.auth.api as unknown as TwoFactorApi & Stack["auth"]["api"];

/** A stack whose Better Auth runs the twoFactor plugin (its defaults: a pending row confirmed by a first code). */
export function twoFactorStack(dialect: DialectName, o: StackOptions = {}): Promise<Stack> {
  return stack(dialect, { ...o, plugins: [twoFactor(), ...(o.plugins ?? [])] });
}

/** The base32 secret of an otpauth:// URI. */
export function uriSecret(uri: string): string {
  const secret = new URL(uri).searchParams.get("secret");
  if (!secret) throw new Error("no secret in the URI");
  return secret;
}

/** The current code of a base32 secret or key bytes, optionally `steps` periods away. */
export function codeOf(secret: string | Uint8Array, steps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * steps });
}

/** The current RFC 6238 time step (period 30). */
export const currentStep = () => Math.floor(Date.now() / 30_000);

/**
 * Signs a user up and enables TOTP through Better Auth: `/two-factor/enable`, then `/two-factor/verify-totp` with the
 * session and a code of the URI's secret (which confirms the row and sets `user.twoFactorEnabled`).
 */
export async function enableInBetterAuth(s: Stack, email: string) {
  const user = await betterAuthSignup(s, email, PASSWORD);
  const headers = new Headers({ cookie: user.cookie });
  const enabled = await twoFactorApi(s).enableTwoFactor({ body: { password: PASSWORD }, headers });
  const secret = uriSecret(enabled.totpURI);
  const confirmed = await twoFactorApi(s).verifyTOTP({ body: { code: await codeOf(secret) }, headers, returnHeaders: true });
  return { userId: user.userId, secret, backupCodes: enabled.backupCodes, cookie: sessionCookieFrom(confirmed.headers) };
}

/** Better Auth's password sign-in of a two-factor user: the `two_factor` challenge cookie (`name=value`). */
export async function betterAuthChallenge(s: Stack, email: string): Promise<string> {
  const res = await s.auth.api.signInEmail({ body: { email, password: PASSWORD }, returnHeaders: true });
  if (!(res.response as { twoFactorRedirect?: boolean }).twoFactorRedirect) throw new Error("Better Auth did not ask for a second factor");
  const cookie = res.headers.getSetCookie().find((c) => /^[^=;]*\.two_factor=/.test(c));
  if (!cookie) throw new Error("no two_factor cookie");
  return cookiePair(cookie);
}

/** Answers a Better Auth two-factor challenge with a TOTP code or a backup code: whether it signed in. */
export async function betterAuthAnswers(s: Stack, challenge: string, answer: { code: string } | { backupCode: string }): Promise<boolean> {
  const headers = new Headers({ cookie: challenge });
  try {
    const res =
      "code" in answer
        ? await twoFactorApi(s).verifyTOTP({ body: { code: answer.code }, headers, returnHeaders: true })
        : await twoFactorApi(s).verifyBackupCode({ body: { code: answer.backupCode }, headers, returnHeaders: true });
    return res.headers.getSetCookie().some((c) => /^[^=;]*\.session_token=[^;]/.test(c));
  } catch {
    return false;
  }
}

/**
 * The `passkey` table as @better-auth/passkey's migration makes it from the plugin's schema (the plugin is not a
 * dependency of the tests): id, name, publicKey, userId → user.id, credentialID, counter, deviceType, backedUp,
 * transports, createdAt, updatedAt, aaguid.
 */
export async function passkeyTable(s: Stack): Promise<void> {
  const pg = s.dialect === "postgres";
  await s.db.schema
    .createTable("passkey")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text")
    .addColumn("publicKey", "text", (c) => c.notNull())
    .addColumn("userId", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("credentialID", "text", (c) => c.notNull())
    .addColumn("counter", "integer", (c) => c.notNull())
    .addColumn("deviceType", "text", (c) => c.notNull())
    .addColumn("backedUp", pg ? "boolean" : "integer", (c) => c.notNull())
    .addColumn("transports", "text")
    .addColumn("createdAt", pg ? "timestamptz" : "date")
    .addColumn("updatedAt", pg ? "timestamptz" : "date")
    .addColumn("aaguid", "text")
    .execute();
}
