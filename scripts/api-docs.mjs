#!/usr/bin/env node
// The API reference: one Markdown page per subpath export of package.json, built by TypeDoc (pinned, with
// typedoc-plugin-markdown) from the TSDoc in src/, into docs/api/ (committed, shipped with the package).
//
//   npm run docs                 # regenerates docs/api/; validation problems are printed as warnings
//   npm run docs:api:check       # (--check) builds into .tmp/api-docs/ with every problem an error, and fails
//                                # when the committed docs/api/ differs from that fresh build
//
// The entry points come from package.json "exports", not from a list here: each subpath's types file
// (./dist/NAME.d.ts) names the tsup entry NAME, and tsup.config.ts maps NAME to its source (src/.../index.ts). A
// subpath without a tsup entry, or whose source file does not exist, is an error. Pages: docs/api/README.md lists
// the subpaths; "." is docs/api/auth-skill.md, "./kysely" is docs/api/kysely.md; each is titled with its import
// specifier ("auth-skill/kysely").
//
// Validation: TypeDoc's notExported (a public signature names a type its subpath does not export), invalidLink (a
// {@link} that resolves to nothing) and notDocumented (an exported name, or a method, without TSDoc: see
// REQUIRED_DOCS); then this script's own: every exported function and class has an `@example`, and every relative
// link of the generated pages names an existing page and anchor. With --check, any TypeDoc warning fails (an
// unknown TSDoc tag too), and so does a committed docs/api/ that differs from the fresh build.

import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(root, "docs", "api");

/**
 * What must carry TSDoc (TypeDoc's `requiredToBeDocumented`): every exported name, and the methods of exported
 * classes and interfaces. Properties are not required: a result union's `ok: true` discriminant says all there is.
 */
const REQUIRED_DOCS = ["Class", "Function", "Variable", "Interface", "TypeAlias", "Enum", "Namespace", "Method", "Accessor"];

/** The exported functions and classes whose TSDoc has no `@example` (the house rule): ["auth-skill/kysely.name"]. */
function missingExamples(project, ReflectionKind) {
  const missing = [];
  for (const module of project.children ?? []) {
    for (const child of module.children ?? []) {
      if (!child.kindOf(ReflectionKind.Function | ReflectionKind.Class)) continue;
      const comments = [child.comment, ...(child.signatures ?? []).map((s) => s.comment)];
      if (!comments.some((c) => c?.getTag("@example"))) missing.push(`${module.name}.${child.name}`);
    }
  }
  return missing;
}

/** The subpath exports of package.json with their types file's entry name: [{ subpath, name }]. */
export function exportedEntries(pkg) {
  const entries = [];
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target === "string") continue; // "./package.json": a file, not an API
    const types = target.import?.types ?? target.types;
    const match = typeof types === "string" ? /^\.\/dist\/(.+)\.d\.ts$/.exec(types) : null;
    if (!match) throw new Error(`package.json exports["${subpath}"]: no import types file of the form ./dist/NAME.d.ts`);
    entries.push({ subpath, name: match[1] });
  }
  return entries;
}

/**
 * Each subpath export with its source entry (from tsup's configuration, one object or a list of them), its import
 * specifier and its page: [{ subpath, name, source, specifier, page }]. Throws when an entry or its source is missing.
 */
export function entryPoints(pkg, tsupConfig, base = root) {
  const sources = new Map();
  for (const config of [tsupConfig].flat()) {
    if (config?.entry && typeof config.entry === "object" && !Array.isArray(config.entry)) {
      for (const [name, source] of Object.entries(config.entry)) sources.set(name, source);
    }
  }
  return exportedEntries(pkg).map(({ subpath, name }) => {
    const source = sources.get(name);
    if (source === undefined) throw new Error(`package.json exports["${subpath}"] names dist/${name}.d.ts, but tsup.config.ts has no entry "${name}"`);
    if (!existsSync(join(base, source))) throw new Error(`package.json exports["${subpath}"]: its source entry ${source} does not exist`);
    const specifier = subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    const page = `${subpath === "." ? pkg.name : subpath.slice(2).replaceAll("/", "-")}.md`;
    return { subpath, name, source, specifier, page };
  });
}

/** The anchors of a page: its `<a id>` tags, and GitHub's heading anchors: lower case, punctuation dropped, spaces to "-", repeats numbered "-1", "-2"... */
function anchorsOf(markdown) {
  const anchors = new Set();
  const seen = new Map();
  let fence = false;
  for (const line of markdown.split("\n")) {
    if (/^(```|~~~)/.test(line)) fence = !fence;
    if (!fence) for (const [, id] of line.matchAll(/<a (?:id|name)="([^"]+)"/g)) anchors.add(id);
    const heading = fence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/<[^>]+>/g, "")
      .replace(/\\(.)/g, "$1");
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Every relative link of the pages in `dir` whose file or heading does not exist: ["page.md: target"]. */
export function brokenLinks(dir) {
  const pages = new Map(
    readdirSync(dir, { recursive: true })
      .filter((f) => String(f).endsWith(".md"))
      .map((f) => [resolve(dir, String(f)), null]),
  );
  const anchors = (file) => {
    if (pages.get(file) === null) pages.set(file, anchorsOf(readFileSync(file, "utf8")));
    return pages.get(file);
  };
  const broken = [];
  for (const page of pages.keys()) {
    const text = readFileSync(page, "utf8").replace(/^(```|~~~)[\s\S]*?^\1/gm, "");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const [path, hash] = target.split("#");
      const file = path === "" ? page : resolve(dirname(page), path);
      const ok = path === "" || pages.has(file) ? hash === undefined || anchors(file).has(decodeURIComponent(hash)) : existsSync(file);
      if (!ok) broken.push(`${relative(dir, page)}: ${target}`);
    }
  }
  return broken;
}

