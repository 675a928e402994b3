/**
 * Parts of the contract an adapter may declare it does not support; their tests are skipped. `roles`: storing
 * non-empty roles (users must still read as `roles: []`).
 */
export type StorageCapability = "usernames" | "verifications" | "cleanup" | "roles";
