import { describe } from "vitest";
import { memoryRateLimitStore, memoryStorage } from "../../src/index.js";
import { concurrencyScenarios } from "./scenarios.js";

describe("rate limits under concurrency (memory store)", () => {
  concurrencyScenarios(() => ({ storage: memoryStorage(), rateLimit: { store: memoryRateLimitStore() } }));
});
