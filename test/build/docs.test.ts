// The TypeScript blocks of README.md and docs/*.md (scripts/docs-check.mjs): the extraction and its markers, and
// every unmarked block type-checked against the SOURCE under node16 and bundler with exactOptionalPropertyTypes,
// so that a broken or unmarked snippet fails `npm test` too. CI's `npm run docs:check` checks the same blocks
// against the packed package (dist/ as npm installs it).
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { collectBlocks, extractBlocks, typecheckBlocks, type CollectedBlock } from "../../scripts/docs-check.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");
const src = (path: string) => [join(root, "src", path)];
const SOURCE_PATHS = {
  "auth-skill": src("index.ts"),
  "auth-skill/testing": src("testing/index.ts"),
  "auth-skill/kysely": src("adapters/kysely/index.ts"),
  "auth-skill/redis": src("adapters/redis/index.ts"),
  "auth-skill/better-auth": src("better-auth/index.ts"),
  "auth-skill/http": src("http/index.ts"),
  "auth-skill/node": src("node/index.ts"),
  "auth-skill/totp": src("totp/index.ts"),
  "auth-skill/passkeys": src("passkeys/index.ts"),
};

describe("docs code blocks: extraction", () => {
  const doc = [
    "# A doc", //                                      1
    "```ts", //                                        2: checked
    'import { AuthSkill } from "auth-skill";', //      3
    "```", //                                          4
    "<!-- excerpt -->", //                             5
    "```typescript", //                                6: excerpt
    "await auth.signin(body);", //                     7
    "```", //                                          8
    "<!-- excerpt: continues the one above -->", //    9
    "```ts", //                                        10: excerpt, with a reason
    "x;", //                                           11
    "```", //                                          12
    "```sh", //                                        13: not TypeScript
    "npm test", //                                     14
    "```", //                                          15
    "<!-- file: auth.ts -->", //                       16
    "````ts", //                                       17: named; a longer fence holds a ``` line
    "/** ```ts", //                                    18
    " * ``` */", //                                    19
    "````", //                                         20
  ].join("\n");

  it("finds ```ts and ```typescript blocks with the line of their fence, their code and their markers", () => {
    expect(extractBlocks(doc)).toEqual([
      { line: 2, lang: "ts", code: 'import { AuthSkill } from "auth-skill";', excerpt: false, file: undefined },
      { line: 6, lang: "typescript", code: "await auth.signin(body);", excerpt: true, file: undefined },
      { line: 10, lang: "ts", code: "x;", excerpt: true, file: undefined },
      { line: 17, lang: "ts", code: "/** ```ts\n * ``` */", excerpt: false, file: "auth.ts" },
    ]);
  });

  it("refuses a misspelt marker, a file name that is not a plain .ts name, and an unclosed fence", () => {
    expect(() => extractBlocks("<!-- excerpt why -->\n```ts\nx;\n```", "a.md")).toThrow("a.md:1: malformed docs-check marker");
    expect(() => extractBlocks("<!-- file: ../auth.ts -->\n```ts\nx;\n```", "a.md")).toThrow("a.md:1: <!-- file: NAME --> needs a plain .ts name");
    expect(() => extractBlocks("text\n```ts\nx;\n", "a.md")).toThrow("a.md:2: unclosed code fence");
  });

  it("reads README.md and every docs/*.md, and names each block's module after its doc", () => {
    const blocks = collectBlocks(root);
    const docs = [
      "README.md",
      ...readdirSync(join(root, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
    ];
    expect([...new Set(blocks.map((b) => b.doc))].every((d) => docs.includes(d))).toBe(true);
    expect(blocks.find((b) => b.doc === "README.md" && !b.excerpt)?.code).toContain("new AuthSkill({ secret: process.env.AUTH_SECRET })");
    expect(blocks.find((b) => b.doc === "docs/getting-started.md" && b.file === "auth.ts")?.module).toBe("getting-started/auth.ts");
  });
});

describe("docs code blocks: type-check against the source", () => {
  it("every block not marked as an excerpt compiles under node16 and bundler (strict, exactOptionalPropertyTypes); a broken one is named by doc and line", () => {
    const checked = collectBlocks(root).filter((b) => !b.excerpt);
    const broken: CollectedBlock = {
      doc: "fixture.md",
      line: 10,
      lang: "ts",
      excerpt: false,
      file: undefined,
      module: "fixture/line-10.ts",
      code: 'import type { AuthSkillOptions } from "auth-skill";\n\nexport const options: AuthSkillOptions = { password: { maxBcryptCost: "12" } };',
    };
    const { failures, stray } = typecheckBlocks(ts, join(root, ".tmp", "docs-test"), [...checked, broken], { paths: SOURCE_PATHS });
    expect(stray).toEqual([]);
    expect(Object.fromEntries(checked.map((b) => [`${b.doc}:${b.line}`, failures.get(b)]))).toEqual(
      Object.fromEntries(checked.map((b) => [`${b.doc}:${b.line}`, []])),
    );
    const errors = failures.get(broken) ?? [];
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^fixture\.md:13 \[node16\] TS2322: /);
    expect(errors[1]).toMatch(/^fixture\.md:13 \[bundler\] TS2322: /);
  }, 120_000);
});

describe("docs links", () => {
  it("every relative link of README.md and docs/*.md names a file the package ships, so that links work from the tarball too", () => {
    const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" })) as [
      { files: { path: string }[] },
    ];
    const shipped = packed[0].files.map((f) => f.path);
    const docs = [
      "README.md",
      ...readdirSync(join(root, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
    ];
    const links = docs.flatMap((doc) =>
      [...readFileSync(join(root, doc), "utf8").matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => m[1]!.split("#")[0]!)
        .filter((target) => target !== "" && !/^[a-z]+:/i.test(target))
        .map((target) => ({ doc, target, path: normalize(join(dirname(doc), target)).replace(/\/$/, "") })),
    );
    expect(links.length).toBeGreaterThan(10);
    const missing = links.filter(({ path }) => !shipped.some((f) => f === path || f.startsWith(`${path}/`)));
    expect(missing).toEqual([]);
    expect(shipped).toEqual(expect.arrayContaining(["LICENSE", "docs/security.md", "examples/quickstart.ts"]));
  }, 60_000);
});
