// Types of scripts/import-cost.mjs, for bench/import.bench.ts.

/** One package's import cost. */
export interface ImportCost {
  /** Median milliseconds of `await import(entry)` over `runs` fresh processes. */
  ms: number;
  runs: number;
  /** Files the import loads (ES modules, CommonJS modules, native addons). */
  files: number;
  /** Bytes of those files that are JavaScript or JSON. */
  jsBytes: number;
  /** Bytes of native addons (.node) among them. */
  nativeBytes: number;
}

/** The budget in scripts/import-cost.budget.json. */
export interface ImportBudget {
  jsBytes: number;
  timeVsJose: number;
}

export const PACKAGES: Record<"auth-skill" | "jose" | "better-auth", string>;
export function loadedFiles(spec: string): string[];
export function measureImportCost(options?: { runs?: number }): { results: Record<keyof typeof PACKAGES, ImportCost>; runs: number };
export function overBudget(results: Record<keyof typeof PACKAGES, ImportCost>, budget: ImportBudget): string[];
export function readBudget(): ImportBudget;
