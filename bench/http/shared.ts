// Names and messages shared by the HTTP benchmark's parent (bench/http.bench.ts), its servers and its client.

/** The servers bench/http/servers.ts can run, one per process. */
export const SERVERS = ["ours-listener", "ours-hand", "hono-jwt", "fastify-jwt", "fastify-jwt-cache", "signin"] as const;
export type ServerName = (typeof SERVERS)[number];

/** Every server and client binds or connects here only. */
export const LOOPBACK = "127.0.0.1";
/** What every guard checks beyond the signature: AuthSkill's default issuer and audience. */
export const ISSUER = "auth-skill";
export const AUDIENCE = "auth-skill";

/** Accounts the signin server seeds; signin number `i` uses account `i % USERS`. */
export const USERS = 32;
export const signinEmail = (i: number) => `user${i % USERS}@example.com`;

/** Parent -> server: mark the CPU clock, read CPU time since the mark, or run `count` bare signins. */
export type ServerCommand = { cmd: "mark" } | { cmd: "read" } | { cmd: "bare"; count: number; concurrency: number };

/**
 * Parent -> client: one load run of `amount` requests over `connections` keep-alive connections.
 * `tokens`: "distinct" = a fresh token on every request, "per-connection" = one token per connection, reused.
 */
export type ClientRun =
  | { kind: "protected"; port: number; connections: number; amount: number; tokens: "distinct" | "per-connection" }
  | { kind: "signin"; port: number; connections: number; amount: number; path: string };

/** The signin server's two routes: the handler's, and a minimal hand-written one calling `auth.signin` (for scale). */
export const SIGNIN_PATHS = { handler: "/auth/signin", minimal: "/minimal/signin" } as const;

/** Client -> parent: what one run did. `cpuMs` is the client's own CPU time during the run. */
export interface ClientResult {
  ok: number;
  non2xx: number;
  errors: number;
  ms: number;
  cpuMs: number;
}
