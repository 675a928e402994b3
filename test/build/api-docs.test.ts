// The API reference's script (scripts/api-docs.mjs): its entry points come from package.json "exports" through
// tsup.config.ts, a missing source is an error, and its link check catches a missing page or anchor. The committed
// docs/api/ has a page per subpath and no broken link. (TypeDoc itself runs in CI's `npm run docs:api:check`.)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { brokenLinks, entryPoints } from "../../scripts/api-docs.mjs";
import tsup from "../../tsup.config.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; exports: Record<string, unknown> };

describe("api-docs: entry points", () => {
  it("has one entry per subpath export of package.json (not ./package.json), each from its tsup entry, on its own page", () => {
    const entries = entryPoints(pkg, tsup, root);
    expect(entries.map((e) => e.subpath)).toEqual(Object.keys(pkg.exports).filter((s) => s !== "./package.json"));
    expect(entries.find((e) => e.subpath === ".")).toEqual({
      subpath: ".",
      name: "index",
      source: "src/index.ts",
      specifier: "auth-skill",
      page: "auth-skill.md",
    });
    expect(entries.find((e) => e.subpath === "./kysely")).toMatchObject({
      source: "src/adapters/kysely/index.ts",
      specifier: "auth-skill/kysely",
      page: "kysely.md",
    });
    expect(new Set(entries.map((e) => e.page)).size).toBe(entries.length);
  });

  it("picks up a new subpath without a list to edit, and refuses one whose source or tsup entry is missing", () => {
    const exportOf = (name: string) => ({ import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` } });
    const config = { entry: { index: "src/index.ts", testing: "src/testing/index.ts", totp: "src/totp/nothing-here.ts" } };
    const both = { name: "auth-skill", exports: { ".": exportOf("index"), "./testing": exportOf("testing") } };
    expect(entryPoints(both, [config], root).map((e) => e.page)).toEqual(["auth-skill.md", "testing.md"]);
    expect(() => entryPoints({ ...both, exports: { ...both.exports, "./totp": exportOf("totp") } }, [config], root)).toThrow(
      'package.json exports["./totp"]: its source entry src/totp/nothing-here.ts does not exist',
    );
    expect(() => entryPoints({ ...both, exports: { ...both.exports, "./passkeys": exportOf("passkeys") } }, [config], root)).toThrow(
      'package.json exports["./passkeys"] names dist/passkeys.d.ts, but tsup.config.ts has no entry "passkeys"',
    );
    expect(() => entryPoints({ name: "auth-skill", exports: { "./x": { default: "./dist/x.js" } } }, [config], root)).toThrow("no import types file");
  });
});

describe("api-docs: links", () => {
  it("finds a missing page, a missing heading or <a id> anchor, and accepts the ones that exist", () => {
    const dir = join(root, ".tmp", "api-docs-links-test");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "b.md"), '# B\n\n## The Thing()\n\n## The Thing()\n\n| <a id="property-x"></a> `x` |\n');
    writeFileSync(
      join(dir, "a.md"),
      [
        "[ok](b.md) [ok](b.md#the-thing) [ok](b.md#the-thing-1) [ok](b.md#property-x) [ok](https://example.com/c.md)",
        "[no page](c.md) [no heading](b.md#the-thing-2) [no anchor](#nowhere)",
        "```ts",
        "const link = [not a link](d.md);",
        "```",
      ].join("\n"),
    );
    expect(brokenLinks(dir)).toEqual(["a.md: c.md", "a.md: b.md#the-thing-2", "a.md: #nowhere"]);
  });

  it("the committed docs/api/ has a page per subpath export, listed in its README.md, and no broken link", () => {
    const api = join(root, "docs", "api");
    const index = readFileSync(join(api, "README.md"), "utf8");
    for (const entry of entryPoints(pkg, tsup, root)) {
      expect(readFileSync(join(api, entry.page), "utf8").startsWith(`# ${entry.specifier}\n`)).toBe(true);
      expect(index).toContain(`[${entry.specifier}](${entry.page})`);
    }
    expect(brokenLinks(api)).toEqual([]);
  });
});
