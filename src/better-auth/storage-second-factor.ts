import type { SecondFactorStorage } from "../storage/second-factor.js";
import type { Db } from "./db.js";
import { run } from "./errors.js";
import * as passkeys from "./storage-passkeys.js";
import * as totp from "./storage-totp.js";
import { betterAuthSecondFactorCodec } from "./second-factor-codec.js";
import type { KeySecrets } from "./symmetric.js";

/** What the bridge's second factors need. */
export interface BridgeSecondFactorSettings {
  db: Db;
  /** Better Auth's secret(s), as its `secretConfig`: they encrypt TOTP secrets and backup codes. */
  keySecrets: KeySecrets;
  now: () => Date;
}

/**
 * `bridge.storage.secondFactors`: TOTP on Better Auth's twoFactor plugin table (see `storage-totp.ts`), passkeys on
 * its passkey plugin table (see `storage-passkeys.ts`), with a codec in Better Auth's formats (see
 * `second-factor-codec.ts`). A Better Auth user who enabled TOTP there completes sign-in here with the same
 * authenticator and backup codes, and an enrolment made here is read by Better Auth.
 *
 * @example
 * ```ts
 * const factors = bridgeSecondFactors({ db, keySecrets: o.keySecrets, now: o.now });
 * await factors.findTotp(userId); // { secret: "9f3c...", ... } for a Better Auth user with TOTP on
 * ```
 */
export function bridgeSecondFactors(settings: BridgeSecondFactorSettings): SecondFactorStorage {
  const { db, now } = settings;
  const t = db.refresh;
  return {
    codec: betterAuthSecondFactorCodec(settings.keySecrets),
    findTotp: (userId) => run("findTotp", () => totp.findTotp(settings, userId), t),
    setPendingTotp: (userId, pendingSecret, at) => run("setPendingTotp", () => totp.setPendingTotp(settings, userId, pendingSecret, at), t),
    activateTotp: (input) => run("activateTotp", () => totp.activateTotp(settings, input), t),
    acceptTotpStep: (userId, step) => run("acceptTotpStep", () => totp.acceptTotpStep(settings, userId, step, now()), t),
    deleteTotp: (userId) => run("deleteTotp", () => totp.deleteTotp(settings, userId, now()), t),
    replaceRecoveryCodes: (userId, codes, at) => run("replaceRecoveryCodes", () => totp.replaceRecoveryCodes(settings, userId, codes, at), t),
    consumeRecoveryCode: (userId, code) => run("consumeRecoveryCode", () => totp.consumeRecoveryCode(settings, userId, code, now()), t),
    createPasskey: (record) => run("createPasskey", () => passkeys.createPasskey(db, record), t),
    findPasskey: (id) => run("findPasskey", () => passkeys.findPasskey(db, id), t),
    listPasskeys: (userId) => run("listPasskeys", () => passkeys.listPasskeys(db, userId), t),
    updatePasskey: (id, use) => run("updatePasskey", () => passkeys.updatePasskey(db, id, use), t),
    deletePasskey: (userId, id) => run("deletePasskey", () => passkeys.deletePasskey(db, userId, id), t),
  };
}
