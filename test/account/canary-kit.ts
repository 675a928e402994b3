// The canary test's tools: the known secret values ("canaries") and every form an attacker could use, what the
// library printed, threw, emitted and mailed, and the scan that says which canary leaked where.
import { inspect } from "node:util";
import { vi } from "vitest";
import { memoryStorage, type EmailMessage, type StorageAdapter } from "../../src/index.js";

/** Every leak is found through a piece of this many characters (or through the whole value, if shorter). */
const PIECE = 12;
const B64URL = /^[A-Za-z0-9_-]{16,}$/;

/** One thing the library output (a line, an event, an error's rendering) and where it came from. */
export interface Output {
  where: string;
  text: string;
  /** A driver error the storage threw may appear here (the `cause` of a STORAGE_ERROR), and only here. */
  mayHoldCause?: boolean;
}

/** The known secret values, each under a label that names it without printing it. */
export class Canaries {
  readonly #pieces = new Map<string, string>();
  readonly #short = new Map<string, string>();

  /**
   * A secret value: the value, its UTF-8 bytes as hex, base64 and base64url, and (for a base64url value) its
   * decoded bytes as hex and base64. Each is registered as all its pieces of {@link PIECE} characters.
   */
  add(label: string, value: string): void {
    if (value.length < PIECE) {
      if (!this.#short.has(value)) this.#short.set(value, label);
      return;
    }
    const utf8 = Buffer.from(value, "utf8");
    const forms = [value, utf8.toString("hex"), utf8.toString("base64"), utf8.toString("base64url")];
    if (B64URL.test(value)) forms.push(Buffer.from(value, "base64url").toString("hex"), Buffer.from(value, "base64url").toString("base64"));
    for (const form of forms)
      for (let i = 0; i + PIECE <= form.length; i++) if (!this.#pieces.has(form.slice(i, i + PIECE))) this.#pieces.set(form.slice(i, i + PIECE), label);
  }

  /** A refresh token `<kid>.<sid>.<gen>.<random>.<tag>`: the random part and the tag (the key id and session id are not secret). */
  refreshToken(label: string, token: string): void {
    const [random, tag] = token.split(".").slice(-2);
    this.add(`${label} (random part)`, random!);
    this.add(`${label} (tag)`, tag!);
  }

  /** An access token: its signature (header and claims are readable by anyone holding it). */
  accessToken(label: string, jwt: string): void {
    this.add(`${label} (signature)`, jwt.split(".")[2]!);
  }

  /** A stored password hash: its long `$` segments (salt, digest), not the public algorithm and costs. */
  passwordHash(label: string, hash: string): void {
    for (const segment of hash.split("$")) if (segment.length >= 16) this.add(label, segment);
  }

  /** Which canaries occur in which outputs: `label in where`, never the value itself. */
  scan(outputs: readonly Output[], skip: (label: string, output: Output) => boolean = () => false): string[] {
    const found = new Set<string>();
    for (const output of outputs) {
      const { text } = output;
      for (let i = 0; i + PIECE <= text.length; i++) {
        const label = this.#pieces.get(text.slice(i, i + PIECE));
        if (label !== undefined && !skip(label, output)) found.add(`${label} in ${output.where}`);
      }
      for (const [value, label] of this.#short) if (text.includes(value) && !skip(label, output)) found.add(`${label} in ${output.where}`);
    }
    return [...found].sort();
  }

  get size(): number {
    return this.#pieces.size + this.#short.size;
  }
}

/** Every rendering of a thrown value a service might log or answer with. */
export function renderError(where: string, err: unknown): Output[] {
  if (!(err instanceof Error)) return [{ where: `${where}: thrown value`, text: inspect(err, { depth: 10 }) }];
  const own = Object.fromEntries(Object.entries(err));
  return [
    { where: `${where}: message`, text: err.message },
    { where: `${where}: JSON`, text: JSON.stringify(err) ?? "" },
    { where: `${where}: String()`, text: String(err) },
    { where: `${where}: stack`, text: err.stack ?? "" },
    { where: `${where}: own properties`, text: JSON.stringify(own) },
    // what console.log(err) prints: the cause chain included
    { where: `${where}: inspect (with cause)`, text: inspect(err, { depth: 10 }), mayHoldCause: true },
  ];
}

/** Records every console call and every write to stdout / stderr (nothing is printed while it runs). */
export function captureConsole(outputs: Output[]): () => void {
  const methods = ["log", "info", "warn", "error", "debug", "trace", "dir", "table"] as const;
  const spies = methods.map((m) =>
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      outputs.push({ where: `console.${m}`, text: args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 10 }))).join(" ") });
    }),
  );
  const writes = (["stdout", "stderr"] as const).map((name) =>
    vi.spyOn(process[name], "write").mockImplementation((chunk: unknown) => {
      outputs.push({ where: `process.${name}`, text: typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8") });
      return true;
    }),
  );
  return () => {
    for (const spy of [...spies, ...writes]) spy.mockRestore();
  };
}

/** In the driver error the failing storage throws: a STORAGE_ERROR may keep it as `cause`, never in its own text. */
export const DRIVER_CANARY = "driver-canary-Zq81LmXw47PbTe02";

const SECRET_FIELDS = new Set(["passwordHash", "tokenHash", "successor"]);

/**
 * memoryStorage that registers every password hash, token hash and sealed successor the library hands it
 * (records, patches, rotations, lookups) as a canary, and fails every call while `mode.failing`.
 */
export function recordingStorage(canaries: Canaries, mode: { failing: boolean }): StorageAdapter {
  const base = memoryStorage() as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const collect = (value: unknown, key: string): void => {
    if (typeof value === "string" && SECRET_FIELDS.has(key)) {
      if (key === "passwordHash") canaries.passwordHash("stored password hash", value);
      else canaries.add(`stored ${key}`, value);
    } else if (typeof value === "object" && value !== null && !(value instanceof Date)) {
      for (const [k, v] of Object.entries(value)) collect(v, k);
    }
  };
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(base)) {
    wrapped[name] = async (...args: unknown[]) => {
      if (mode.failing) throw new Error(`ECONNRESET in ${name}: INSERT ... VALUES ($1 = '${DRIVER_CANARY}')`);
      for (const [i, arg] of args.entries()) collect(arg, i === 0 && /Verification$/.test(name) ? "tokenHash" : "");
      return method(...args);
    };
  }
  return wrapped as unknown as StorageAdapter;
}

