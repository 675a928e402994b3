#!/usr/bin/env node
// Type-checks every TypeScript block of README.md and docs/*.md against the PACKED package, as users get it.
//
//   npm run docs:check          # builds dist/ first when it is missing or stale, then packs and checks
//   node scripts/docs-check.mjs --list   # only lists the blocks and what happens to each (no build, no tsc)
//
// Steps:
// 1. `npm run build` when dist/ is missing or older than its inputs (the rule test/build/package.test.ts uses).
// 2. `npm pack` into .tmp/docs-check/, and unpack the tarball as node_modules/auth-skill of a scratch project
//    (.tmp/docs-check/project, "type": "module"). The packages the snippets and the package's declarations
//    import (kysely, pg, better-sqlite3, ioredis, better-auth, jose, zod, @types/node, ...) are symlinks to
//    this repository's node_modules: no network, no install.
// 3. Every ```ts / ```typescript block becomes its own module (moduleDetection "force"), and tsc checks them
//    twice, with `strict` and `exactOptionalPropertyTypes`:
//      node16:  module node16, moduleResolution node16
//      bundler: module esnext, moduleResolution bundler
// 4. Prints each block's result; exits 1 on any error, naming the doc file and line of the error.
//
// Markers, an HTML comment alone on the line right before the opening fence (invisible once rendered):
//   <!-- excerpt -->            the block is a fragment (it continues another block, or uses names the reader
//   <!-- excerpt: why -->       supplies): it is not checked. Mark a block only when it cannot stand alone.
//   <!-- file: auth.ts -->      the block is checked as the module `auth.ts`, so that a later block of the same
//                               doc can `import { auth } from "./auth.js"`. Other blocks are `line-<N>.ts`,
//                               N being the line of their opening fence.
// Every other TypeScript block must compile as it stands: complete with its imports and declarations.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The Markdown files whose TypeScript blocks are checked: README.md and docs/*.md. */
export function docFiles(base = root) {
  const docs = readdirSync(join(base, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs];
}

const OPEN = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)(.*)$/;
const MARKER = /^\s*<!--\s*(excerpt|file)\s*(?::\s*(.*?))?\s*-->\s*$/;
const TS_LANGS = new Set(["ts", "typescript", "mts", "cts"]);
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(ts|mts|cts)$/;

/**
 * The TypeScript blocks of one Markdown text: `{ line, lang, code, excerpt, file }`, `line` being the 1-based
 * line of the opening fence (the code's first line is `line + 1`). Throws on a malformed marker or an
 * unclosed fence, so a typo never silently turns a check off.
 */
export function extractBlocks(text, docName = "<doc>") {
  const lines = text.split(/\r?\n/);
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]);
    if (!open) continue;
    const [, fence, lang] = open;
    let end = i + 1;
    // a closing fence: the same character, at least as long, nothing after it
    while (end < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[end])) end++;
    if (end >= lines.length) throw new Error(`${docName}:${i + 1}: unclosed code fence`);
    if (TS_LANGS.has(lang.toLowerCase())) {
      const before = i > 0 ? lines[i - 1] : "";
      const marker = MARKER.exec(before);
      if (!marker && /<!--\s*(excerpt|file)\b/.test(before)) throw new Error(`${docName}:${i}: malformed docs-check marker: ${before.trim()}`);
      const file = marker?.[1] === "file" ? marker[2] : undefined;
      if (marker?.[1] === "file" && !FILE_NAME.test(file ?? "")) throw new Error(`${docName}:${i}: <!-- file: NAME --> needs a plain .ts name`);
      blocks.push({ line: i + 1, lang, code: lines.slice(i + 1, end).join("\n"), excerpt: marker?.[1] === "excerpt", file });
    }
    i = end;
  }
  return blocks;
}

