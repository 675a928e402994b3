// INTERIM (until AuthSkill takes `passkeys`): the host AuthSkill will build, made by hand from its parts.
import { AuthSkill, type memoryStorage, type AuthEvent } from "auth-skill";
import { SingleUseTokens } from "../../src/account/single-use-tokens.js";
import { resolveOptions } from "../../src/options.js";
import { Passwords } from "../../src/password/passwords.js";
import { SigninLimiter } from "../../src/rate-limit/limiter.js";
import { sessionSigner } from "../../src/session-claims.js";
import { Sessions } from "../../src/sessions.js";
import { AccessTokens } from "../../src/tokens/access-token-service.js";
import { RefreshTokenCodec } from "../../src/tokens/refresh-token.js";
import { deriveSecretKeys } from "../../src/tokens/secret-keys.js";
import type { FlowParts } from "../../src/flow-parts.js";
import type { PasskeysModule, SecondFactorHost } from "../../src/second-factor/types.js";

export function interimAuth(options: {
  secret: string;
  storage: ReturnType<typeof memoryStorage>;
  passkeys: PasskeysModule;
  onEvent: (e: AuthEvent) => void;
  rateLimit?: false;
  now?: () => Date;
}) {
  const { passkeys: module, ...rest } = options;
  const o = resolveOptions(rest);
  const keys = deriveSecretKeys(o.secrets);
  const tokens = new AccessTokens(o.accessTokens, keys);
  const sessions = new Sessions(o.storage, new RefreshTokenCodec(keys), o.sessions, sessionSigner(tokens, o.customClaims, o.permissions), o.account.emit);
  const parts: FlowParts = {
    policy: o.policy,
    now: o.now,
    storage: o.storage,
    passwords: new Passwords(o.passwords),
    limiter: o.rateLimit === false ? null : new SigninLimiter(o.rateLimit),
    sessions,
    tokens: new SingleUseTokens(keys, o.storage, o.now),
    account: o.account,
  };
  const host: SecondFactorHost = {
    parts,
    factors: o.storage.secondFactors!,
    codec: undefined as never,
    finishSignin: async (user, context, how) => {
      if (user.twoFactorEnabled && !how.verified) return { mfaRequired: true, mfaToken: "interim", mfaTokenExpiresAt: new Date(), methods: ["totp"] };
      const result = await sessions.start(user, context, { secondFactorVerified: how.verified === true, amr: how.verified ? [...how.amr, "mfa"] : how.amr });
      o.account.emit({ type: "signin.succeeded", userId: user.id, sessionId: result.sessionId, method: how.method, at: new Date() });
      return result;
    },
  };
  const auth = new AuthSkill(rest);
  return Object.assign(auth, { passkeys: module.create(host) });
}