/** How `email.send` behaves: deliver, throw synchronously, or reject (each failure quotes the token, as a mailer might). */
export type MailMode = { mode: "deliver" | "throw" | "reject" };

/** An `email.send` that keeps each message, registers its token as a canary and records every other field. */
export function recordingMailer(canaries: Canaries, outputs: Output[], problems: string[], mailMode: MailMode) {
  const inbox: EmailMessage[] = [];
  const send = (m: EmailMessage): unknown => {
    if (m.token !== null) canaries.add(`mailed ${m.kind} token`, m.token);
    if ("passwordHash" in m.user) problems.push(`EmailMessage.user of a ${m.kind} message has passwordHash`);
    outputs.push({ where: `EmailMessage (${m.kind}) without its token`, text: JSON.stringify({ ...m, token: m.token === null ? null : "<token>" }) });
    inbox.push(m);
    if (mailMode.mode === "throw") throw new Error(`SMTP 554 refused message with body ${m.token}`);
    if (mailMode.mode === "reject") return Promise.reject(new Error(`SMTP 554 refused message with body ${m.token}`));
    return undefined;
  };
  /** The token of the newest message of `kind` to `to`. */
  const tokenFor = (to: string, kind: EmailMessage["kind"]): string => {
    const m = inbox.findLast((x) => x.to === to && x.kind === kind && x.token !== null);
    if (!m) throw new Error(`no ${kind} message to ${to}`);
    return m.token!;
  };
  return { inbox, send, tokenFor };
}

/** Lets background work (mail requests) and event delivery (a later turn each) finish. */
export async function drain(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
