/**
 * The Better Auth configuration, as a Next.js app keeps it in `lib/auth.ts` (with
 * `app/api/auth/[...all]/route.ts` exporting `toNextJsHandler(auth)`). Two lines make it share its users
 * with the backend: argon2id passwords through the bridge's hasher (old scrypt hashes keep working), and
 * the jwt + bearer plugins so other services can verify its tokens and native clients can send sessions as
 * bearer tokens. Everything else is a plain Better Auth setup.
 */
import { betterAuth } from "better-auth";
import { bearer, jwt } from "better-auth/plugins";
import { betterAuthPasswordHasher } from "auth-skill/better-auth";
import { db } from "./db.js";

const devSecret = "dev-only-better-auth-secret-0123456789-abcdefghij"; // never in production: see below
if (process.env.NODE_ENV === "production" && !process.env.BETTER_AUTH_SECRET) {
  throw new Error("Set BETTER_AUTH_SECRET (e.g. `openssl rand -base64 32`).");
}

export const secret = process.env.BETTER_AUTH_SECRET ?? devSecret;
export const baseURL = process.env.BETTER_AUTH_URL ?? "http://localhost:3000";

export const auth = betterAuth({
  database: { db, type: "sqlite" },
  secret,
  baseURL,
  emailAndPassword: { enabled: true, password: betterAuthPasswordHasher() },
  plugins: [jwt(), bearer()],
  telemetry: { enabled: false },
});
