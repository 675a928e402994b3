import { CliFailure, readStdin, withoutLineEnding } from "./io.js";

/** A password is at most 4,096 UTF-16 units (the library's cap); four bytes each in UTF-8, plus a line ending. */
const MAX_PASSWORD_BYTES = 4096 * 4 + 2;

/** Reads one line from a terminal without echoing it, after a prompt on stderr; Ctrl-C aborts (exit 130). */
function readHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let line = "";
    const done = (result: () => void) => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      process.stderr.write("\n");
      result();
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n" || char === "\u0004") return done(() => resolve(line));
        if (char === "\u0003") return done(() => reject(new CliFailure("aborted", 130)));
        if (char === "\u007f" || char === "\b") line = [...line].slice(0, -1).join("");
        else line += char;
        if (line.length > 4096) return done(() => reject(new CliFailure("the password is longer than 4096 characters")));
      }
    };
    input.on("data", onData);
  });
}

/**
 * The password from stdin: typed without echo at a terminal, else the piped input with one trailing line ending
 * removed. Never from the command line. An empty password is a failure.
 *
 * @example
 * ```ts
 * const password = await readPassword(); // echo -n 'pass phrase' | auth-skill hash
 * ```
 */
export async function readPassword(): Promise<string> {
  const password = process.stdin.isTTY ? await readHidden("Password: ") : withoutLineEnding(await readStdin(process.stdin, MAX_PASSWORD_BYTES));
  if (password === "") throw new CliFailure("no password on stdin (pipe it in, or type it at the prompt)");
  return password;
}
