// npx tsx examples/hono/server.ts   (AUTH_SECRET and the rest from the environment; PORT, default 3000)
import { AuthSkill } from "auth-skill";
import { createApp, listen } from "./app.js";

const { port } = await listen(createApp(new AuthSkill()), Number(process.env.PORT ?? 3000));
console.log(`listening on http://127.0.0.1:${port}`);
