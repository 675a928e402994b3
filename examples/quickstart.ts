/**
 * auth-skill quickstart: the whole flow on the default in-memory storage, printed as a transcript.
 * Run it with `npm run demo`.
 */
import { AuthError, type AuthEvent, AuthSkill, type EmailMessage, memoryStorage } from "auth-skill";

// The library never sends mail: it hands each message to `email.send`. Here they land in an array (an outbox);
// examples/mail sends them over SMTP with nodemailer.
const outbox: EmailMessage[] = [];
const events: AuthEvent[] = [];

const auth = new AuthSkill({
  // In a real service: secret: process.env.AUTH_SECRET (at least 32 random characters).
  secret: "demo-secret-please-change-0123456789-abcdefghijkl",
  storage: memoryStorage(),
  password: { hasher: "argon2id", minLength: 8, maxLength: 128 },
  rateLimit: false,
  email: { send: (message) => void outbox.push(message) },
  onEvent: (event) => void events.push(event), // audit events: ids and reasons, never a token or password
});

const step = (title: string) => console.log(`\n== ${title}`);
const show = (label: string, value: unknown) => console.log(`   ${label.padEnd(22)} ${typeof value === "string" ? value : JSON.stringify(value)}`);
const short = (token: string) => `${token.slice(0, 24)}… (${token.length} chars)`;

/** Runs a call that must fail, and prints the AuthError it gives. */
async function refused(label: string, attempt: () => Promise<unknown>): Promise<void> {
  try {
    await attempt();
    throw new Error(`${label}: expected an AuthError`);
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    show(label, `${err.code} (${err.status}) — ${err.message}`);
  }
}

const email = "ada@example.com";
const password = "correct horse battery staple";

step("Sign up");
const signedUp = await auth.signup({ email: " Ada@Example.com ", password, name: "Ada Lovelace" });
show("user", signedUp.user);
show("access token", short(signedUp.accessToken));
show("refresh token", short(signedUp.refreshToken));

step("Refused signups");
await refused("duplicate email", () => auth.signup({ email, password: "another long passphrase" }));
await refused("common password", () => auth.signup({ email: "bob@example.com", password: "password123" }));
await refused("built from the email", () => auth.signup({ email: "bob@example.com", password: "bob@example.com1" }));
await refused("too short", () => auth.signup({ email: "bob@example.com", password: "k9#zq" }));

step("Sign in");
await refused("wrong password", () => auth.signin({ email, password: "incorrect horse battery staple" }));
await refused("unknown user", () => auth.signin({ email: "nobody@example.com", password }));
const session = await auth.signin({ email, password }, { ip: "203.0.113.7", userAgent: "quickstart" });
show("session", session.sessionId);
show("access token expires", session.accessTokenExpiresAt.toISOString());
show("refresh token expires", session.refreshTokenExpiresAt.toISOString());

step("The access token");
const [header, payload] = session.accessToken
  .split(".")
  .slice(0, 2)
  .map((part) => JSON.parse(Buffer.from(part, "base64url").toString()));
show("header", header);
show("claims", payload);
const claims = await auth.verifyAccessToken(session.accessToken, { checkRevocation: true });
show("verified", `sub=${claims.sub} sid=${claims.sid}`);
const [h, , sig] = session.accessToken.split(".");
const forged = Buffer.from(JSON.stringify({ ...payload, sub: "someone-else" })).toString("base64url");
await refused("tampered token", () => auth.verifyAccessToken(`${h}.${forged}.${sig}`));

step("Refresh (rotation)");
const rotated = await auth.refresh(session.refreshToken);
show("same session", rotated.sessionId === session.sessionId);
show("new refresh token", short(rotated.refreshToken));

step("Reuse detection");
await refused("old token replayed", () => auth.refresh(session.refreshToken));
await refused("successor after reuse", () => auth.refresh(rotated.refreshToken));
await refused("its access token", () => auth.verifyAccessToken(rotated.accessToken, { checkRevocation: true }));

step("Revoke");
const phone = await auth.signin({ email, password });
const { sid } = await auth.verifyAccessToken(phone.accessToken);
await auth.revoke(sid!); // a session id is not a refresh token: nothing happens
show("revoke(sid)", `ignored (not a refresh token); the session still refreshes: ${(await auth.refresh(phone.refreshToken)).sessionId === sid}`);
const laptop = await auth.signin({ email, password });
await auth.revoke(laptop.refreshToken);
await refused("revoked session", () => auth.refresh(laptop.refreshToken));
await auth.revoke(laptop.refreshToken);
await auth.revokeSession(phone.sessionId); // the server's own use: by id
await refused("session revoked by id", () => auth.verifyAccessToken(phone.accessToken, { checkRevocation: true }));
show("revoke again", "resolves (RFC 7009: revoking twice, or an unknown token, is not an error)");

step("Email verification (in-memory outbox)");
/** Waits until `found` gives a value: mail requests answer before their mail is made. */
async function until<T>(found: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = found();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${what} did not happen`);
}
/** A message as its reader sees it; the token stays out of the transcript (it is the link's secret). */
const mailed = (m: EmailMessage) => `${m.kind} to ${m.to}, a single-use link until ${m.expiresAt?.toISOString()}`;

show("email verified?", (await auth.getUser(signedUp.user.id))?.emailVerified);
await auth.requestEmailVerification(signedUp.user.id);
const verification = await until(() => outbox.find((m) => m.kind === "email-verification"), "the verification mail");
show("outbox", mailed(verification));
const verified = await auth.verifyEmail({ token: verification.token! }); // what the link's page POSTs
show("verifyEmail", `emailVerified=${verified.user.emailVerified}`);
await refused("same link again", () => auth.verifyEmail({ token: verification.token! }));

step("Password reset (in-memory outbox)");
const before = await auth.signin({ email, password }); // a session that the reset will end
await auth.requestPasswordReset({ email: "nobody@example.com" });
await auth.requestPasswordReset({ email }, { ip: "203.0.113.7" });
show("requestPasswordReset", "resolved the same way for nobody@example.com and for ada@example.com");
const reset = await until(() => outbox.find((m) => m.kind === "password-reset"), "the reset mail");
await until(() => (events.filter((e) => e.type === "password.reset_requested").length === 2 ? true : undefined), "both requests");
show("outbox", mailed(reset));
show("mails to nobody@", `${outbox.filter((m) => m.to === "nobody@example.com").length} (no account, no mail)`);
const newPassword = "a brand new long passphrase";
await refused("weak new password", () => auth.resetPassword({ token: reset.token!, password: "password123" }));
const afterReset = await auth.resetPassword({ token: reset.token!, password: newPassword }); // the link still works
show("resetPassword", `new password set for ${afterReset.user.email}; nobody is signed in by it`);
await refused("same link again", () => auth.resetPassword({ token: reset.token!, password: "yet another long passphrase" }));
await refused("session from before", () => auth.refresh(before.refreshToken));
await refused("old password", () => auth.signin({ email, password }));
show("new password", `signed in: ${(await auth.signin({ email, password: newPassword })).user.email}`);

await new Promise((resolve) => setTimeout(resolve, 0)); // events are delivered on a later turn
show("audit events", [...new Set(events.map((e) => e.type))].join(", "));

console.log("\nDone: every step behaved as expected.");
