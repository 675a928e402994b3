/**
 * A password reset over real mail: AuthSkill's messages leave through nodemailer over SMTP to a local sink
 * (examples/mail/sink.py), and the reset is completed from the mail that arrived there.
 *
 *   python3 examples/mail/sink.py --dir .tmp/mail --port 2525 &
 *   SMTP_PORT=2525 MAIL_DIR=.tmp/mail APP_URL=http://localhost:3000/ npx tsx examples/mail/index.ts
 *
 * See README.md next to this file.
 */
import { pathToFileURL } from "node:url";
import { AuthSkill, memoryStorage } from "auth-skill";
import { readMails, tokenFromLink, waitForMail } from "./inbox.js";
import { createMailer, mailConfigFromEnv, pages, type MailConfig } from "./mailer.js";
import { resetPasswordPage } from "./page.js";

/** What the run did, for a caller to check. */
export interface MailExampleRun {
  auth: AuthSkill;
  email: string;
  newPassword: string;
  /** The file of the reset mail in the sink's directory. */
  resetMail: string;
}

/**
 * Signs a user up, asks for a reset, reads the mail from the sink's directory, opens its link as a browser
 * does (GET without the #fragment: a form, nothing spent), posts the fragment's token with a new password as
 * the page's script does, and signs in with it.
 */
export async function runMailExample(config: MailConfig, mailDir: string, log: (line: string) => void = console.log): Promise<MailExampleRun> {
  const mailer = createMailer(config);
  const auth = new AuthSkill({
    // In a real service: secret: process.env.AUTH_SECRET (at least 32 random characters).
    secret: "mail-example-secret-0123456789-abcdefghijklmnop",
    storage: memoryStorage(),
    email: { send: mailer.send },
    onEvent: (event) => {
      if (event.type === "email.send_failed") log(`event: email.send_failed (${event.kind}) — check SMTP_HOST/SMTP_PORT`);
    },
  });
  try {
    const email = "ada@example.com";
    const { user } = await auth.signup({ email, password: "correct horse battery staple" });
    log(`signup: ${user.email} (user ${user.id})`);

    const seen = new Set((await readMails(mailDir)).map((m) => m.file)); // mails of earlier runs
    await auth.requestPasswordReset({ email }, { ip: "203.0.113.7" }); // resolves before the mail is sent
    log("requestPasswordReset: resolved (the mail goes out in the background)");
    const mail = await waitForMail(mailDir, email, { seen });
    log(`received: ${mail.file} "${mail.headers.get("subject")}" to ${mail.headers.get("to")}`);

    const token = tokenFromLink(mail, config.appUrl, pages["password-reset"]);
    const pageUrl = new URL(pages["password-reset"], config.appUrl).href; // the link without its #fragment
    const page = resetPasswordPage(auth);
    const form = await page(new Request(pageUrl)); // what a browser, or a mail scanner, asks the server for
    log(`GET the link: ${form.status}, a form (the #token fragment is not sent; opening the link spends nothing)`);

    const newPassword = "a brand new long passphrase";
    const posted = await page(new Request(pageUrl, { method: "POST", body: new URLSearchParams({ token, password: newPassword }) }));
    log(`POST the form: ${posted.status} ${await posted.text()}`);
    if (posted.status !== 200) throw new Error("the reset did not go through");

    const session = await auth.signin({ email, password: newPassword });
    log(`signin with the new password: session ${session.sessionId}`);
    return { auth, email, newPassword, resetMail: mail.file };
  } finally {
    mailer.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const mailDir = process.env.MAIL_DIR;
  if (!mailDir) {
    console.error("Set MAIL_DIR to the directory examples/mail/sink.py writes to (and SMTP_PORT, APP_URL).");
    process.exit(2);
  }
  await runMailExample(mailConfigFromEnv(), mailDir);
  console.log("Done: the password was reset from the mail.");
}
