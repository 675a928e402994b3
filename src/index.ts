export { AuthSkill } from "./auth-skill.js";
export type { AuthSkillConstructor } from "./auth-skill.js";
export { hasRole } from "./account/roles.js";
export { can, requirePermission } from "./account/permissions.js";
export { requireAmr } from "./account/amr.js";
export type { PermissionMap } from "./account/permissions.js";
export type { AuthEvent, AuthEventBase, AuthEventType, EmailKind, SecondFactorKind, SigninFailureReason, SigninMethod } from "./account/events.js";
export type { MfaChallenge, PasskeyInfo, PasskeysApi, SecondFactorInput, SigninResult, TotpApi, TotpRuntime, TotpStatus } from "./second-factor/types.js";
export type { PasskeysModule, SecondFactorHost, TotpModule } from "./second-factor/host.js";
export type { EmailMessage, EmailOptions } from "./account/mail.js";
export type { SessionInfo } from "./account/users.js";
export type { PolicyViolation } from "./password/policy.js";
export { AuthError, AUTH_ERROR_STATUS, isAuthError } from "./errors.js";
export type { AuthErrorCode, AuthErrorDetails } from "./errors.js";
export type { Argon2Options, AuthSkillOptions, RateLimitOptions, TokenLifetimes } from "./option-types.js";
export type { Duration } from "./duration.js";
export type {
  AccessTokenClaims,
  AuthResult,
  PendingVerification,
  RequestContext,
  SigninContext,
  SigninInput,
  SignupInput,
  StartSessionOptions,
  User,
} from "./types.js";
export { memoryStorage } from "./storage/memory.js";
export type {
  CreateUserResult,
  DeletedCounts,
  RotateSessionInput,
  SessionRecord,
  SessionSummary,
  StorageAdapter,
  StoragePolicy,
  UpdateUserResult,
  UserPatch,
  UserRecord,
  VerificationRecord,
  ActivateTotpInput,
  PasskeyRecord,
  SecondFactorCodec,
  SecondFactorStorage,
  TotpRecord,
} from "./storage/adapter.js";
export type { PasswordHasher, HasherChoice } from "./password/hasher.js";
export type { PepperKey } from "./password/pepper.js";
export { argon2idHasher, ARGON2_DEFAULTS } from "./password/argon2.js";
export type { Argon2Params } from "./password/argon2.js";
export { bcryptHasher } from "./password/bcrypt.js";
export { betterAuthScryptHasher } from "./password/scrypt.js";
export { isCommonPassword } from "./password/policy.js";
export { generateSigningKey } from "./tokens/key-ring.js";
export { memoryRateLimitStore } from "./rate-limit/store.js";
export type { RateLimitStore, ReserveOptions } from "./rate-limit/store.js";
export type { SigningAlgorithm } from "./tokens/algorithms.js";
