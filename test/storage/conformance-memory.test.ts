import { memoryStorage } from "../../src/index.js";
import { runStorageConformance } from "auth-skill/testing";

runStorageConformance("memory", () => memoryStorage());
