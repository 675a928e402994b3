// TOTP against an independent implementation: Python's pyotp (Debian's python3-pyotp, in /usr/bin/python3) parses the
// otpauth:// URI that auth.totp.enroll returns and makes the codes that confirm, sign in and are refused. pyotp is first
// checked against RFC 6238 Appendix B (SHA-1), so it is a reference and not a second copy of our assumptions.
import { execFile, execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { AuthSkill, type MfaChallenge, memoryStorage } from "../../src/index.js";
import { insecureTestHasher } from "../../src/testing/test-hasher.js";
import { totp } from "../../src/totp/index.js";

const PYTHON = "/usr/bin/python3"; // Debian's, with Debian's python3-pyotp; not a pyenv/venv python from PATH
const BASE_ENV = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" };
const IN_CI = Boolean(process.env.CI) && process.env.CI !== "false";
const SECRET = "pyotp-test-secret-0123456789abcdefABCDEF";
const PASSWORD = "a long enough passphrase 42";

function missingPyotp(): string | null {
  try {
    execFileSync(PYTHON, ["-I", "-B", "-c", "import pyotp"], { env: BASE_ENV, stdio: "pipe", timeout: 30_000 });
    return null;
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? "")
      .trim()
      .split("\n")
      .at(-1);
    return `${PYTHON} cannot import pyotp (${stderr || (err as Error).message}); install: apt-get install -y python3-pyotp`;
  }
}
// A missing pyotp fails the suite in CI (.ci/run installs it) and skips it, loudly, elsewhere.
const missing = missingPyotp();
if (missing && !IN_CI) console.warn(`[second-factor/pyotp] SKIPPED: ${missing}`);

/** pyotp's reading of `uri` and its codes at the given Unix times (seconds). */
interface Parsed {
  issuer: string | null;
  name: string;
  digits: number;
  interval: number;
  secret: string;
  codes: string[];
}
const PARSE = [
  "import json, sys, pyotp",
  "req = json.load(sys.stdin)",
  'otp = pyotp.parse_uri(req["uri"])',
  'print(json.dumps({"type": type(otp).__name__, "issuer": otp.issuer, "name": otp.name, "digits": otp.digits,',
  '  "interval": otp.interval, "secret": otp.secret, "codes": [otp.at(t) for t in req["at"]]}))',
].join("\n");
/** RFC 6238 Appendix B: the SHA-1 key "12345678901234567890", 8 digits, at each time; and 6-digit codes of the same key. */
const RFC = [
  "import base64, json, sys, pyotp",
  'key = base64.b32encode(b"12345678901234567890").decode()',
  "times = json.load(sys.stdin)",
  'print(json.dumps({"eight": [pyotp.TOTP(key, digits=8).at(t) for t in times], "six": [pyotp.TOTP(key, digits=6).at(t) for t in times]}))',
].join("\n");

function py<T>(script: string, input: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, ["-I", "-B", "-c", script], { env: BASE_ENV, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`python failed (exit ${String(err.code)}): ${stderr}`));
      resolve(JSON.parse(stdout) as T);
    });
    child.stdin!.end(JSON.stringify(input));
  });
}

function setup(start = Date.parse("2026-12-02T10:00:07Z")) {
  let clock = start;
  const storage = memoryStorage();
  const auth = new AuthSkill({
    secret: SECRET,
    storage,
    now: () => new Date(clock),
    password: { hasher: insecureTestHasher() },
    totp: totp({ issuer: "Example Corp" }),
  });
  return { auth, storage, epoch: () => Math.floor(clock / 1000), set: (ms: number) => (clock = ms), tick: (ms: number) => (clock += ms) };
}

const challenge = (r: unknown): MfaChallenge => {
  expect(r).toMatchObject({ mfaRequired: true });
  return r as MfaChallenge;
};

