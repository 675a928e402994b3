// examples/mail: AuthSkill's messages through nodemailer over real SMTP to examples/mail/sink.py (aiosmtpd,
// Debian's python3-aiosmtpd), and a password reset completed from the mail that arrived there.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuthError, AuthSkill, type EmailMessage, memoryStorage } from "../../src/index.js";
import { runMailExample } from "../../examples/mail/index.js";
import { type ReceivedMail, readMails, tokenFromLink, waitForMail } from "../../examples/mail/inbox.js";
import { createMailer, type MailConfig, mailConfigFromEnv, pages } from "../../examples/mail/mailer.js";
import { resetPasswordPage } from "../../examples/mail/page.js";

const PYTHON = "/usr/bin/python3"; // Debian's, with Debian's packages
const SINK = fileURLToPath(new URL("../../examples/mail/sink.py", import.meta.url));
const BASE_ENV = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" };
const APP_URL = "https://app.example.test/account/";

/** Why the sink cannot run here, or null. Never a skip: a missing package fails the suite, here as in CI. */
function missingAiosmtpd(): string | null {
  try {
    execFileSync(PYTHON, ["-I", "-B", "-c", "import aiosmtpd.smtp"], { env: BASE_ENV, stdio: "pipe", timeout: 30_000 });
    return null;
  } catch (err) {
    const last = String((err as { stderr?: unknown }).stderr ?? "")
      .trim()
      .split("\n")
      .at(-1);
    return `${PYTHON} cannot import aiosmtpd (${last || (err as Error).message}); install it: apt-get install -y python3-aiosmtpd`;
  }
}

/** Starts sink.py on a free port; resolves once it listens. */
function startSink(dir: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ["-I", "-B", SINK, "--dir", dir, "--port", "0"], { env: BASE_ENV, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const port = /listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (port) resolve({ child, port: Number(port) });
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`sink.py exited (${String(code)}) before listening: ${err}`)));
  });
}

/** Headers (raw and parsed) must never carry the token: only the body's link does. */
function expectNoTokenInHeaders(mail: ReceivedMail, token: string): void {
  expect(mail.rawHeaders).not.toContain(token);
  expect(mail.rawHeaders).not.toContain(token.slice(0, 20)); // nor a piece of it, e.g. split by folding
  for (const value of mail.headers.values()) expect(value).not.toContain(token);
}

