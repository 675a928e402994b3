// betterAuthBridge's options: mistakes are CONFIG_ERRORs naming the option (never echoing a secret); Better Auth's
// cookie-name rules; and the username capability refusing to drop a username silently.
import Database from "better-sqlite3";
import { Kysely, MysqlDialect, SqliteDialect } from "kysely";
import { describe, expect, it } from "vitest";
import { AuthSkill } from "auth-skill";
import { betterAuthBridge } from "auth-skill/better-auth";
import { rejectsWith, throwsWith } from "../helpers.js";

const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(":memory:") }) });
const secret = "options-test-secret-0123456789-abcdefghijklmnop";
// MySQL's adapter, never connected (Kysely connects on the first query).
const mysqlDb = new Kysely<any>({
  dialect: new MysqlDialect({
    pool: async () => {
      throw new Error("never connected");
    },
  }),
});

describe("betterAuthBridge options", () => {
  it("refuses bad options with CONFIG_ERROR that names the option, not its value", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ secret }, /db must be a Kysely instance/],
      [{ db, secret: "" }, /secret must be a non-empty string/],
      [{ db, secret, refreshTable: "x; drop table user" }, /refreshTable/],
      [{ db, secret, baseURL: "not a url" }, /baseURL must be an absolute URL/],
      [{ db, secret, secrets: [] }, /secrets must hold at least one entry/],
      [
        {
          db,
          secret,
          secrets: [
            { version: 1, value: "a" },
            { version: 1, value: "b" },
          ],
        },
        /repeats a version/,
      ],
      [{ db, secret, secrets: [{ version: -1, value: "a" }] }, /non-negative integer/],
      [{ db, secret, sessionExpiresIn: 0 }, /sessionExpiresIn/],
      [{ db, secret, sessionExpiresIn: 400 * 86_400 + 1 }, /sessionExpiresIn must be .*at most 400 days/], // would overflow the session's date at createSession
      [{ db, secret, dialect: "mysql" }, /dialect/],
      [{ db, secret, requireEmailVerification: "yes" }, /requireEmailVerification must be a boolean/],
      [{ db, secret, secrets: "1:abc" }, /secrets must be an array/],
      [{ db, secret, jwt: { jwksUrl: "/api/auth/jwks" } }, /jwt.jwksUrl must be an absolute URL/],
      [{ db, secret, jwt: { clockTolerance: -1 } }, /clockTolerance/],
      [{ db: mysqlDb, secret }, /SQLite or PostgreSQL/], // detected, and not a dialect the bridge speaks
    ];
    for (const [options, message] of cases) {
      const err = throwsWith(() => betterAuthBridge(options as never), "CONFIG_ERROR");
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain(secret);
    }
  });

  it("names the session cookie as Better Auth does", () => {
    expect(betterAuthBridge({ db, secret }).cookieName).toBe("better-auth.session_token");
    expect(betterAuthBridge({ db, secret, baseURL: "http://localhost:3000" }).cookieName).toBe("better-auth.session_token");
    expect(betterAuthBridge({ db, secret, baseURL: "https://app.example.com" }).cookieName).toBe("__Secure-better-auth.session_token");
    expect(betterAuthBridge({ db, secret, baseURL: "https://app.example.com", useSecureCookies: false, cookiePrefix: "shop" }).cookieName).toBe(
      "shop.session_token",
    );
    expect(betterAuthBridge({ db, secret, useSecureCookies: true }).cookieName).toBe("__Secure-better-auth.session_token");
  });

  it("without the username capability, a signup with a username fails instead of dropping it", async () => {
    const local = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(":memory:") }) });
    await local.schema
      .createTable("user")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text")
      .addColumn("email", "text", (c) => c.unique())
      .addColumn("emailVerified", "integer")
      .addColumn("image", "text")
      .addColumn("createdAt", "text")
      .addColumn("updatedAt", "text")
      .execute();
    const bridge = betterAuthBridge({ db: local, secret });
    const auth = new AuthSkill({ secret, storage: bridge.storage, rateLimit: false });
    const err = await rejectsWith(auth.signup({ email: "ada@example.com", username: "ada_l", password: "a long passphrase 42" }), "STORAGE_ERROR");
    expect(String((err.cause as Error).message)).toMatch(/usernames are off/);
    expect(await local.selectFrom("user").selectAll().execute()).toEqual([]);
    expect(await bridge.storage.findUserByUsername("ada_l")).toBeNull();
    await local.destroy();
  });
});