/** Every block of every doc, each with its doc and the module name it is checked as. */
export function collectBlocks(base = root) {
  const all = [];
  for (const doc of docFiles(base)) {
    const slug = doc.replace(/^docs\//, "").replace(/\.md$/, "");
    const seen = new Set();
    for (const block of extractBlocks(readFileSync(join(base, doc), "utf8"), doc)) {
      const module = `${slug}/${block.file ?? `line-${block.line}.ts`}`;
      if (seen.has(module)) throw new Error(`${doc}:${block.line}: a second block named ${block.file}`);
      seen.add(module);
      all.push({ ...block, doc, module });
    }
  }
  return all;
}

// ---- build and pack -------------------------------------------------------------------------------------

const OUTPUTS = ["index.js", "index.cjs", "index.d.ts", "index.d.cts"];

/** Why dist/ must be (re)built, or null: the rule of test/build/package.test.ts. */
function staleReason() {
  const dist = join(root, "dist");
  const missing = OUTPUTS.filter((file) => !existsSync(join(dist, file)));
  if (missing.length > 0) return `missing ${missing.join(", ")}`;
  const inputs = [
    ...readdirSync(join(root, "src"), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name)),
    ...["package.json", "tsup.config.ts", "tsconfig.json"].map((f) => join(root, f)),
  ];
  const oldestOutput = Math.min(...OUTPUTS.map((file) => statSync(join(dist, file)).mtimeMs));
  const newer = inputs.filter((file) => existsSync(file) && statSync(file).mtimeMs > oldestOutput);
  return newer.length > 0 ? `older than ${newer.map((f) => relative(root, f)).join(", ")}` : null;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8", ...options });
  if (result.error) throw result.error;
  return result;
}

function must(command, args, options) {
  const result = run(command, args, options);
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? ""}`);
    throw new Error(`${command} ${args.join(" ")} exited ${result.status ?? result.signal}`);
  }
  return result.stdout;
}

/** Packages symlinked into the scratch project: what the snippets and the package's declarations import. */
const LINKED = [
  "@node-rs/argon2",
  "@node-rs/bcrypt",
  "jose",
  "zod", // auth-skill's dependencies
  "kysely",
  "pg",
  "better-sqlite3",
  "ioredis",
  "better-auth",
  "vitest",
  "mysql2", // its optional peers
  "express",
  "fastify",
  "@types/express", // the frameworks docs/http.md mounts the handler in
  "@hono/node-server",
  "hono", // auth-skill/node's optional peer, and its own peer
  "otplib", // auth-skill/totp's optional peer
  "@simplewebauthn/server", // auth-skill/passkeys' optional peer
  "@types/node",
  "@types/pg",
  "@types/better-sqlite3",
];

function prepareProject(work) {
  const reason = staleReason();
  if (reason !== null) {
    console.log(`docs-check: building dist (${reason})`);
    must("npm", ["run", "build"], { stdio: ["ignore", "inherit", "inherit"] });
  }
  const packed = JSON.parse(must("npm", ["pack", "--json", "--pack-destination", work]));
  const tarball = join(work, packed[0].filename);
  const project = join(work, "project");
  const installed = join(project, "node_modules", "auth-skill");
  mkdirSync(installed, { recursive: true });
  must("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
  for (const name of LINKED) {
    const target = join(root, "node_modules", name);
    if (!existsSync(target)) throw new Error(`node_modules/${name} is missing: run npm ci`);
    mkdirSync(dirname(join(project, "node_modules", name)), { recursive: true });
    symlinkSync(target, join(project, "node_modules", name), "dir");
  }
  writeFileSync(join(project, "package.json"), `${JSON.stringify({ name: "docs-check", private: true, type: "module" }, null, 2)}\n`);
  console.log(`docs-check: ${packed[0].filename} unpacked into ${relative(root, project)}`);
  return project;
}

// ---- check ----------------------------------------------------------------------------------------------

const MODES = {
  node16: { module: "node16", moduleResolution: "node16" },
  bundler: { module: "esnext", moduleResolution: "bundler" },
};

/**
 * Type-checks the snippet modules under one mode with the TypeScript API (the CLI reports nothing but the
 * syntax errors when there are any: here every file gets both its syntactic and its semantic diagnostics).
 */
function typecheck(ts, dir, mode, files, extraOptions) {
  const compilerOptions = {
    ...MODES[mode],
    target: "ES2022",
    lib: ["ES2023"],
    types: ["node"],
    strict: true,
    exactOptionalPropertyTypes: true,
    moduleDetection: "force",
    noEmit: true,
    skipLibCheck: true,
  };
  // the same options as a tsconfig.json, for running tsc by hand in the scratch project
  writeFileSync(join(dir, `tsconfig.${mode}.json`), `${JSON.stringify({ compilerOptions, files: files.map((f) => relative(dir, f)) }, null, 2)}\n`);
  const { options, errors: optionErrors } = ts.convertCompilerOptionsFromJson(compilerOptions, dir);
  const program = ts.createProgram({ rootNames: files, options: { ...options, ...extraOptions } });
  const diagnostics = [...optionErrors, ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (source) diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
    else diagnostics.push({ category: ts.DiagnosticCategory.Error, code: 0, messageText: `${file} is not in the program` });
  }
  return diagnostics
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const message = `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n    ")}`;
      if (!d.file || d.start === undefined) return { file: "", line: 0, column: 0, message };
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return { file: d.file.fileName, line: line + 1, column: character + 1, message };
    });
}