describe("examples/mail: mail over SMTP to an aiosmtpd sink", () => {
  let dir: string;
  let sink: ChildProcess | undefined;
  let config: MailConfig;

  beforeAll(async () => {
    const missing = missingAiosmtpd();
    if (missing) throw new Error(missing);
    dir = mkdtempSync(join(tmpdir(), "auth-skill-mail-"));
    const started = await startSink(dir);
    sink = started.child;
    config = mailConfigFromEnv({ SMTP_HOST: "127.0.0.1", SMTP_PORT: String(started.port), APP_URL });
  });

  afterAll(() => {
    sink?.kill("SIGTERM");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the example resets a password with the token of the mail that came through SMTP", async () => {
    const lines: string[] = [];
    const run = await runMailExample(config, dir, (line) => lines.push(line));
    const mail = (await readMails(dir)).find((m) => m.file === run.resetMail)!;
    expect(mail.headers.get("subject")).toBe("Reset your password");
    expect(mail.headers.get("to")).toBe(run.email);
    // the link is APP_URL's, with its path, and the token is only in its #fragment (never sent to a server)
    const token = tokenFromLink(mail, new URL(APP_URL), "reset-password");
    expect(mail.text).toContain(`${APP_URL}reset-password#token=${token}\n`);
    expect(mail.text).not.toMatch(/[?&]token=/);
    expect(token).toMatch(/^[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{43}$/); // the secret's key id, then 256 random bits
    expectNoTokenInHeaders(mail, token);
    // the mailed token is the one the reset spent: it is used now
    await expect(run.auth.resetPassword({ token, password: "yet another long passphrase" })).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    await expect(run.auth.signin({ email: run.email, password: "correct horse battery staple" })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    expect((await run.auth.signin({ email: run.email, password: run.newPassword })).user.email).toBe(run.email);
    expect(lines).toContain("GET the link: 200, a form (the #token fragment is not sent; opening the link spends nothing)");
    for (const line of lines) expect(line).not.toContain(token);
  });

  test("verification, email change and the notice to the old address, each with its subject and link", async () => {
    const mailer = createMailer(config);
    const auth = new AuthSkill({ secret: "mail-test-secret-0123456789-abcdefghijklmnopq", storage: memoryStorage(), email: { send: mailer.send } });
    try {
      const password = "correct horse battery staple";
      // a name is user-supplied text: anyone may sign up with someone else's address, so it stays out of mail
      const { user } = await auth.signup({ email: "grace@example.com", password, name: "Win a prize at https://evil.example" });
      const seen = new Set((await readMails(dir)).map((m) => m.file));
      const next = async (to: string) => {
        const mail = await waitForMail(dir, to, { seen });
        seen.add(mail.file);
        return mail;
      };

      await auth.requestEmailVerification(user.id);
      const verification = await next("grace@example.com");
      expect(verification.headers.get("subject")).toBe("Confirm your email address");
      expect(verification.text).not.toMatch(/prize|evil/);
      const verifyToken = tokenFromLink(verification, config.appUrl, pages["email-verification"]);
      expectNoTokenInHeaders(verification, verifyToken);
      expect((await auth.verifyEmail({ token: verifyToken })).user.emailVerified).toBe(true);

      await auth.requestEmailChange({ userId: user.id, newEmail: "grace@new.example.com", password });
      const confirmation = await next("grace@new.example.com");
      expect(confirmation.headers.get("subject")).toBe("Confirm your new email address");
      const changeToken = tokenFromLink(confirmation, config.appUrl, pages["email-change"]);
      expectNoTokenInHeaders(confirmation, changeToken);
      expect((await auth.confirmEmailChange({ token: changeToken })).user.email).toBe("grace@new.example.com");

      const notice = await next("grace@example.com");
      expect(notice.headers.get("subject")).toBe("Your email address was changed");
      expect(notice.text).toContain("grace@new.example.com");
      expect(notice.text).not.toMatch(/https?:|token/i);
    } finally {
      mailer.close();
    }
  });
});

describe("examples/mail without SMTP", () => {
  test("the reset page: GET spends nothing, a weak password leaves the link usable, a used link is refused", async () => {
    const outbox: EmailMessage[] = [];
    const auth = new AuthSkill({ secret: "mail-test-secret-0123456789-abcdefghijklmnopq", email: { send: (m: EmailMessage) => void outbox.push(m) } });
    await auth.signup({ email: "ada@example.com", password: "correct horse battery staple" });
    await auth.requestPasswordReset({ email: "ada@example.com" });
    await expect.poll(() => outbox.length).toBe(1);
    const token = outbox[0]!.token!;
    const page = resetPasswordPage(auth);
    const url = `${APP_URL}reset-password`;
    const post = (password: string) => page(new Request(url, { method: "POST", body: new URLSearchParams({ token, password }) }));

    for (let i = 0; i < 3; i++) {
      const form = await page(new Request(url)); // a browser sends no #fragment; scanners open links too
      expect(form.status).toBe(200);
      expect(form.headers.get("referrer-policy")).toBe("no-referrer");
      expect(form.headers.get("cache-control")).toBe("no-store");
      expect(await form.text()).toContain('<form method="post"><input type="hidden" name="token">');
    }
    expect((await post("password123")).status).toBe(400); // WEAK_PASSWORD
    const done = await post("a brand new long passphrase");
    expect([done.status, await done.text()]).toEqual([200, "Your password was changed. Sign in with it."]);
    const again = await post("another brand new passphrase");
    expect(again.status).toBe(new AuthError("TOKEN_INVALID", "").status);
    expect((await page(new Request(url, { method: "DELETE" }))).status).toBe(405);
  });

  test("the form is the same whatever the URL holds: nothing from the request is echoed into the page", async () => {
    const page = resetPasswordPage(new AuthSkill({ secret: "mail-test-secret-0123456789-abcdefghijklmnopq" }));
    const plain = await (await page(new Request(`${APP_URL}reset-password`))).text();
    const probed = await (await page(new Request(`${APP_URL}reset-password?token=%22%3E%3Cb%3Eprobe`))).text();
    expect(probed).toBe(plain);
    expect(plain).not.toContain("probe");
    expect(plain).toContain("location.hash"); // the script takes the token from the fragment
  });

  test("links come from APP_URL only, which must be an absolute http(s) URL without query or credentials", () => {
    expect(() => mailConfigFromEnv({})).toThrow(/APP_URL/);
    for (const bad of ["app.example.com", "javascript:alert(1)//", "https://app.example.com/?next=x", "https://u:p@app.example.com/"])
      expect(() => mailConfigFromEnv({ APP_URL: bad }), bad).toThrow(/APP_URL|Invalid URL/);
    expect(mailConfigFromEnv({ APP_URL: "https://app.example.com/base" }).appUrl.href).toBe("https://app.example.com/base/");
    expect(() => mailConfigFromEnv({ APP_URL: "https://a.example", SMTP_PORT: "70000" })).toThrow(/SMTP_PORT/);
    expect(mailConfigFromEnv({ APP_URL: "https://a.example" }).auth).toBeUndefined();
    expect(mailConfigFromEnv({ APP_URL: "https://a.example", SMTP_USER: "mailer", SMTP_PASS: "pw" }).auth).toEqual({ user: "mailer", pass: "pw" });
  });
});
