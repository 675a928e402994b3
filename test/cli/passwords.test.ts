// `hash` and `verify`: the password only ever from stdin, hashes the library verifies, exit 0 / 1 / 2, and no
// password or hash in any error.
import { spawn, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { AuthSkill } from "../../src/index.js";
import { SECRET } from "../helpers.js";
import { CLI, runCli } from "./run-cli.js";

const PASSWORD = "Canary-pass phrase-7c1e";
const auth = new AuthSkill({ secret: SECRET });

describe.concurrent("hash", () => {
  it("hashes the password piped in (one trailing line ending dropped) with argon2id m=19456 t=2 p=1", async () => {
    const { code, stdout, stderr } = await runCli(["hash"], { input: `${PASSWORD}\n` });
    expect([code, stderr]).toEqual([0, ""]);
    expect(stdout).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+\n$/);
    const hash = stdout.trim();
    expect(await auth.verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await auth.verifyPassword(`${PASSWORD}\n`, hash)).toBe(false);
    const crlf = await runCli(["hash"], { input: `${PASSWORD}\r\n` });
    expect(await auth.verifyPassword(PASSWORD, crlf.stdout.trim())).toBe(true);
  });

  it("--hasher bcrypt makes a cost-12 bcrypt hash", async () => {
    const { code, stdout } = await runCli(["hash", "--hasher", "bcrypt"], { input: PASSWORD });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\$2b\$12\$/);
    expect(await auth.verifyPassword(PASSWORD, stdout.trim())).toBe(true);
  });

  it("refuses a password given as an argument or option (exit 2), without repeating it and without reading stdin", async () => {
    for (const args of [["hash", PASSWORD], [`--password=${PASSWORD}`], ["--password", PASSWORD], ["-p", PASSWORD]]) {
      const argv = args[0] === "hash" ? args : ["hash", ...args];
      const { code, stdout, stderr } = await runCli(argv, { input: "piped-password\n" });
      expect(code, argv.join(" ")).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain("never from the command line");
      expect(stderr).not.toContain(PASSWORD);
      expect(stderr).not.toContain("piped-password");
    }
  });

  it("an empty stdin, an over-long password or an invalid one: exit 1, the password never echoed", async () => {
    const empty = await runCli(["hash"], { input: "" });
    expect([empty.code, empty.stdout]).toEqual([1, ""]);
    expect(empty.stderr).toContain("no password on stdin");
    const long = `${PASSWORD}${"x".repeat(5000)}`;
    const over = await runCli(["hash"], { input: long });
    expect(over.code).toBe(1);
    expect(over.stderr).toBe("auth-skill: INVALID_INPUT: Password must be at most 4096 characters long.\n");
    const tooBigForBcrypt = await runCli(["hash", "--hasher", "bcrypt"], { input: `${PASSWORD}${"y".repeat(80)}` });
    expect(tooBigForBcrypt.code).toBe(1);
    expect(tooBigForBcrypt.stderr).toContain("WEAK_PASSWORD");
    for (const run of [over, tooBigForBcrypt]) expect(run.stderr).not.toContain(PASSWORD);
  });
});

describe.concurrent("verify", () => {
  it("exit 0 on a match, 1 on a mismatch, for argon2id and bcrypt hashes", async () => {
    const argon = await auth.hashPassword(PASSWORD);
    const bcrypt = await new AuthSkill({ secret: SECRET, password: { hasher: "bcrypt", bcryptCost: 10 } }).hashPassword(PASSWORD);
    for (const hash of [argon, bcrypt]) {
      const match = await runCli(["verify", hash], { input: `${PASSWORD}\n` });
      expect([match.code, match.stdout, match.stderr]).toEqual([0, "match\n", ""]);
      const mismatch = await runCli(["verify", hash], { input: "wrong password" });
      expect([mismatch.code, mismatch.stdout]).toEqual([1, ""]);
      expect(mismatch.stderr).toBe("auth-skill: the password does not match\n");
      expect(mismatch.stderr).not.toContain(hash);
    }
  });

  it("normalises as the library does (NFKC): a hash of the composed form matches the decomposed input", async () => {
    const hash = await auth.hashPassword("Cafe\u0301 au lait, s'il vous plaît");
    const { code } = await runCli(["verify", hash], { input: "Café au lait, s'il vous plaît" });
    expect(code).toBe(0);
  });

  it("a value that is no known hash is a usage error (exit 2) that does not repeat it", async () => {
    const { code, stderr } = await runCli(["verify", "not-a-hash-Canary"], { input: PASSWORD });
    expect(code).toBe(2);
    expect(stderr).toContain("is not an argon2 (PHC), bcrypt or Better Auth scrypt hash");
    expect(stderr).not.toContain("not-a-hash-Canary");
  });

  it("refuses a password after the hash (exit 2), without repeating either", async () => {
    const hash = await auth.hashPassword(PASSWORD);
    const { code, stderr } = await runCli(["verify", hash, PASSWORD]);
    expect(code).toBe(2);
    expect(stderr).toContain("never from the command line");
    expect(stderr).not.toContain(PASSWORD);
    expect(stderr).not.toContain(hash);
  });
});

/**
 * Runs the binary on a pseudo-terminal (util-linux `script`), types `keys` once the prompt shows, and resolves
 * everything the terminal displayed and the exit code.
 */
function onTerminal(args: string[], keys: string): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(" ");
  const child = spawn("script", ["-qec", command, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"], timeout: 30_000 });
  let screen = "";
  let typed = false;
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    screen += chunk;
    if (!typed && screen.includes("Password: ")) {
      typed = true;
      child.stdin.write(keys);
    }
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, screen }));
  });
}

const hasScript = spawnSync("script", ["--version"]).status === 0;
if (!hasScript && process.env.CI) throw new Error("util-linux `script` is missing: CI must run the terminal tests, never skip them");

describe.skipIf(!hasScript).concurrent("at a terminal", () => {
  it("hash prompts on the terminal and reads the password without echoing it (backspace edits)", async () => {
    const { code, screen } = await onTerminal(["hash"], `${PASSWORD}x\u007f\r`);
    expect(code).toBe(0);
    expect(screen).not.toContain(PASSWORD);
    const hash = /\$argon2id\$\S+/.exec(screen)?.[0];
    expect(hash).toBeDefined();
    expect(await auth.verifyPassword(PASSWORD, hash!)).toBe(true);
  });

  it("Ctrl-C at the prompt aborts with exit 130, nothing hashed", async () => {
    const { code, screen } = await onTerminal(["hash"], "secret-typed\u0003");
    expect(code).toBe(130);
    expect(screen).not.toContain("$argon2id$");
    expect(screen).not.toContain("secret-typed");
  });
});