/**
 * Writes each block as `dir/snippets/<module>` and type-checks them all under both modes. Returns, per block,
 * its errors as "doc:line [mode] TSnnnn: message", and the errors that belong to no block (`stray`).
 * `extraOptions` are added to the compiler options (the scratch project's typeRoots; `paths` in the tests).
 */
export function typecheckBlocks(ts, dir, blocks, extraOptions = {}) {
  const byFile = new Map();
  for (const b of blocks) {
    const path = join(dir, "snippets", b.module);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${b.code}\n`);
    byFile.set(path, b);
  }
  const failures = new Map(blocks.map((b) => [b, []]));
  const stray = [];
  for (const mode of Object.keys(MODES)) {
    for (const error of typecheck(ts, dir, mode, [...byFile.keys()], extraOptions)) {
      const block = byFile.get(error.file);
      if (block) failures.get(block).push(`${block.doc}:${block.line + error.line} [${mode}] ${error.message}`);
      else stray.push(`${error.file ? relative(dir, error.file) : "tsc"}${error.line ? `(${error.line},${error.column})` : ""} [${mode}] ${error.message}`);
    }
  }
  return { failures, stray };
}

function main() {
  const started = Date.now();
  const blocks = collectBlocks();
  const checked = blocks.filter((b) => !b.excerpt);
  if (process.argv.includes("--list")) {
    for (const b of blocks) console.log(`${b.excerpt ? "excerpt" : "check  "}  ${b.doc}:${b.line}${b.excerpt ? "" : `  -> ${b.module}`}`);
    console.log(`docs-check: ${blocks.length} blocks, ${checked.length} checked, ${blocks.length - checked.length} excerpts`);
    return 0;
  }
  const work = join(root, ".tmp", "docs-check");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const ts = createRequire(import.meta.url)("typescript");
  const project = prepareProject(work);
  const { failures, stray } = typecheckBlocks(ts, project, checked, { typeRoots: [join(project, "node_modules", "@types")] });
  let failed = stray.length > 0;
  for (const b of blocks) {
    if (b.excerpt) {
      console.log(`skip  ${b.doc}:${b.line} (excerpt)`);
      continue;
    }
    const errors = failures.get(b);
    console.log(`${errors.length === 0 ? "ok  " : "FAIL"}  ${b.doc}:${b.line} (${b.module})`);
    for (const e of errors) console.log(`  ${e}`);
    if (errors.length > 0) failed = true;
  }
  for (const e of stray) console.log(`  ${e}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `docs-check: ${checked.length} blocks checked under ${Object.keys(MODES).join(" and ")}, ${blocks.length - checked.length} excerpts skipped, ${seconds}s: ${failed ? "FAILED" : "ok"}`,
  );
  return failed ? 1 : 0;
}

// Run only as a script: test/docs-check.test.ts imports extractBlocks and collectBlocks.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
