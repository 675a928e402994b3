/**
 * "auth-skill/node": serves the Web-standard handler of "auth-skill/http" (or any `Request` -> `Response`
 * function) from Node's `node:http`, Express and Fastify. It imports only Node built-ins.
 */
export { toNodeHandler } from "./to-node-handler.js";
export type { FetchHandler, NodeHandler } from "./to-node-handler.js";
