// examples/express: the Express 5 app, served on 127.0.0.1 by its own listen(), run through the shared flow.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../examples/express/app.js";
import { nodeAppSuite } from "./node-app-flow.js";

nodeAppSuite("Express", async (auth, options) => {
  const server = await new Promise<Server>((resolve) => {
    const s: Server = createApp(auth, options).listen(0, "127.0.0.1", () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
});
