import { Command, CommanderError, Option } from "commander";
import { isAuthError } from "../errors.js";
import pkg from "../../package.json" with { type: "json" };
import { DIALECTS, HASHERS, KEY_ALGORITHMS } from "./choices.js";
import { CliFailure, EXIT, printJson, usageError } from "./io.js";

/** Every name the parser may quote in a message: commands, arguments, and options (flags and their long forms). */
function knownNames(program: Command): Set<string> {
  const names = new Set<string>();
  const visit = (command: Command) => {
    names.add(command.name());
    for (const argument of command.registeredArguments) names.add(argument.name());
    for (const option of command.options) for (const name of [option.flags, option.long, option.short]) if (name) names.add(name);
    command.commands.forEach(visit);
  };
  visit(program);
  return names;
}

/**
 * A parser message with every quoted piece that is not one of our own names elided: a secret typed in the
 * wrong place (`auth-skill hunter2`, `--password=hunter2`) is never repeated. An unknown option keeps its name.
 */
function scrubParserMessage(message: string, known: ReadonlySet<string>): string {
  return message.replace(/'([^'\n]*)'/g, (whole, inner: string) => {
    if (known.has(inner)) return whole;
    const name = inner.split("=")[0]!;
    if (/^--?[A-Za-z][\w-]{0,31}$/.test(name)) return `'${name}${name === inner ? "" : "=…"}'`;
    return "'…'";
  });
}

/** Refuses the arguments and unknown options a command took in only to refuse them, without repeating them. */
function refuseExtras(command: Command, why: string): void {
  if (command.args.length > command.registeredArguments.length) throw usageError(why);
}

const STDIN_ONLY = "the password is read from stdin, never from the command line (it would stay in the shell history and show in ps)";

/**
 * The `auth-skill` command line: every command, its options and help. Errors from the parser go through
 * `scrubParserMessage` (never a mistyped secret), and every failure becomes an exit code: 0, 1, or 2 for usage.
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(process.argv);
 * ```
 */
