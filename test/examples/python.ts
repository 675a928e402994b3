// Debian's /usr/bin/python3 for the FastAPI example's tests: whether it can run the example, and a runner.
import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const PYTHON = "/usr/bin/python3"; // Debian's, with Debian's packages; not a pyenv/venv python from PATH
export const EXAMPLE = fileURLToPath(new URL("../../examples/fastapi/", import.meta.url));
const PACKAGES = "python3-jwt python3-cryptography python3-fastapi python3-httpx";
export const IN_CI = Boolean(process.env.CI) && process.env.CI !== "false";
/** Only what Python needs: no AUTH_* or proxy settings leak in from the developer's shell. */
export const BASE_ENV = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" };

/** Why the example cannot run here, or null when it can. */
export function missingPython(): string | null {
  try {
    execFileSync(PYTHON, ["-I", "-B", "-c", "import jwt, cryptography, fastapi, httpx; from fastapi.testclient import TestClient"], {
      env: BASE_ENV,
      stdio: "pipe",
      timeout: 30_000,
    });
    return null;
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? "")
      .trim()
      .split("\n")
      .at(-1);
    return `${PYTHON} cannot run examples/fastapi (${stderr || (err as Error).message}); install: apt-get install -y ${PACKAGES}`;
  }
}

/** Runs a Python snippet next to app.py with JSON on stdin; resolves its stdout parsed as JSON. */
export function pyJson(code: string, input: unknown, config: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, ["-I", "-B", "-c", code, EXAMPLE], { env: { ...BASE_ENV, ...config }, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`python failed (exit ${String(err.code)}): ${stderr}`));
      resolve(JSON.parse(stdout));
    });
    child.stdin!.end(JSON.stringify(input));
  });
}

/** A Python snippet: GET /me of app.py through FastAPI's TestClient once per token of the JSON list on stdin (null: no header). */
export const GET_ME_SCRIPT = [
  "import json, sys",
  "sys.path.insert(0, sys.argv[1])",
  "from fastapi.testclient import TestClient",
  "from app import app",
  "client = TestClient(app)",
  "out = []",
  "for token in json.load(sys.stdin):",
  '    r = client.get("/me", headers={"Authorization": f"Bearer {token}"} if token else {})',
  '    out.append({"status": r.status_code, "body": r.json(), "challenge": r.headers.get("www-authenticate")})',
  "print(json.dumps(out))",
].join("\n");