/** The files that differ between two directories of pages (missing on either side, or different). */
function differences(expected, actual) {
  const list = (dir) =>
    existsSync(dir)
      ? readdirSync(dir, { recursive: true })
          .map(String)
          .filter((f) => f.endsWith(".md"))
      : [];
  const a = new Set(list(expected));
  const b = new Set(list(actual));
  const out = [];
  for (const f of [...new Set([...a, ...b])].sort()) {
    if (!a.has(f)) out.push(`${f} (not generated any more)`);
    else if (!b.has(f)) out.push(`${f} (missing)`);
    else if (readFileSync(join(expected, f), "utf8") !== readFileSync(join(actual, f), "utf8")) out.push(`${f} (differs)`);
  }
  return out;
}

async function main() {
  const check = process.argv.includes("--check");
  const started = Date.now();
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const { tsImport } = await import("tsx/esm/api");
  const tsup = await tsImport(join(root, "tsup.config.ts"), import.meta.url);
  const entries = entryPoints(pkg, tsup.default);
  const bySource = new Map(entries.map((e) => [resolve(root, e.source), e]));

  const { Application, Converter, ReflectionKind } = await import("typedoc");
  const { ModuleRouter } = await import("typedoc-plugin-markdown");
  const out = check ? join(root, ".tmp", "api-docs") : OUT;
  const app = await Application.bootstrapWithPlugins({
    entryPoints: entries.map((e) => e.source),
    entryPointStrategy: "resolve",
    name: `${pkg.name} API reference`, // the title of docs/api/README.md
    tsconfig: join(root, "tsconfig.json"),
    skipErrorChecking: true, // `npm run typecheck` does that
    plugin: ["typedoc-plugin-markdown"],
    out,
    router: "auth-skill-subpaths",
    readme: "none",
    entryFileName: "README",
    disableSources: true, // no "Defined in src/x.ts:123": the pages change only when the API or its TSDoc does
    excludePrivate: true,
    excludeInternal: true,
    excludeExternals: true,
    hidePageHeader: true,
    hideBreadcrumbs: true,
    parametersFormat: "table",
    interfacePropertiesFormat: "table",
    classPropertiesFormat: "table",
    typeDeclarationFormat: "table",
    validation: { notExported: true, invalidLink: true, notDocumented: true },
    requiredToBeDocumented: REQUIRED_DOCS,
    // AnyKysely (src/adapters/sql/any-kysely.ts) is `Kysely<any>` under a name, shared by ./kysely and
    // ./better-auth and exported by neither: it shows as its name, and its properties' TSDoc says "a Kysely
    // instance". (`@inline` on it renders `object`, which says less.)
    intentionallyNotExported: ["AnyKysely"],
    treatWarningsAsErrors: check,
    logLevel: "Warn",
  });
  // one flat page per subpath (the plugin's module router would put "auth-skill/kysely" in a folder)
  const pageOf = new Map();
  app.renderer.defineRouter(
    "auth-skill-subpaths",
    class extends ModuleRouter {
      getIdealBaseName(reflection) {
        const page = reflection.kindOf(ReflectionKind.Module) ? pageOf.get(reflection.name) : undefined;
        return page ? page.replace(/\.md$/, "") : super.getIdealBaseName(reflection);
      }
    },
  );
  // each module is named after its import specifier, found by its source file
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const id = context.project.getSymbolIdFromReflection(reflection);
    const entry = id ? bySource.get(resolve(root, id.packagePath)) : undefined;
    if (!entry) throw new Error(`TypeDoc made a module "${reflection.name}" that is no subpath's entry`);
    reflection.name = entry.specifier;
    pageOf.set(entry.specifier, entry.page);
  });
  const project = await app.convert();
  if (!project) throw new Error("TypeDoc could not convert the project");
  app.validate(project);
  const withoutExample = missingExamples(project, ReflectionKind);
  for (const name of withoutExample) app.logger[check ? "error" : "warn"](`${name} has no @example (every public function and class needs one)`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await app.generateOutputs(project);

  // --check fails on any warning too (treatWarningsAsErrors, which the TypeDoc CLI applies and its API leaves to us):
  // a validation problem, an unknown TSDoc tag, a comment TypeDoc cannot parse
  let failed = app.logger.hasErrors() || (check && app.logger.hasWarnings());
  const broken = brokenLinks(out);
  for (const link of broken) console.error(`api-docs: broken link in ${link}`);
  failed ||= broken.length > 0;
  if (check) {
    const stale = differences(out, OUT);
    for (const f of stale) console.error(`api-docs: docs/api/${f}`);
    if (stale.length > 0) console.error("api-docs: docs/api/ is stale: run `npm run docs` and commit it");
    failed ||= stale.length > 0;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `api-docs: ${entries.length} subpaths (${entries.map((e) => e.subpath).join(" ")}) -> ${relative(root, out)}, ${seconds}s: ${failed ? "FAILED" : "ok"}`,
  );
  // `npm run docs` writes the pages whatever the warnings say, and fails only on errors and broken links
  return (check ? failed : app.logger.hasErrors() || broken.length > 0) ? 1 : 0;
}

// Run only as a script (a test may import entryPoints and brokenLinks).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
