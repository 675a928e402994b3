// The two Node <-> Web converters compared in bench/node-adapter.bench.ts and held to the same tests in
// test/node/converters.test.ts: auth-skill/node (@hono/node-server's getRequestListener) and a hand-written one.
import { toNodeHandler, type FetchHandler, type NodeHandler } from "../../src/node/index.js";
import { handWrittenNodeHandler } from "./hand-written/index.js";

export const CONVERTERS: Record<"@hono/node-server" | "hand-written", (handler: FetchHandler) => NodeHandler> = {
  "@hono/node-server": toNodeHandler,
  "hand-written": handWrittenNodeHandler,
};
