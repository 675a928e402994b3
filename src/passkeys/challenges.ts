/**
 * Ceremony challenges, kept server-side as single-use tokens: the challenge a browser signs is the bytes of a token
 * (`<kid>.<256 random bits>`), whose keyed hash alone is stored, with a TTL. The verifier's `expectedChallenge`
 * callback takes the token in one atomic step: of any number of concurrent answers to one challenge, exactly one gets
 * past it, and a used or expired challenge never passes again.
 */
import type { SingleUseTokens, TokenPurpose } from "../account/single-use-tokens.js";
import { AuthError, isAuthError } from "../errors.js";
import type { VerificationRecord } from "../storage/adapter.js";

/** The longest challenge a browser can echo for one of ours (a token is 52 characters: 70 in base64url). */
const MAX_CHALLENGE = 128;

/** Issues a challenge: the token, handed to the options generator as its `challenge` (a string, sent as UTF-8 bytes). */
export async function issueChallenge(
  tokens: SingleUseTokens,
  purpose: TokenPurpose,
  userId: string | null,
  ttlMs: number,
  payload: string | null,
): Promise<{ challenge: string; expiresAt: Date }> {
  const { token, expiresAt } = await tokens.issue(purpose, userId, ttlMs, payload);
  return { challenge: token, expiresAt };
}

/**
 * One use of a challenge during a verification: {@link ChallengeTaker.expect} is the `expectedChallenge` callback,
 * which takes the token (once) and keeps its record and any refusal, so the caller can answer with the challenge's
 * own error (`TOKEN_INVALID`, `TOKEN_EXPIRED`, `STORAGE_ERROR`) rather than the library's message, which quotes it.
 */
export class ChallengeTaker {
  /** The taken challenge's record, once {@link expect} accepted it. */
  record: VerificationRecord | null = null;
  /** Why the challenge was refused (an `AuthError`), if it was. */
  refusal: AuthError | null = null;

  constructor(
    private readonly tokens: SingleUseTokens,
    private readonly purpose: TokenPurpose,
    /** Further checks on the record (the user it is bound to): `false` refuses it as invalid. */
    private readonly accept: (record: VerificationRecord) => boolean = () => true,
  ) {}

  /** The `expectedChallenge` callback: `true` only for the one call that took a live challenge of this purpose. */
  readonly expect = async (challenge: string): Promise<boolean> => {
    if (this.record !== null || this.refusal !== null) return false; // one verification, one challenge
    try {
      if (typeof challenge !== "string" || challenge.length > MAX_CHALLENGE) throw invalidChallenge();
      const token = Buffer.from(challenge, "base64url").toString("utf8");
      const record = await this.tokens.take(token, this.purpose);
      if (!this.accept(record)) throw invalidChallenge();
      this.record = record;
      return true;
    } catch (err) {
      this.refusal = !isAuthError(err) || err.code === "TOKEN_INVALID" ? invalidChallenge() : err.code === "TOKEN_EXPIRED" ? expiredChallenge() : err;
      return false;
    }
  };
}

/** A challenge that is not one of ours, used, voided or for someone else: `TOKEN_INVALID`. */
export function invalidChallenge(): AuthError {
  return new AuthError("TOKEN_INVALID", "This passkey request is invalid or has already been used. Please start again.");
}

/** A challenge past its lifetime: `TOKEN_EXPIRED`. */
export function expiredChallenge(): AuthError {
  return new AuthError("TOKEN_EXPIRED", "This passkey request has expired. Please start again.");
}