describe.skipIf(missing !== null && !IN_CI)("TOTP against pyotp (Debian python3-pyotp)", () => {
  it("python3 and pyotp are installed", () => {
    expect(missing).toBeNull();
  });

  it("pyotp itself gives RFC 6238 Appendix B's SHA-1 values (so it is a reference)", async () => {
    const times = [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000];
    const out = await py<{ eight: string[]; six: string[] }>(RFC, times);
    expect(out.eight).toEqual(["94287082", "07081804", "14050471", "89005924", "69279037", "65353130"]);
    // a 6-digit code is the same HOTP value mod 10^6: the last six digits of the 8-digit one
    expect(out.six).toEqual(out.eight.map((c) => c.slice(2)));
  });

  it("reads our otpauth URI (issuer, account, SHA-1, 6 digits, 30 s) and its codes enrol, sign in and finish the second factor", async () => {
    const t = setup();
    const up = await t.auth.signup({ email: "ada.lovelace+2fa@example.com", password: PASSWORD });
    const { secret, uri } = await t.auth.totp.enroll(up.user.id);
    const now = t.epoch();
    const parsed = await py<Parsed & { type: string }>(PARSE, { uri, at: [now, now + 30] });
    expect(parsed).toMatchObject({ type: "TOTP", issuer: "Example Corp", name: "ada.lovelace+2fa@example.com", digits: 6, interval: 30, secret });
    expect(uri).not.toMatch(/algorithm=(?!SHA1)/i); // no algorithm other than SHA-1 announced
    const [confirming, next] = parsed.codes as [string, string];
    expect(confirming).toMatch(/^\d{6}$/);
    const { recoveryCodes } = await t.auth.totp.confirm(up.user.id, confirming);
    expect(recoveryCodes).toHaveLength(10);
    const c = challenge(await t.auth.signin({ email: "ada.lovelace+2fa@example.com", password: PASSWORD }));
    // the confirming step is used; pyotp's code of the next step (inside the ±1 window) finishes the sign-in
    await expect(t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code: confirming })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    const session = await t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code: next });
    expect((await t.auth.verifyAccessToken(session.accessToken)).amr).toEqual(["pwd", "otp", "mfa"]);
  });

  it("accepts exactly ±1 step: pyotp's codes at -2 and +2 steps are refused, -1, 0 and +1 accepted", async () => {
    for (const start of [Date.parse("2026-12-02T10:00:00Z"), Date.parse("2026-12-02T10:00:15Z"), Date.parse("2026-12-02T10:00:29.999Z")]) {
      const t = setup(start);
      const up = await t.auth.signup({ email: "grace@example.com", password: PASSWORD });
      const { uri } = await t.auth.totp.enroll(up.user.id);
      const now = t.epoch();
      const { codes } = await py<Parsed>(PARSE, { uri, at: [now - 60, now + 60, now - 30, now, now + 30] });
      const [minus2, plus2, minus1, zero, plus1] = codes as [string, string, string, string, string];
      // a confirm refused for -2/+2 (a code equal to an accepted one by chance would make the check meaningless)
      for (const far of [minus2, plus2]) {
        if ([minus1, zero, plus1].includes(far)) continue;
        await expect(t.auth.totp.confirm(up.user.id, far)).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
      }
      await t.auth.totp.confirm(up.user.id, minus1);
      // steps move forward only: -1 used, then 0 and +1 each once, +2 never
      for (const code of [zero, plus1]) {
        const c = challenge(await t.auth.signin({ email: "grace@example.com", password: PASSWORD }));
        await expect(t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code })).resolves.toHaveProperty("accessToken");
      }
      const c = challenge(await t.auth.signin({ email: "grace@example.com", password: PASSWORD }));
      if (![minus1, zero, plus1].includes(plus2))
        await expect(t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code: plus2 })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    }
  });

  it("agrees with pyotp at the RFC 6238 test times (1970 to 2603), for a secret of our own", async () => {
    // enroll makes its own random secret (it takes none), so the Appendix B key cannot be put in; instead pyotp — checked
    // against Appendix B above — makes the codes for our secret at the Appendix B times, and auth takes each
    for (const seconds of [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000]) {
      const t = setup(seconds * 1000);
      const up = await t.auth.signup({ email: `t${seconds}@example.com`, password: PASSWORD });
      const { uri } = await t.auth.totp.enroll(up.user.id);
      const { codes } = await py<Parsed>(PARSE, { uri, at: [seconds, seconds + 30] });
      await t.auth.totp.confirm(up.user.id, codes[0]!);
      const c = challenge(await t.auth.signin({ email: `t${seconds}@example.com`, password: PASSWORD }));
      await expect(t.auth.verifySecondFactor({ mfaToken: c.mfaToken, code: codes[1]! })).resolves.toHaveProperty("accessToken");
    }
  });
});
