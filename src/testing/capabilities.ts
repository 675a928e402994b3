/**
 * Parts of the contract an adapter may declare it does not support; their tests are skipped. `roles`: storing
 * non-empty roles (users must still read as `roles: []`). `secondFactors`: `StorageAdapter.secondFactors` (TOTP,
 * recovery codes, passkeys); an adapter without them that does not declare it fails the suite.
 */
export type StorageCapability = "usernames" | "verifications" | "cleanup" | "roles" | "secondFactors";
