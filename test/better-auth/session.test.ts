// Points 1 and 2: the bridge reads Better Auth's sessions and writes sessions Better Auth accepts — each proven
// against the real better-auth 1.7.25 on the same SQLite / PostgreSQL database.
import { createHmac } from "node:crypto";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { afterEach, describe, expect, it } from "vitest";
import { betterAuthBridge } from "auth-skill/better-auth";
import { randomId } from "../../src/ids.js";
import { toDb } from "../../src/better-auth/db.js";
import { rejectsWith } from "../helpers.js";
import {
  BASE_URL,
  DIALECTS,
  betterAuthSignup,
  betterAuthUserOf,
  cookiePair,
  freshDatabase,
  newSecret,
  sessionCookieFrom,
  stack,
  type Stack,
} from "./support.js";

const PASSWORD = "a long passphrase 42";

/** Flips one character of a string at `index` (within [A-Za-z0-9]). */
function flip(value: string, index: number): string {
  const c = value[index]!;
  return value.slice(0, index) + (c === "A" ? "B" : "A") + value.slice(index + 1);
}

describe.each(DIALECTS)("Better Auth sessions through the bridge (%s)", (dialect) => {
  let s: Stack;
  afterEach(async () => s?.close());

  describe("1. reading Better Auth sessions", () => {
    it("accepts the cookie and the bearer token of a Better Auth sign-up", async () => {
      s = await stack(dialect);
      const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
      const viaCookie = await s.bridge.getSession(new Headers({ cookie: `theme=dark; ${ada.cookie}; other=1` }));
      expect(viaCookie?.user).toMatchObject({ id: ada.userId, email: "ada@example.com", name: "Ada", emailVerified: false });
      expect(viaCookie?.session.userId).toBe(ada.userId);
      expect(viaCookie?.session.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);

      // The bearer plugin's set-auth-token header, raw and URL-encoded, in a Request too.
      const req = new Request("http://api.example/x", { headers: { authorization: `Bearer ${ada.bearer}` } });
      expect((await s.bridge.getSession(req))?.session.id).toBe(viaCookie?.session.id);
      const encoded = new Headers({ authorization: `bearer ${encodeURIComponent(ada.bearer)}` });
      expect((await s.bridge.getSession(encoded))?.user.id).toBe(ada.userId);
      // and Better Auth agrees on that same bearer credential
      expect((await s.auth.api.getSession({ headers: new Headers({ authorization: `Bearer ${ada.bearer}` }) }))?.user.id).toBe(ada.userId);
    });

    it("refuses tampered signatures and tokens, a wrong secret, and unsigned bearer tokens — as Better Auth does", async () => {
      s = await stack(dialect);
      const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
      const [name, value] = ada.cookie.split("=") as [string, string];
      const decoded = decodeURIComponent(value);
      const [token, signature] = decoded.split(".") as [string, string];
      const forged = [
        `${name}=${encodeURIComponent(`${token}.${flip(signature, 5)}`)}`, // signature changed
        `${name}=${encodeURIComponent(`${flip(token, 3)}.${signature}`)}`, // token changed
        `${name}=${encodeURIComponent(token)}`, // no signature
        `${name}=${encodeURIComponent(`${token}.${createHmac("sha256", newSecret()).update(token).digest("base64")}`)}`, // another secret
        `${name}=${encodeURIComponent(`${token}.${signature.slice(0, -2)}=`)}`, // truncated
      ];
      for (const cookie of forged) {
        expect(await s.bridge.getSession(new Headers({ cookie }))).toBeNull();
        expect(await betterAuthUserOf(s, cookie)).toBeNull();
      }
      expect(await s.bridge.getSession(new Headers({ authorization: `Bearer ${token}` }))).toBeNull(); // unsigned
      expect(await s.bridge.getSession(new Headers({ authorization: `Bearer ${token}.${flip(signature, 0)}` }))).toBeNull();
      expect(await s.bridge.getSession(new Headers())).toBeNull();
      // a bridge configured with another secret accepts nothing
      const other = betterAuthBridge({ db: s.db, secret: newSecret() });
      expect(await other.getSession(new Headers({ cookie: ada.cookie }))).toBeNull();
      expect(await other.getSession(new Headers({ authorization: `Bearer ${ada.bearer}` }))).toBeNull();
    });

    it("refuses an expired session, an unknown one, and one Better Auth signed out", async () => {
      s = await stack(dialect);
      const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
      const bob = await betterAuthSignup(s, "bob@example.com", PASSWORD, "Bob");
      // expired: move Ada's row into the past
      await s.db
        .updateTable("session")
        .set({ expiresAt: toDb({ kysely: s.db, dialect, refresh: "" }, new Date(Date.now() - 1000)) })
        .where("userId", "=", ada.userId)
        .execute();
      expect(await s.bridge.getSession(new Headers({ cookie: ada.cookie }))).toBeNull();
      expect(await betterAuthUserOf(s, ada.cookie)).toBeNull();
      // unknown: a token Better Auth never issued, correctly signed
      const unknown = randomId(32);
      const cookie = `better-auth.session_token=${encodeURIComponent(`${unknown}.${createHmac("sha256", s.secret).update(unknown).digest("base64")}`)}`;
      expect(await s.bridge.getSession(new Headers({ cookie }))).toBeNull();
      // signed out through Better Auth
      expect((await s.bridge.getSession(new Headers({ cookie: bob.cookie })))?.user.id).toBe(bob.userId);
      await s.auth.api.signOut({ headers: new Headers({ cookie: bob.cookie }) });
      expect(await s.bridge.getSession(new Headers({ cookie: bob.cookie }))).toBeNull();
      expect(await s.bridge.getSession(new Headers({ authorization: `Bearer ${bob.bearer}` }))).toBeNull();
    });

    it("reads the __Secure- cookie of an https Better Auth, and refuses the plain name there", async () => {
      s = await stack(dialect, { baseURL: "https://app.example.com" });
      const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
      expect(ada.headers.getSetCookie().join("\n")).toContain("__Secure-better-auth.session_token=");
      const secureCookie = ada.headers.getSetCookie().find((c) => c.startsWith("__Secure-better-auth.session_token="))!;
      expect((await s.bridge.getSession(new Headers({ cookie: cookiePair(secureCookie) })))?.user.id).toBe(ada.userId);
      const plain = cookiePair(secureCookie).replace("__Secure-", "");
      expect(await s.bridge.getSession(new Headers({ cookie: plain }))).toBeNull();
      expect(await betterAuthUserOf(s, plain)).toBeNull();
      expect(s.bridge.cookieName).toBe("__Secure-better-auth.session_token");
    });

    it("follows a custom cookiePrefix", async () => {
      s = await stack(dialect, { betterAuth: { advanced: { cookiePrefix: "shop" } }, bridge: { cookiePrefix: "shop" } });
      const res = await s.auth.api.signUpEmail({ body: { email: "ada@example.com", password: PASSWORD, name: "Ada" }, returnHeaders: true });
      const cookie = cookiePair(res.headers.getSetCookie().find((c) => c.startsWith("shop.session_token="))!);
      expect((await s.bridge.getSession(new Headers({ cookie })))?.user.id).toBe(res.response.user.id);
      expect(s.bridge.cookieName).toBe("shop.session_token");
    });
  });

  it("works with a Better Auth given the bare driver (better-sqlite3 Database / pg Pool) instead of the Kysely instance", async () => {
    const database = await freshDatabase(dialect);
    try {
      const secret = newSecret();
      const options = {
        database: database.raw!,
        secret,
        baseURL: BASE_URL,
        emailAndPassword: { enabled: true },
        logger: { disabled: true },
        telemetry: { enabled: false },
      };
      await (await getMigrations(options)).runMigrations();
      const auth = betterAuth(options);
      const bridge = betterAuthBridge({ db: database.db, secret, baseURL: BASE_URL });
      await bridge.migrate();
      const res = await auth.api.signUpEmail({ body: { email: "ada@example.com", password: PASSWORD, name: "Ada" }, returnHeaders: true });
      expect((await bridge.getSession(new Headers({ cookie: sessionCookieFrom(res.headers) })))?.user.id).toBe(res.response.user.id);
      const created = await bridge.createSession(res.response.user.id);
      expect((await auth.api.getSession({ headers: new Headers({ cookie: cookiePair(created.setCookie) }) }))?.session.id).toBe(created.session.id);
    } finally {
      await database.close();
    }
  });

  describe("2. writing Better Auth sessions", () => {
    it("creates a session Better Auth's getSession accepts, with Better Auth's own cookie attributes", async () => {
      s = await stack(dialect);
      const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
      const created = await s.bridge.createSession(ada.userId, { ip: "203.0.113.7", userAgent: "bridge-test" });
      expect(created.token).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(created.session).toMatchObject({ userId: ada.userId, ipAddress: "203.0.113.7", userAgent: "bridge-test", token: created.token });
      const seen = await s.auth.api.getSession({ headers: new Headers({ cookie: cookiePair(created.setCookie) }) });
      expect(seen?.user.id).toBe(ada.userId);
      expect(seen?.session).toMatchObject({ id: created.session.id, token: created.token, ipAddress: "203.0.113.7", userAgent: "bridge-test" });
      // the bearer plugin accepts the same signed value
      const bearer = decodeURIComponent(cookiePair(created.setCookie).split("=")[1]!);
      expect((await s.auth.api.getSession({ headers: new Headers({ authorization: `Bearer ${bearer}` }) }))?.session.id).toBe(created.session.id);

      // attributes: exactly what Better Auth sends for its own sessions, value aside
      const signin = await s.auth.api.signInEmail({ body: { email: "ada@example.com", password: PASSWORD }, returnHeaders: true });
      const theirs = signin.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token="))!;
      const attributes = (c: string) => c.slice(c.indexOf(";"));
      expect(attributes(created.setCookie)).toBe(attributes(theirs));
      expect(created.setCookie).toMatch(/^better-auth\.session_token=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/);
    });

    it("writes __Secure- cookies for an https Better Auth, and refuses an unknown user", async () => {
      s = await stack(dialect, { baseURL: "https://app.example.com" });
      const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
      const created = await s.bridge.createSession(ada.userId);
      expect(created.setCookie).toMatch(/^__Secure-better-auth\.session_token=[^;]+; Max-Age=604800; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      expect(await betterAuthUserOf(s, cookiePair(created.setCookie))).toBe(ada.userId);
      await rejectsWith(s.bridge.createSession("no-such-user"), "INVALID_INPUT");
      // and Better Auth's sign-out ends a session the bridge created
      await s.auth.api.signOut({ headers: new Headers({ cookie: cookiePair(created.setCookie) }) });
      expect(await s.bridge.getSession(new Headers({ cookie: cookiePair(created.setCookie) }))).toBeNull();
    });

    it("answers arguments of the wrong type with a TypeError, not a storage failure, and writes nothing", async () => {
      s = await stack(dialect);
      const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
      const before = await s.db.selectFrom("session").select("id").execute();
      for (const [userId, context, options] of [
        [42, {}, {}],
        ["", {}, {}],
        [ada.userId, null, {}],
        [ada.userId, "ip", {}],
        [ada.userId, {}, null],
      ]) {
        const err = await s.bridge.createSession(userId as never, context as never, options as never).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TypeError);
        expect(err).not.toHaveProperty("code");
      }
      expect(await s.db.selectFrom("session").select("id").execute()).toHaveLength(before.length);
      await expect(s.bridge.createSession(ada.userId, undefined, undefined)).resolves.toHaveProperty("token");
    });
  });
});
