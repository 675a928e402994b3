import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Peer } from "./peer.js";
const mode = process.argv[2]!;
const client = new Peer("./client.ts");
await client.ready;
const child = fork(fileURLToPath(new URL("./servers.ts", import.meta.url)), ["signin"], { execArgv: [...process.execArgv, "--cpu-prof", "--cpu-prof-dir=/tmp/prof/signin-" + mode], stdio: ["ignore", 2, 2, "ipc"] });
const port = await new Promise<number>((r) => child.once("message", (m: { port: number }) => r(m.port)));
const ask = (m: object) => new Promise((r) => { child.once("message", r); child.send(m); });
for (let i = 0; i < 3; i++) {
  await ask({ cmd: "mark" });
  if (mode === "bare") await ask({ cmd: "bare", count: 64, concurrency: 32 });
  else await client.ask({ kind: "signin", port, connections: 32, amount: 64 });
  console.log(mode, await ask({ cmd: "read" }));
}
child.disconnect();
await new Promise((r) => child.once("exit", r));
client.stop();
