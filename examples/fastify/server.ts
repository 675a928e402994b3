// `npx tsx examples/fastify/server.ts`: the app on a real AuthSkill (AUTH_SECRET from the environment).
import { AuthSkill } from "auth-skill";
import { createApp } from "./app.js";

const port = Number(process.env.PORT ?? 3000);
const app = createApp(new AuthSkill(), { trustedProxies: process.env.TRUSTED_PROXIES ? Number(process.env.TRUSTED_PROXIES) : undefined });
console.log(`listening on ${await app.listen({ port, host: "127.0.0.1" })}`);
