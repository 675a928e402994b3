/**
 * Input and output of the `auth-skill` command: failures with their exit code, stdin read with a cap, JSON out.
 * Nothing here ever writes a password, secret, private key or token it was given.
 */

/** Exit codes, as Unix users expect them: 0 success, 1 failure, 2 usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** A failure the command reports on stderr (its message, which never holds a secret) before exiting with `exitCode`. */
export class CliFailure extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.failure) {
    super(message);
    this.name = "CliFailure";
    this.exitCode = exitCode;
  }
}

/**
 * A usage error (exit 2): a wrong or missing argument or option.
 *
 * @example
 * ```ts
 * throw usageError('--alg must be "EdDSA", "ES256" or "RS256"');
 * ```
 */
export function usageError(message: string): CliFailure {
  return new CliFailure(message, EXIT.usage);
}

/** The most bytes read from stdin: a password is capped at 4,096 UTF-16 units, a token at 8 KiB, a key file far below. */
export const MAX_STDIN_BYTES = 1024 * 1024;

/**
 * Reads stdin to its end (at most `maxBytes`, else a failure that says so without repeating the input) as UTF-8.
 *
 * @example
 * ```ts
 * const text = await readStdin(process.stdin);
 * ```
 */
export async function readStdin(stream: NodeJS.ReadableStream, maxBytes = MAX_STDIN_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxBytes) throw new CliFailure(`stdin holds more than ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The text with one trailing line ending removed (`echo secret | auth-skill hash` appends "\n"; Windows "\r\n").
 *
 * @example
 * ```ts
 * withoutLineEnding("hunter2\n"); // "hunter2"
 * ```
 */
export function withoutLineEnding(text: string): string {
  if (text.endsWith("\r\n")) return text.slice(0, -2);
  if (text.endsWith("\n")) return text.slice(0, -1);
  return text;
}

/**
 * Writes a value as indented JSON and a newline to stdout.
 *
 * @example
 * ```ts
 * printJson({ keys: [] });
 * ```
 */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
