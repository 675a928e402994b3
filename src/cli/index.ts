#!/usr/bin/env node
/**
 * The `auth-skill` binary (`npx auth-skill <command>`): see docs/cli.md, or `auth-skill --help`.
 */
import { run } from "./program.js";

run(process.argv).then((code) => {
  process.exitCode = code;
});