export function buildProgram(): Command {
  const program = new Command("auth-skill")
    .description("auth-skill from the command line: secrets, signing keys, password hashes, tokens and SQL migrations.")
    .version(pkg.version, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .helpCommand("help [command]", "show help for a command")
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (message, write) => write(scrubParserMessage(message, knownNames(program))) });

  program
    .command("secret")
    .description("print a fresh 256-bit secret (base64url), e.g. for AUTH_SECRET")
    .action(async () => {
      const { newSecret } = await import("./secret.js");
      process.stdout.write(`${newSecret()}\n`);
    });

  program
    .command("keygen")
    .description("print a new private signing JWK for accessToken.keys (keep it secret; publish `jwks`)")
    .addOption(new Option("--alg <alg>", "signing algorithm").choices(KEY_ALGORITHMS).makeOptionMandatory())
    .option("--kid <kid>", "key id (default: a random UUID)")
    .option("--out <file>", "write the key to a new file, mode 0600, instead of stdout")
    .action(async (options: { alg: string; kid?: string; out?: string }) => {
      const { keygen, writePrivateFile } = await import("./keys.js");
      const jwk = await keygen(options.alg, options.kid);
      if (options.out === undefined) printJson(jwk);
      else await writePrivateFile(options.out, `${JSON.stringify(jwk, null, 2)}\n`);
    });

  program
    .command("jwks")
    .description("print the public JWKS of a key file (a private JWK, an array of them, or a JWKS); '-' reads stdin")
    .argument("<file>", "key file")
    .action(async (file: string) => {
      const [{ publicJwks }, { readJsonFile }] = await Promise.all([import("./keys.js"), import("./json-file.js")]);
      printJson(await publicJwks(await readJsonFile(file, "the key file")));
    });

  program
    .command("hash")
    .description("hash a password read from stdin (typed without echo at a terminal), as auth.hashPassword does")
    .addOption(new Option("--hasher <hasher>", "hasher of the new hash").choices(HASHERS).default("argon2id"))
    .allowExcessArguments(true)
    .allowUnknownOption(true)
    .action(async (options: { hasher: string }, command: Command) => {
      refuseExtras(command, `hash takes no arguments: ${STDIN_ONLY}`);
      const [{ hashPassword }, { readPassword }] = await Promise.all([import("./password.js"), import("./password-input.js")]);
      process.stdout.write(`${await hashPassword(await readPassword(), options.hasher)}\n`);
    });

  program
    .command("verify")
    .description("check a password read from stdin against a hash: exit 0 on a match, 1 otherwise")
    .argument("<hash>", "stored hash (argon2, bcrypt or Better Auth scrypt); quote it: it holds '$'")
    .allowExcessArguments(true)
    .allowUnknownOption(true)
    .action(async (hash: string, _options: object, command: Command) => {
      refuseExtras(command, `verify takes the hash alone: ${STDIN_ONLY}`);
      const [{ verifyPassword }, { readPassword }] = await Promise.all([import("./password.js"), import("./password-input.js")]);
      if (!(await verifyPassword(await readPassword(), hash))) throw new CliFailure("the password does not match");
      process.stdout.write("match\n");
    });

  const token = program.command("token").description("look into or verify an access token (JWT)");
  token
    .command("inspect")
    .description("print a token's header and claims, UNVERIFIED (nothing is checked); '-' reads the token from stdin")
    .argument("<jwt>", "the token, or '-'")
    .action(async (jwt: string) => {
      const { inspectToken, tokenArgument } = await import("./token.js");
      const { header, claims } = inspectToken(await tokenArgument(jwt));
      process.stderr.write("UNVERIFIED: the signature and claims were NOT checked (use `auth-skill token verify`)\n");
      printJson({ UNVERIFIED: "signature and claims not checked", header, claims });
    });
  token
    .command("verify")
    .description("verify a token with AUTH_SECRETS/AUTH_SECRET (HS256) or a JWKS; print its claims, or the error code")
    .argument("<jwt>", "the token, or '-' to read it from stdin")
    .option("--jwks <file|url>", "JWKS file or http(s) URL (asymmetric keys)")
    .option("--issuer <iss>", "expected issuer (default: AUTH_ISSUER, else auth-skill)")
    .option("--audience <aud>", "expected audience, repeatable (default: AUTH_AUDIENCE, else auth-skill)", (v: string, list: string[] = []) => [...list, v])
    .action(async (jwt: string, options: { jwks?: string; issuer?: string; audience?: string[] }) => {
      const { tokenArgument, verifyToken } = await import("./token.js");
      printJson(await verifyToken(await tokenArgument(jwt), options));
    });

  program
    .command("migrate")
    .description("create or upgrade the auth-skill tables through auth-skill/kysely (idempotent, safe to run again)")
    .option("--db <url>", "sqlite:<path>, a file path, postgres://… or mysql://… (default: DATABASE_URL)")
    .option("--prefix <prefix>", "table prefix", "auth_")
    .action(async (options: { db?: string; prefix: string }) => {
      const db = options.db ?? process.env.DATABASE_URL;
      if (db === undefined || db === "") throw usageError("migrate needs --db <url> (or DATABASE_URL)");
      const { migrateDatabase } = await import("./database.js");
      const { dialect, version } = await migrateDatabase(db, options.prefix);
      process.stdout.write(`migrated the ${dialect} database to auth-skill schema version ${version}\n`);
    });

  program
    .command("schema")
    .description("print the SQL of the latest schema (CREATE ... IF NOT EXISTS), for your own migration tool")
    .addOption(new Option("--dialect <dialect>", "SQL dialect").choices(DIALECTS).makeOptionMandatory())
    .option("--prefix <prefix>", "table prefix", "auth_")
    .action(async (options: { dialect: string; prefix: string }) => {
      const { schemaSql } = await import("./database.js");
      process.stdout.write(await schemaSql(options.dialect, options.prefix));
    });

  program.exitOverride();
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/**
 * Runs the command line and resolves the exit code: 0 success (and `--help`, `--version`), 1 failure, 2 usage
 * error. Failures are one line on stderr that never holds a password, secret, private key or token.
 *
 * @example
 * ```ts
 * process.exitCode = await run(process.argv);
 * ```
 */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage; // commander wrote its message
    if (err instanceof CliFailure) {
      process.stderr.write(`auth-skill: ${err.message}\n`);
      return err.exitCode;
    }
    if (isAuthError(err)) {
      process.stderr.write(`auth-skill: ${err.code}: ${err.message}\n`);
      return EXIT.failure;
    }
    process.stderr.write(`auth-skill: unexpected ${err instanceof Error ? err.name : "error"} (details withheld: they may hold a secret)\n`);
    return EXIT.failure;
  }
}
