/**
 * Signing in by mail — magic links and email codes — as methods `AuthSkill` inherits (through `AccountMethods`).
 * Each is a thin call into its flow in passwordless.ts.
 */
import type { FlowParts } from "../flow-parts.js";
import { SecondFactorMethods } from "../second-factor/methods.js";
import type { SigninResult } from "../second-factor/types.js";
import type { RequestContext, SigninContext } from "../types.js";
import { requestEmailCode, requestMagicLink, signinWithEmailCode, signinWithMagicLink } from "./passwordless.js";

/** The passwordless methods of `AuthSkill`; not constructed on its own. */
export abstract class PasswordlessMethods<R extends SigninResult = SigninResult> extends SecondFactorMethods {
  readonly #flows: FlowParts;

  protected constructor(flows: FlowParts) {
    super(flows);
    this.#flows = flows;
  }

  /**
   * Mails a sign-in link to the account with this email, if there is one (`email.send` gets `kind: "magic-link"`,
   * the token in `token`: put it in a link to a page of yours that POSTs it back, so that mail scanners opening
   * links do not spend it). Resolves the same way, in the same time, whether or not the address has an account:
   * the lookup, the token and the send happen after it resolves. A new request voids the link sent before; a link
   * lives `tokens.magicLink` (default 15 minutes). `RATE_LIMITED` past `rateLimit.emailAddress` or
   * `rateLimit.emailClient`; `CONFIG_ERROR` without the `email` option. Nobody is signed up this way: an address
   * without an account gets no mail.
   *
   * @example
   * ```ts
   * await auth.requestMagicLink({ email: body.email }, { ip });
   * return new Response("If this address has an account, we have sent it a link.", { status: 202 });
   * ```
   */
  requestMagicLink(input: { email: string }, context: RequestContext = {}): Promise<void> {
    return requestMagicLink(this.#flows, input, context);
  }

  /**
   * Signs in with the token of a magic link: spends it (of concurrent uses exactly one wins), marks the address
   * verified (the link reached it), and starts a session whose access tokens carry `amr: ["email"]`. The session
   * passes the same gates as a password signin (`ACCOUNT_DISABLED`, `MFA_REQUIRED`). `TOKEN_INVALID` for an
   * unknown, used or voided token or one sent to an address the account has since left; `TOKEN_EXPIRED` after
   * its lifetime. `context.rememberMe: false` starts a session that ends with the browser, as `signin`'s does.
   *
   * @example
   * ```ts
   * const { accessToken, refreshToken } = await auth.signinWithMagicLink({ token: form.token }, { ip, userAgent });
   * ```
   */
  signinWithMagicLink(input: { token: string }, context: SigninContext = {}): Promise<R> {
    return signinWithMagicLink(this.#flows, input, context) as Promise<R>;
  }

  /**
   * Mails a six-digit sign-in code to the account with this email, if there is one (`email.send` gets
   * `kind: "email-code"`, the code in `token`). Answers like {@link AuthSkill.requestMagicLink}: the
   * same way and in the same time whether or not the address has an account, within the same mail limits. A new
   * request voids the code sent before; a code lives `tokens.emailCode` (default 15 minutes) and allows five
   * attempts.
   *
   * @example
   * ```ts
   * await auth.requestEmailCode({ email: body.email }, { ip });
   * ```
   */
  requestEmailCode(input: { email: string }, context: RequestContext = {}): Promise<void> {
    return requestEmailCode(this.#flows, input, context);
  }

  /**
   * Signs in with an emailed code. Each try costs one of the code's five attempts, reserved before the code is
   * compared (concurrent guesses test no more than five; after them the code is void) and one of the account's and
   * the client's signin attempts (`rateLimit.account`, `rateLimit.client`). A wrong code, an unknown address, a
   * used, voided or expired code are all the same `TOKEN_INVALID`. Then as a magic link: the address verified, the
   * gates passed, `amr: ["email"]`.
   *
   * @example
   * ```ts
   * const result = await auth.signinWithEmailCode({ email: form.email, code: form.code }, { ip, userAgent });
   * ```
   */
  signinWithEmailCode(input: { email: string; code: string }, context: SigninContext = {}): Promise<R> {
    return signinWithEmailCode(this.#flows, input, context) as Promise<R>;
  }
}
