import { z } from "zod";
import { AuthError } from "./errors.js";
import { MAX_PASSWORD_INPUT } from "./password/limits.js";
import type { SignupInput } from "./types.js";

// Each field is capped raw (UTF-16 units) before it is trimmed or NFKC-normalised — NFKC is quadratic on long
// runs of combining marks — and its length is checked again after normalisation, which can grow it (one
// "㎉" is "kcal"): what is stored always fits the columns (VARCHAR(255) for the email).
const EMAIL_MAX = 254; // RFC 5321's path limit, after NFKC
const EMAIL_RAW_MAX = 1024; // room for decomposed (NFD) input, which NFKC shortens
const USERNAME_RAW_MAX = 128; // the username's own rule allows 32 after NFKC
const NAME_MAX = 200; // after trimming
const NAME_RAW_MAX = 1024;

const nfkcLower = (v: string) => v.normalize("NFKC").toLowerCase();
const email = z.string().max(EMAIL_RAW_MAX).trim().transform(nfkcLower).pipe(z.string().max(EMAIL_MAX).pipe(z.email()));
const username = z
  .string()
  .max(USERNAME_RAW_MAX)
  .trim()
  .transform(nfkcLower)
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9_.-]{1,30}[a-z0-9]$/, "3-32 letters, digits, '_', '.' or '-'"));
// The password's own rules (length, blocklist) are the policy's; here it only has to be a sane string of at
// most MAX_PASSWORD_INPUT units (it is normalised later, by the policy and the hasher) with no unpaired
// surrogates, which UTF-8 encoding would turn into U+FFFD and so make distinct passwords collide.
const password = z
  .string()
  .min(1)
  .max(MAX_PASSWORD_INPUT)
  .refine((v) => !hasLoneSurrogate(v));

/** True when `value` holds a UTF-16 surrogate that is not half of a pair (not well-formed Unicode). */
export function hasLoneSurrogate(value: string): boolean {
  return /\p{Surrogate}/u.test(value);
}
const name = z.string().max(NAME_RAW_MAX).trim().min(1).max(NAME_MAX);

const signupSchema = z.strictObject({ email, password, username: username.optional(), name: name.optional() });
const signinSchema = z
  .strictObject({ email: email.optional(), username: username.optional(), password })
  .refine((v) => (v.email === undefined) !== (v.username === undefined), { message: "give an email or a username", path: ["email"] });

// The account flows. A token's shape is the token check's to judge (an unknown token and a malformed one get
// the same TOKEN_INVALID); here it only has to be a short string. User and session ids come from the server.
const token = z.string().max(512);
const id = z.string().min(1).max(255);
const resetSchema = z.strictObject({ token, password });
const tokenSchema = z.strictObject({ token });
const emailSchema = z.strictObject({ email });
const changePasswordSchema = z.strictObject({ userId: id, currentPassword: password, newPassword: password, keepSessionId: id.optional() });
const emailChangeSchema = z.strictObject({ userId: id, newEmail: email, password });

const FIELD_MESSAGES: Record<string, string> = {
  email: "A valid email address is required.",
  newEmail: "A valid email address is required.",
  currentPassword: `A password is required, as valid Unicode text of at most ${MAX_PASSWORD_INPUT} characters.`,
  newPassword: `A password is required, as valid Unicode text of at most ${MAX_PASSWORD_INPUT} characters.`,
  token: "A token is required.",
  username: "Usernames are 3 to 32 letters, digits, '_', '.' or '-'.",
  password: `A password is required, as valid Unicode text of at most ${MAX_PASSWORD_INPUT} characters.`,
  name: "Name must be 1 to 200 characters.",
};

/** Parses with zod and turns the first problem into `INVALID_INPUT` naming the field, never echoing input. */
function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = typeof issue.path[0] === "string" ? issue.path[0] : undefined;
  const message = (field && FIELD_MESSAGES[field]) ?? "The request is not valid.";
  throw new AuthError("INVALID_INPUT", message, field ? { field } : {});
}

/** Validated signup input: email and username trimmed, NFKC and lower-cased. */
export function parseSignup(input: unknown): Required<Pick<SignupInput, "email" | "password">> & { username: string | null; name: string | null } {
  const v = parse(signupSchema, input);
  return { email: v.email, password: v.password, username: v.username ?? null, name: v.name ?? null };
}

/** Validated signin input: exactly one of email or username. */
export function parseSignin(input: unknown): { email?: string | undefined; username?: string | undefined; password: string } {
  return parse(signinSchema, input);
}

/** Validated `resetPassword` input. */
export const parseReset = (input: unknown): { token: string; password: string } => parse(resetSchema, input);
/** Validated `{ token }` input (email verification, email change). */
export const parseToken = (input: unknown): { token: string } => parse(tokenSchema, input);
/** Validated `{ email }` input, the address trimmed, NFKC and lower-cased. */
export const parseEmailRequest = (input: unknown): { email: string } => parse(emailSchema, input);
/** Validated `changePassword` input. */
export const parseChangePassword = (input: unknown): { userId: string; currentPassword: string; newPassword: string; keepSessionId?: string | undefined } =>
  parse(changePasswordSchema, input);
/** Validated `requestEmailChange` input, the new address trimmed, NFKC and lower-cased. */
export const parseEmailChange = (input: unknown): { userId: string; newEmail: string; password: string } => parse(emailChangeSchema, input);
