// examples/web-app's passkeys in a real browser: Debian's headless Chromium (playwright-core) with the Chrome DevTools
// Protocol's virtual authenticator (CTAP2, internal, resident keys, user verification), against the page and the
// cookie-mode handler on http://localhost (RP ID "localhost"). Add a passkey, sign out, sign in with it, remove it:
// the removed passkey signs in no more. With CI=true a missing Chromium fails the suite.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, type CDPSession, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuthSkill, memoryStorage } from "auth-skill";
import { passkeys } from "auth-skill/passkeys";
import { createWebApp, toNodeListener } from "../../examples/web-app/server.js";
import { CHROMIUM, COOKIE, missingChromium, status } from "./web-app-harness.js";

const IN_CI = Boolean(process.env.CI) && process.env.CI !== "false";
const missing = missingChromium();
if (missing && !IN_CI) console.warn(`[examples/web-app passkeys] SKIPPED: ${missing}`);

interface App {
  origin: string;
  auth: AuthSkill;
  close(): Promise<void>;
}

/** examples/web-app with passkeys for RP ID "localhost", listening on 127.0.0.1, browsed as http://localhost:PORT. */
async function startApp(): Promise<App> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  const auth = new AuthSkill({
    secret: "web-app-passkeys-secret-0123456789abcdefghijklmnop",
    storage: memoryStorage(),
    passkeys: passkeys({ rpID: "localhost", rpName: "auth-skill web app", origins: [origin] }),
  });
  server.on("request", toNodeListener(createWebApp({ auth, origin })));
  return {
    origin,
    auth,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A virtual platform authenticator in this page's browser: a synced passkey provider unless `backup` is false. */
async function virtualAuthenticator(page: Page, backup = true): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      ctap2Version: "ctap2_1",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
      defaultBackupEligibility: backup,
      defaultBackupState: backup,
    },
  });
  return { cdp, authenticatorId };
}

let browser: Browser;
let app: App;

describe.skipIf(missing !== null && !IN_CI)("examples/web-app passkeys in headless Chromium", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    if (missing) throw new Error(missing);
    // no DNS (Debian's build looks up update.googleapis.com otherwise); localhost is resolved by Chromium itself
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"] });
    app = await startApp();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function signUp(page: Page, email: string): Promise<string> {
    await page.goto(app.origin);
    await status(page, "Sign in or create an account.");
    await page.fill("#signup-form [name=email]", email);
    await page.fill("#signup-form [name=password]", "correct horse battery staple");
    await page.click("#signup-form button");
    await status(page, "Signed in.");
    return (await page.textContent("#user-id")) ?? "";
  }

  async function signInWithPasskey(page: Page) {
    const [response] = await Promise.all([page.waitForResponse(`${app.origin}/auth/passkeys/signin`), page.click("#passkey-signin")]);
    return response;
  }

  test("add a passkey, sign out, sign in with it (usernameless), remove it: then it signs in no more", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { cdp, authenticatorId } = await virtualAuthenticator(page);
    const userId = await signUp(page, "ada@example.com");

    await page.click("#passkey-add");
    await status(page, "Passkey added.");
    expect(await page.locator("#passkey-list li").count()).toBe(1);
    const [stored] = await app.auth.passkeys.list(userId);
    expect(stored).toMatchObject({ deviceType: "multiDevice", backedUp: true, name: "This browser" });
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!).toMatchObject({ isResidentCredential: true, rpId: "localhost" });
    expect(Buffer.from(credentials[0]!.credentialId, "base64").toString("base64url")).toBe(stored!.id);

    await page.click("#signout");
    await status(page, "Signed out.");
    expect((await context.cookies(app.origin)).some((c) => c.name === COOKIE)).toBe(false);

    const signin = await signInWithPasskey(page);
    await status(page, "Signed in.");
    expect(signin.status()).toBe(200);
    expect(await page.textContent("#user-email")).toBe("ada@example.com");
    const body = (await signin.json()) as { accessToken: string };
    expect(body).not.toHaveProperty("refreshToken"); // cookie mode
    expect((await app.auth.verifyAccessToken(body.accessToken)).amr).toEqual(["swk", "mfa"]);
    expect((await context.cookies(app.origin)).find((c) => c.name === COOKIE)).toMatchObject({ httpOnly: true, secure: true });

    await page.click("#passkey-show");
    await status(page, "Passkeys listed.");
    await page.click("#passkey-list li button");
    await status(page, "Passkey removed.");
    expect(await page.locator("#passkey-list li").count()).toBe(0);
    expect(await app.auth.passkeys.list(userId)).toEqual([]);

    await page.click("#signout");
    await status(page, "Signed out.");
    const refused = await signInWithPasskey(page); // the authenticator still holds it; the server does not
    expect(refused.status()).toBe(401);
    await status(page, "The passkey could not be verified.");
    expect((await context.cookies(app.origin)).some((c) => c.name === COOKIE)).toBe(false);
    await context.close();
  });

  test("a device-bound authenticator (not backup eligible) gives a singleDevice passkey: amr hwk", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await virtualAuthenticator(page, false);
    const userId = await signUp(page, "bob@example.com");
    await page.click("#passkey-add");
    await status(page, "Passkey added.");
    expect(await app.auth.passkeys.list(userId)).toMatchObject([{ deviceType: "singleDevice", backedUp: false }]);
    await page.click("#signout");
    await status(page, "Signed out.");
    const signin = await signInWithPasskey(page);
    await status(page, "Signed in.");
    expect((await app.auth.verifyAccessToken(((await signin.json()) as { accessToken: string }).accessToken)).amr).toEqual(["hwk", "mfa"]);
    await context.close();
  });
});
