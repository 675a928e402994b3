// Types of scripts/docs-check.mjs, for test/build/docs.test.ts.

/** A TypeScript block of a Markdown file. */
export interface DocBlock {
  /** 1-based line of the opening fence; the code's first line is `line + 1`. */
  line: number;
  lang: string;
  code: string;
  /** Marked `<!-- excerpt -->`: not checked. */
  excerpt: boolean;
  /** The name given by `<!-- file: NAME.ts -->`, if any. */
  file: string | undefined;
}

/** A block with the doc it is in and the module it is checked as ("<doc>/<file or line-N.ts>"). */
export interface CollectedBlock extends DocBlock {
  doc: string;
  module: string;
}

export function docFiles(base?: string): string[];
export function extractBlocks(text: string, docName?: string): DocBlock[];
export function collectBlocks(base?: string): CollectedBlock[];
export function typecheckBlocks(
  ts: typeof import("typescript"),
  dir: string,
  blocks: readonly CollectedBlock[],
  extraOptions?: Record<string, unknown>,
): { failures: Map<CollectedBlock, string[]>; stray: string[] };
