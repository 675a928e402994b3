/**
 * "auth-skill/node": serves the Web-standard handler of "auth-skill/http" (or any `Request` -> `Response`
 * function) from Node's `node:http`, Express and Fastify, through `@hono/node-server` (an optional peer
 * dependency, loaded only by this entry).
 */
export { toNodeHandler } from "./to-node-handler.js";
export type { FetchHandler, NodeHandler } from "./to-node-handler.js";
