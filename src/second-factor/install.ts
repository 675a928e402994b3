import type { FlowParts } from "../flow-parts.js";
import type { SecondFactorCodec } from "../storage/adapter.js";
import { finishSignin } from "./challenge.js";
import type { PasskeysModule, SecondFactorHost, TotpModule } from "./host.js";

/**
 * Builds the configured second-factor modules over the flows and records them in `flows.secondFactor`, before
 * `AuthSkill` hands the flows to its methods. The storage's own codec (a store in another system's formats) wins over
 * AuthSkill's. Does nothing when neither module is configured.
 *
 * @example
 * ```ts
 * installSecondFactors(flows, secretCodec(keys), options.totp, options.passkeys);
 * ```
 */
export function installSecondFactors(flows: FlowParts, ownCodec: SecondFactorCodec, totp: TotpModule | null, passkeys: PasskeysModule | null): void {
  const factors = flows.secondFactor.factors;
  if (factors === null || (totp === null && passkeys === null)) return; // options.ts refused modules without operations
  const host: SecondFactorHost = {
    parts: flows,
    factors,
    codec: factors.codec ?? ownCodec,
    finishSignin: (user, context, how) => finishSignin(flows, user, context, how),
  };
  flows.secondFactor.totp = totp?.create(host) ?? null;
  flows.secondFactor.passkeys = passkeys?.create(host) ?? null;
}
