export { runStorageConformance } from "./conformance.js";
export type { ConformanceOptions, StorageCapability } from "./conformance.js";
