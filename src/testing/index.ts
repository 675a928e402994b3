export { runStorageConformance } from "./conformance.js";
export { session as sessionRecord, user as userRecord } from "./fixtures.js";
export type { ConformanceOptions, StorageCapability } from "./conformance.js";
