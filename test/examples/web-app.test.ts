// examples/web-app in a real browser: Debian's headless Chromium driven by playwright-core, against the page
// and the cookie-mode handler served over HTTP on 127.0.0.1. With CI=true a missing Chromium fails the suite.
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type AppUnderTest,
  type Logged,
  CHROMIUM,
  COOKIE,
  missingChromium,
  rawPost,
  refreshCookie,
  reload,
  signUp,
  startApp,
  startAttacker,
  status,
} from "./web-app-harness.js";

const IN_CI = Boolean(process.env.CI) && process.env.CI !== "false";
const missing = missingChromium();
if (missing && !IN_CI) console.warn(`[examples/web-app] SKIPPED: ${missing}`);

let browser: Browser;
let app: AppUnderTest;

/** The requests to the auth routes (not the page's files). */
const authCalls = (log: Logged[]) => log.filter((r) => r.path.startsWith("/auth/"));

// A loaded machine (CI runs the whole suite at once) can make a browser step take seconds: generous timeouts.
describe.skipIf(missing !== null && !IN_CI)("examples/web-app in headless Chromium", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    if (missing) throw new Error(missing);
    // Chromium resolves no host name (Debian's build looks up update.googleapis.com otherwise): loopback by IP only.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"] });
    app = await startApp("10s");
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test("signs up and shows the user; the refresh cookie is HttpOnly and invisible to document.cookie", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(app.origin);
    await status(page, "Sign in or create an account.");
    await page.fill("#signup-form [name=email]", "ada@example.com");
    await page.fill("#signup-form [name=name]", "Ada");
    await page.fill("#signup-form [name=password]", "correct horse battery staple");
    const [signup] = await Promise.all([page.waitForResponse(`${app.origin}/auth/signup`), page.click("#signup-form button")]);
    await status(page, "Signed in.");
    expect(await page.textContent("#user-email")).toBe("ada@example.com");
    expect(await page.textContent("#user-name")).toBe("Ada");

    const body = (await signup.json()) as Record<string, unknown>;
    expect(signup.status()).toBe(201);
    expect(typeof body.accessToken).toBe("string");
    expect(body).not.toHaveProperty("refreshToken"); // cookie mode: never in a body

    const cookie = (await context.cookies(app.origin)).find((c) => c.name === COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax", path: "/", domain: "127.0.0.1" });
    expect(cookie!.value).toMatch(/^[A-Za-z0-9\-._~]{20,}$/);
    const seen = await page.evaluate(() => ({ cookie: document.cookie, local: localStorage.length, session: sessionStorage.length }));
    expect(seen.cookie).not.toContain(COOKIE);
    expect(seen.cookie).not.toContain(cookie!.value);
    expect(seen).toMatchObject({ local: 0, session: 0 }); // the access token is in page memory only
    expect(await page.content()).not.toContain(cookie!.value);
    await context.close();
  });

  test("refreshes on 401: an expired access token is renewed with the cookie and the request retried", async () => {
    const { context, page, email } = await signUp(browser, app);
    const before = await refreshCookie(context, app.origin);
    app.t.clock.advance("16m"); // past the access token's 15 minutes
    const from = app.log.length;
    await reload(page);
    expect(await page.textContent("#status")).toBe("Profile reloaded.");
    expect(await page.textContent("#user-email")).toBe(email);
    expect(authCalls(app.log.slice(from)).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "GET /auth/session 401",
      "POST /auth/refresh 200",
      "GET /auth/session 200",
    ]);
    expect(await refreshCookie(context, app.origin)).not.toBe(before); // rotated
    await context.close();
  });

  test("two tabs refreshing at once stay signed in; signing out in one signs out both", async () => {
    const { context, page: tab1, email, userId } = await signUp(browser, app);
    const tab2 = await context.newPage();
    await tab2.goto(app.origin); // the shared cookie signs the second tab in
    await status(tab2, "Signed in.");
    expect(await tab2.textContent("#user-email")).toBe(email);

    for (let round = 0; round < 2; round++) {
      app.t.clock.advance("16m"); // both access tokens expire: both tabs refresh with the same cookie
      const held = app.holdRefreshes(2);
      const from = app.log.length;
      await Promise.all([reload(tab1), reload(tab2)]);
      expect(await held.filled).toBe(true); // both refreshes were in flight together
      expect(
        app.log
          .slice(from)
          .filter((r) => r.path === "/auth/refresh")
          .map((r) => r.status),
      ).toEqual([200, 200]);
      for (const tab of [tab1, tab2]) expect(await tab.textContent("#status")).toBe("Profile reloaded.");
      expect(await app.t.auth.listSessions(userId)).toHaveLength(1);
    }

    await tab1.click("#signout");
    await status(tab1, "Signed out.");
    await status(tab2, "Signed out in another tab.");
    expect(await refreshCookie(context, app.origin)).toBeUndefined();
    expect(await app.t.auth.listSessions(userId)).toHaveLength(0);
    await tab2.reload();
    await status(tab2, "Sign in or create an account.");
    await context.close();
  });

  test("control: with reuseInterval 0 the same two-tab race ends the session", async () => {
    const strict = await startApp(0);
    try {
      const { context, page: tab1, userId } = await signUp(browser, strict);
      const tab2 = await context.newPage();
      await tab2.goto(strict.origin);
      await status(tab2, "Signed in.");
      strict.t.clock.advance("16m");
      const held = strict.holdRefreshes(2);
      await Promise.all([reload(tab1), reload(tab2)]);
      expect(await held.filled).toBe(true);
      expect(await strict.t.auth.listSessions(userId)).toHaveLength(0); // the duplicate counted as a replay
      await context.close();
    } finally {
      await strict.close();
    }
  });

  test("a form or a fetch from another origin is refused (403) and changes nothing", async () => {
    const { context, page, userId } = await signUp(browser, app);
    const cookie = await refreshCookie(context, app.origin);
    const sessions = (await app.t.auth.listSessions(userId)).map((s) => s.id);
    const mallory = await app.t.signIn({ password: "mallory's own password" }); // login CSRF would sign the victim in as her
    const attacker = await startAttacker(); // 127.0.0.1 on another port: the same site, another origin
    try {
      const submit = "<script>document.forms[0].submit()</script>";
      const json = JSON.stringify({ email: mallory.user.email, password: "mallory's own password" });
      const urls = [
        attacker.serve("/signout", `<form method="post" action="${app.origin}/auth/signout"></form>${submit}`),
        attacker.serve(
          "/signin",
          `<form method="post" enctype="text/plain" action="${app.origin}/auth/signin"><input name='${json.slice(0, -1)},"x":"' value='"}'></form>${submit}`,
        ),
        attacker.serve("/refresh", `<script>fetch("${app.origin}/auth/refresh", { method: "POST", mode: "no-cors", credentials: "include" })</script>`),
        attacker.serve(
          "/signin-fetch",
          `<script>fetch("${app.origin}/auth/signin", { method: "POST", mode: "no-cors", credentials: "include", body: ${JSON.stringify(json)} })</script>`,
        ),
      ];
      const from = app.log.length;
      const tab = await context.newPage(); // the victim's browser: the same cookie jar
      for (const [i, url] of urls.entries()) {
        await tab.goto(url);
        await expect.poll(() => app.log.slice(from).filter((r) => r.origin === attacker.origin).length, { timeout: 15_000 }).toBe(i + 1);
        if (i === 0) expect(await tab.textContent("body")).toContain("FORBIDDEN"); // the form's navigation shows the 403
      }
      const attacks = app.log.slice(from).filter((r) => r.origin === attacker.origin);
      expect(attacks.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        "POST /auth/signout 403",
        "POST /auth/signin 403",
        "POST /auth/refresh 403",
        "POST /auth/signin 403",
      ]);
      // The cookie went along (same site, SameSite=Lax): the Origin check alone refused them.
      for (const r of attacks) expect(r).toMatchObject({ hadCookie: true, fetchSite: "same-site" });

      expect(await refreshCookie(context, app.origin)).toBe(cookie); // not rotated, not cleared, not replaced
      expect((await app.t.auth.listSessions(userId)).map((s) => s.id)).toEqual(sessions);
      expect(await app.t.auth.listSessions(mallory.user.id)).toHaveLength(1); // only the one signIn made
      await reload(page);
      expect(await page.textContent("#status")).toBe("Profile reloaded.");
    } finally {
      await attacker.close();
      await context.close();
    }
  });

  test("a reused refresh token ends the session, and the page's next refresh fails", async () => {
    const { context, page, userId } = await signUp(browser, app);
    const old = await refreshCookie(context, app.origin);
    app.t.clock.advance("16m");
    await reload(page); // 401, refresh: the page's cookie rotates
    expect(await page.textContent("#status")).toBe("Profile reloaded.");
    expect(await refreshCookie(context, app.origin)).not.toBe(old);

    app.t.clock.advance("11s"); // past reuseInterval: no second tab, a replay
    const replay = await rawPost(`${app.origin}/auth/refresh`, { cookie: `${COOKIE}=${old}`, origin: app.origin });
    expect(replay.status).toBe(401);
    expect(JSON.parse(replay.body)).toMatchObject({ error: { code: "REFRESH_TOKEN_REUSED" } });
    expect(replay.setCookie).toEqual([expect.stringMatching(new RegExp(`^${COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970`))]);
    expect(await app.t.auth.listSessions(userId)).toHaveLength(0);

    const from = app.log.length;
    await reload(page);
    expect(await page.textContent("#status")).toMatch(/^Your session has ended \(.+\) Please sign in again\.$/);
    expect(await page.isVisible("#signed-out")).toBe(true);
    expect(authCalls(app.log.slice(from)).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(["GET /auth/session 401", "POST /auth/refresh 401"]);
    expect(await refreshCookie(context, app.origin)).toBeUndefined(); // the refused refresh cleared it
    await context.close();
  });

  test("resets the password from a link in the outbox page, then signs in with the new one", async () => {
    const { context, page, email, password } = await signUp(browser, app);
    await page.click("#signout");
    await status(page, "Signed out.");
    await page.fill("#forgot-form [name=email]", email);
    await page.click("#forgot-form button");
    await status(page, "If that address has an account, a reset link is on its way. (Demo: open the outbox.)");
    await expect.poll(() => app.outbox.entries().some((m) => m.to === email && m.kind === "password-reset"), { timeout: 15_000 }).toBe(true);

    await page.goto(`${app.origin}/outbox`);
    expect(await page.textContent(".demo-banner")).toContain("Demo only.");
    const link = page
      .locator("li.mail")
      .filter({ has: page.locator(".mail-to", { hasText: email }) })
      .locator("a.mail-link");
    await link.click();
    await page.waitForURL(`${app.origin}/reset`); // the page took the #token out of the address bar
    const newPassword = "a brand new passphrase";
    await page.fill("#reset-form [name=password]", newPassword);
    await page.click("#reset-form button");
    await status(page, "Your password has changed and every session has ended. Sign in with the new password.");

    await page.goto(app.origin);
    await status(page, "Sign in or create an account.");
    for (const [given, signedIn] of [
      [password, false],
      [newPassword, true],
    ] as const) {
      await page.fill("#signin-form [name=email]", email);
      await page.fill("#signin-form [name=password]", given);
      await page.click("#signin-form button");
      await page.waitForFunction(() => document.getElementById("status")?.textContent !== "Signing in…");
      expect(await page.isVisible("#signed-in")).toBe(signedIn);
      expect(await page.getAttribute("#status", "class")).toBe(signedIn ? "" : "error");
    }
    expect(await page.textContent("#user-email")).toBe(email);
    await context.close();
  });
});
