// A child process of the HTTP benchmark, spoken to over IPC.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A child process spoken to over IPC: `ask` sends a message and resolves the next one back. */
export class Peer {
  readonly #child: ChildProcess;
  #waiting: ((message: unknown) => void)[] = [];
  readonly ready: Promise<unknown>;

  constructor(file: string, args: string[] = []) {
    // stdout of the children goes to our stderr: our stdout is the markdown section
    this.#child = fork(fileURLToPath(new URL(file, import.meta.url)), args, { execArgv: process.execArgv, stdio: ["ignore", 2, 2, "ipc"] });
    this.#child.on("message", (message) => this.#waiting.shift()?.(message));
    this.ready = this.#next();
    this.#child.on("exit", (code, signal) => {
      // anyone still waiting would wait forever: fail them with the cause
      for (const answer of this.#waiting.splice(0)) answer(new Error(`${file} ${args.join(" ")} exited (${code ?? signal}) before answering`));
    });
  }

  #next(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#waiting.push((m) => (m instanceof Error ? reject(m) : resolve(m)));
    });
  }

  ask<T>(message: object): Promise<T> {
    const answer = this.#next() as Promise<T>;
    this.#child.send(message);
    return answer;
  }

  stop(): void {
    this.#child.kill();
  }
}
