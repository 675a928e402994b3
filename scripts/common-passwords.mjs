// Regenerates src/password/common-passwords.ts from zxcvbn's password frequency list.
// Usage: (cd "$(mktemp -d)" && npm install zxcvbn@4.4.2 && node /path/to/scripts/common-passwords.mjs "$PWD")
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const from = process.argv[2] ?? process.cwd();
const lists = createRequire(`${from}/`)("zxcvbn/lib/frequency_lists.js");
const seen = new Set();
for (const raw of lists.passwords) {
  const p = raw.normalize("NFKC").toLowerCase();
  if ([...p].length >= 8 && !/[\s,`\\$]/.test(p)) seen.add(p);
}
const out = [...seen];
const body = `// The most common passwords of 8 or more characters, most common first: every entry of length >= 8
// from the 30,000-entry "passwords" frequency list of zxcvbn 4.4.2 (MIT, (c) 2012-2016 Dan Wheeler and
// Dropbox, Inc.), lower-cased and NFKC-normalised: ${out.length} entries. Regenerate: scripts/common-passwords.mjs.

/** Comma-separated list; parsed into a Set on first use, not at import. */
export const COMMON_PASSWORDS =
  "${out.join(",")}";
`;
writeFileSync(fileURLToPath(new URL("../src/password/common-passwords.ts", import.meta.url)), body);
console.log(`${out.length} passwords written`);
