// `npx tsx examples/express/server.ts`: the app on a real AuthSkill (AUTH_SECRET from the environment).
import { AuthSkill } from "auth-skill";
import { createApp } from "./app.js";

const port = Number(process.env.PORT ?? 3000);
createApp(new AuthSkill(), { trustedProxies: process.env.TRUSTED_PROXIES ? Number(process.env.TRUSTED_PROXIES) : undefined }).listen(port, "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${port}`);
});
