// examples/fastify: the Fastify 5 app, listening on 127.0.0.1 (port 0), run through the shared flow.
import { createApp } from "../../examples/fastify/app.js";
import { nodeAppSuite } from "./node-app-flow.js";

nodeAppSuite("Fastify", async (auth, options) => {
  const app = createApp(auth, options);
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url, close: () => app.close() };
});
