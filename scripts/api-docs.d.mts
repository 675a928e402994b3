// Types of scripts/api-docs.mjs, for test/build/api-docs.test.ts.

/** A subpath export of package.json and the name of its types file (./dist/NAME.d.ts). */
export interface ExportedEntry {
  subpath: string;
  name: string;
}

/** A subpath export with its source entry, its import specifier and its page under docs/api/. */
export interface ApiEntry extends ExportedEntry {
  source: string;
  specifier: string;
  page: string;
}

export function exportedEntries(pkg: { exports?: Record<string, unknown> }): ExportedEntry[];
export function entryPoints(pkg: { name: string; exports?: Record<string, unknown> }, tsupConfig: unknown, base?: string): ApiEntry[];
export function brokenLinks(dir: string): string[];
