// The binary's frame: --help, --version, exit codes (0 ok, 1 failure, 2 usage), parser errors that never repeat a
// mistyped secret, and `secret`.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string; bin: Record<string, string> };

describe("auth-skill (the binary)", () => {
  it("is the package's bin", () => {
    expect(pkg.bin).toEqual({ "auth-skill": "./dist/cli.js" });
    expect(readFileSync(new URL("../../dist/cli.js", import.meta.url), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("loads only its dependencies up front: kysely and the drivers only when migrate or schema runs", () => {
    const pkgDeps = Object.keys((JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { dependencies: object }).dependencies);
    const code = readFileSync(new URL("../../dist/cli.js", import.meta.url), "utf8");
    const staticImports = [...code.matchAll(/^(?:import|export)\b[^'"\n]*?from\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? m[2]!);
    const packages = [...new Set(staticImports.filter((s) => !s.startsWith("node:")))].sort();
    expect(packages).toEqual(["jose", "zod"]); // commander is bundled into the binary
    expect(packages.every((p) => pkgDeps.includes(p))).toBe(true);
    const dynamic = [...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
    expect(dynamic).toEqual(expect.arrayContaining(["kysely", "auth-skill/kysely", "pg", "mysql2", "better-sqlite3"]));
  });

  it("--help lists every command on stdout, exit 0", async () => {
    const { code, stdout, stderr } = await runCli(["--help"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    for (const command of ["secret", "keygen", "jwks", "hash", "verify", "token", "migrate", "schema"])
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  });

  it("<command> --help and help <command> describe the command, exit 0", async () => {
    const a = await runCli(["keygen", "--help"]);
    const b = await runCli(["help", "keygen"]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout).toContain("--alg <alg>");
    expect(b.stdout).toBe(a.stdout);
    const sub = await runCli(["token", "verify", "--help"]);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain("--jwks <file|url>");
  });

  it("--version and -V print the package's version, exit 0", async () => {
    for (const flag of ["--version", "-V"]) {
      const { code, stdout } = await runCli([flag]);
      expect(code).toBe(0);
      expect(stdout).toBe(`${pkg.version}\n`);
    }
  });

  it("no command: usage on stderr, exit 2", async () => {
    const { code, stdout, stderr } = await runCli([]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("Usage: auth-skill");
  });

  it("an unknown command or option is a usage error (exit 2) that never repeats what was typed", async () => {
    const canary = "hunter2-Canary-9f3a";
    const command = await runCli([canary]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command");
    const option = await runCli(["secret", `--password=${canary}`]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--password=…'");
    const choice = await runCli(["keygen", "--alg", canary]);
    expect(choice.code).toBe(2);
    expect(choice.stderr).toContain("Allowed choices are EdDSA, ES256, RS256");
    for (const run of [command, option, choice]) expect(run.stdout + run.stderr).not.toContain(canary);
  });

  it("a missing argument or mandatory option is a usage error naming it", async () => {
    const a = await runCli(["jwks"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain("missing required argument 'file'");
    const b = await runCli(["keygen"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("required option '--alg <alg>' not specified");
  });

  it("secret prints a fresh 256-bit base64url secret the library accepts, exit 0", async () => {
    const runs = await Promise.all([runCli(["secret"]), runCli(["secret"])]);
    const secrets = runs.map((r) => {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
      return r.stdout.trim();
    });
    expect(Buffer.from(secrets[0]!, "base64url")).toHaveLength(32);
    expect(secrets[0]).not.toBe(secrets[1]);
    const { AuthSkill } = await import("../../src/index.js");
    expect(() => new AuthSkill({ secret: secrets[0]! })).not.toThrow();
  });
});
