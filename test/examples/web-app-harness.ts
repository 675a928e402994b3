// The servers of test/examples/web-app.test.ts: examples/web-app on a loopback port (with a request log and a
// barrier that holds refreshes until several have arrived), a second origin playing the attacker's site, a
// raw HTTP client for replaying a captured cookie outside the browser, and the page driven as a user would.
import { existsSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestAuth, type TestAuth } from "auth-skill/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createDemoOutbox, type DemoOutbox } from "../../examples/web-app/outbox.js";
import { createWebApp, toNodeListener } from "../../examples/web-app/server.js";

export const CHROMIUM = "/usr/bin/chromium"; // Debian's package; Playwright downloads no browser here
export const COOKIE = "__Host-auth-refresh";

/** Why the browser test cannot run here, or null. */
export function missingChromium(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing; install it: apt-get install -y --no-install-recommends chromium`;
}

/** One request the app answered, as the test needs to see it (never the cookie's value). */
export interface Logged {
  method: string;
  path: string;
  status: number;
  origin: string | null;
  fetchSite: string | null;
  /** Whether the request carried the refresh cookie. */
  hadCookie: boolean;
}

export interface AppUnderTest {
  origin: string;
  t: TestAuth;
  outbox: DemoOutbox;
  log: Logged[];
  /** Holds the next `count` POST /auth/refresh until all have arrived, then lets them through together. */
  holdRefreshes(count: number): { filled: Promise<boolean> };
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** examples/web-app on 127.0.0.1, on a `createTestAuth` instance (memory storage, a clock the test moves). */
export async function startApp(reuseInterval: "10s" | 0): Promise<AppUnderTest> {
  const server = createServer();
  const origin = `http://127.0.0.1:${await listen(server)}`;
  const outbox = createDemoOutbox(origin);
  const t = createTestAuth({ refreshToken: { reuseInterval }, email: { send: outbox.send } });
  const listener = toNodeListener(createWebApp({ auth: t.auth, origin, outbox }));
  const log: Logged[] = [];
  let barrier: { count: number; held: Array<() => void>; done: (filled: boolean) => void } | null = null;

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const entry: Logged = {
      method: req.method ?? "",
      path: req.url ?? "",
      status: 0,
      origin: req.headers.origin ?? null,
      fetchSite: (req.headers["sec-fetch-site"] as string | undefined) ?? null,
      hadCookie: (req.headers.cookie ?? "").includes(`${COOKIE}=`),
    };
    res.on("finish", () => log.push({ ...entry, status: res.statusCode }));
    const pass = () => void listener(req, res);
    if (barrier && entry.method === "POST" && entry.path === "/auth/refresh") {
      const b = barrier;
      b.held.push(pass);
      if (b.held.length === b.count) {
        barrier = null;
        b.done(true);
        for (const go of b.held) go();
      }
      return;
    }
    pass();
  });

  return {
    origin,
    t,
    outbox,
    log,
    holdRefreshes(count) {
      const filled = new Promise<boolean>((resolve) => {
        const b = { count, held: [] as Array<() => void>, done: resolve };
        barrier = b;
        setTimeout(() => {
          if (barrier !== b) return;
          barrier = null; // not all arrived: let the held ones go, and report it
          resolve(false);
          for (const go of b.held) go();
        }, 10_000).unref();
      });
      return { filled };
    },
    close: () => close(server),
  };
}

/** A second origin (another port: same site, different origin) serving pages the test writes. */
export async function startAttacker(): Promise<{ origin: string; serve(path: string, html: string): string; close(): Promise<void> }> {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const html = pages.get(req.url ?? "");
    res.writeHead(html === undefined ? 404 : 200, { "content-type": "text/html; charset=utf-8" });
    res.end(html ?? "not found");
  });
  const origin = `http://127.0.0.1:${await listen(server)}`;
  return {
    origin,
    serve(path, html) {
      pages.set(path, html);
      return origin + path;
    },
    close: () => close(server),
  };
}

/** A POST from outside any browser, with exactly the headers given; resolves the status, body and Set-Cookie. */
export function rawPost(url: string, headers: Record<string, string>): Promise<{ status: number; body: string; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { ...headers, "content-length": "0" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, setCookie: res.headers["set-cookie"] ?? [] }));
    });
    req.on("error", reject);
    req.end();
  });
}

// ---- the page, driven as a user would ----

/** Waits until the page's status line says exactly `text`. */
export async function status(page: Page, text: string): Promise<void> {
  await page.waitForFunction((want) => document.getElementById("status")?.textContent === want, text, { timeout: 20_000 });
}

export async function refreshCookie(context: BrowserContext, origin: string): Promise<string | undefined> {
  return (await context.cookies(origin)).find((c) => c.name === COOKIE)?.value;
}

let users = 0;

/** Opens the app in a new context (a fresh browser profile) and signs a new user up through the page's form. */
export async function signUp(
  browser: Browser,
  target: AppUnderTest,
): Promise<{ context: BrowserContext; page: Page; email: string; password: string; userId: string }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(target.origin);
  await status(page, "Sign in or create an account.");
  const email = `user-${++users}@example.com`;
  const password = `a long passphrase ${users}`;
  await page.fill("#signup-form [name=email]", email);
  await page.fill("#signup-form [name=name]", `User ${users}`);
  await page.fill("#signup-form [name=password]", password);
  await page.click("#signup-form button");
  await status(page, "Signed in.");
  const userId = (await page.textContent("#user-id")) ?? "";
  return { context, page, email, password, userId };
}

/** Clicks "Reload profile" and waits for the page to finish (reloaded, or signed out). */
export async function reload(page: Page): Promise<void> {
  await page.click("#reload");
  await page.waitForFunction(() => document.getElementById("status")?.textContent !== "Reloading…", null, { timeout: 20_000 });
}
