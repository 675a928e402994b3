// Versioned migrations: a database made by the schema of the release before versions (schema version 1, copied
// as rendered into fixtures/schema-v1.<dialect>.sql), or by the release at version 2 (fixtures/schema-v2.<dialect>.sql:
// its kyselySchemaSql and its migrations table), filled with a user, a session and a single-use token, is upgraded
// in place by migrate(): no row lost, the user signs in, the old session refreshes (as a remember-me session), the
// token is taken.
import { readFileSync } from "node:fs";
import { sql, type Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { AuthSkill, memoryStorage, type SessionRecord, type UserRecord } from "auth-skill";
import { kyselyStorage, type KyselyDialect, type KyselyStorage } from "auth-skill/kysely";
import { randomId } from "../../../src/ids.js";
import { rejectsWith } from "../../helpers.js";
import { allTargets, dropTables, freshStorage, randomPrefix } from "./helpers.js";
import { snapshot } from "./introspect.js";

const SECRET = "upgrade-test-secret-0123456789-abcdefghijklmnop";
const PASSWORD = "an old account's passphrase 42";

/** The schema of an older release (1: before versions; 2: with its migrations table at version 2) under `prefix`. */
async function createOldSchema(db: Kysely<any>, dialect: KyselyDialect, prefix: string, version: 1 | 2): Promise<void> {
  const text = readFileSync(new URL(`./fixtures/schema-v${version}.${dialect}.sql`, import.meta.url), "utf8").replaceAll(`v${version}prefix_`, prefix);
  for (const statement of text.split(/;\n/)) if (statement.trim() !== "") await sql.raw(statement).execute(db);
}

/** A user and a session as AuthSkill made them (through a memory store), and the session's refresh token. */
async function madeByAuthSkill(): Promise<{ user: UserRecord; session: SessionRecord; refreshToken: string }> {
  const storage = memoryStorage();
  const result = await new AuthSkill({ secret: SECRET, storage, rateLimit: false }).signup({
    email: `old-${randomId(6).toLowerCase()}@example.com`,
    password: PASSWORD,
    name: "Old",
  });
  // an old schema has no amr column: the session as it is written there, without it
  const { amr: _, ...session } = (await storage.findSession(result.sessionId))!;
  return { user: (await storage.findUserById(result.user.id))!, session, refreshToken: result.refreshToken };
}

/** Inserts the records with the columns of `version` only (2 adds roles and payload), as that release wrote them. */
async function insertOldRows(
  db: Kysely<any>,
  dialect: KyselyDialect,
  storage: KyselyStorage,
  records: { u: UserRecord; s: SessionRecord; tokenHash: string },
  version: 1 | 2,
) {
  const { u, s, tokenHash } = records;
  const flag = (v: boolean) => (dialect === "sqlite" ? (v ? 1 : 0) : v);
  const t = (d: Date | null) => (d === null ? null : d.getTime());
  await db
    .insertInto(storage.tables.users)
    .values({
      id: u.id,
      email: u.email,
      username: u.username,
      name: u.name,
      email_verified: flag(u.emailVerified),
      password_hash: u.passwordHash,
      created_at: t(u.createdAt),
      updated_at: t(u.updatedAt),
      ...(version >= 2 ? { roles: JSON.stringify(u.roles) } : {}),
    })
    .execute(); // prettier-ignore
  await db
    .insertInto(storage.tables.sessions)
    .values({
      id: s.id,
      user_id: s.userId,
      token_hash: s.tokenHash,
      generation: s.generation,
      rotated_at: t(s.rotatedAt),
      successor: s.successor,
      created_at: t(s.createdAt),
      expires_at: t(s.expiresAt),
      last_used_at: t(s.lastUsedAt),
      revoked_at: t(s.revokedAt),
      ip_address: s.ipAddress,
      user_agent: s.userAgent,
    })
    .execute(); // prettier-ignore
  await db
    .insertInto(storage.tables.verifications)
    .values({
      id: randomId(),
      purpose: "password-reset",
      user_id: u.id,
      token_hash: tokenHash,
      created_at: Date.now(),
      expires_at: Date.now() + 3_600_000,
      ...(version >= 2 ? { payload: null } : {}),
    })
    .execute(); // prettier-ignore
}

const count = async (db: Kysely<any>, table: string) =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

for (const target of allTargets()) {
  describe(`kysely ${target.dialect}: upgrading a database made before schema versions`, () => {
    it("migrate() upgrades it in place: every row kept, the user signs in, the old session refreshes", async () => {
      const db = target.db();
      const storage = kyselyStorage({ db, tablePrefix: randomPrefix() });
      const fresh = await freshStorage(db);
      try {
        await createOldSchema(db, target.dialect, storage.tables.users.slice(0, -"users".length), 1);
        const { user, session, refreshToken } = await madeByAuthSkill();
        const tokenHash = randomId(43);
        await insertOldRows(db, target.dialect, storage, { u: user, s: session, tokenHash }, 1);

        await storage.migrate();
        const versions = await db.selectFrom(storage.tables.migrations).select("version").orderBy("version").execute();
        expect(versions.map((r) => Number(r.version))).toEqual([1, 2, 3, 4, 5]);
        expect(await snapshot(db, storage)).toEqual({ ...(await snapshot(db, fresh)), indexNames: expect.any(Array) });
        for (const table of [storage.tables.users, storage.tables.sessions, storage.tables.verifications]) expect(await count(db, table)).toBe(1);
        expect(await storage.findUserById(user.id)).toEqual({ ...user, roles: [] });
        expect(await storage.findSession(session.id)).toEqual({ ...session, persistent: undefined }); // NULL: remember-me

        const auth = new AuthSkill({ secret: SECRET, storage, rateLimit: false });
        const signedIn = await auth.signin({ email: user.email, password: PASSWORD });
        expect(signedIn.user).toMatchObject({ id: user.id, roles: [] });
        await expect(auth.refresh(refreshToken)).resolves.toMatchObject({ sessionId: session.id, user: { id: user.id } });
        await expect(auth.refresh(signedIn.refreshToken)).resolves.toMatchObject({ sessionId: signedIn.sessionId });
        expect(await storage.consumeVerification(tokenHash, "password-reset", new Date())).toMatchObject({ userId: user.id, payload: null });
        expect(await storage.updateUser(user.id, { roles: ["admin"] })).toMatchObject({ ok: true, user: { roles: ["admin"] } });

        await Promise.all([storage.migrate(), storage.migrate()]); // at the latest version: nothing to do
        expect(await count(db, storage.tables.migrations)).toBe(5);
        expect(await count(db, storage.tables.sessions)).toBe(2);
      } finally {
        await dropTables(db, storage);
        await dropTables(db, fresh);
      }
    });

    it("migrate() upgrades a version 2 database to 3 (sessions.persistent): rows kept, old sessions remember-me", async () => {
      const db = target.db();
      const storage = kyselyStorage({ db, tablePrefix: randomPrefix() });
      const fresh = await freshStorage(db);
      try {
        await createOldSchema(db, target.dialect, storage.tables.users.slice(0, -"users".length), 2);
        const { user, session, refreshToken } = await madeByAuthSkill();
        const tokenHash = randomId(43);
        await insertOldRows(db, target.dialect, storage, { u: { ...user, roles: ["editor"] }, s: session, tokenHash }, 2);

        await storage.migrate();
        const versions = await db.selectFrom(storage.tables.migrations).select("version").orderBy("version").execute();
        expect(versions.map((r) => Number(r.version))).toEqual([1, 2, 3, 4, 5]);
        expect(await snapshot(db, storage)).toEqual({ ...(await snapshot(db, fresh)), indexNames: expect.any(Array) });
        for (const table of [storage.tables.users, storage.tables.sessions, storage.tables.verifications]) expect(await count(db, table)).toBe(1);
        expect(await storage.findUserById(user.id)).toEqual({ ...user, roles: ["editor"] });
        const old = await storage.findSession(session.id);
        expect(old).toEqual({ ...session, persistent: undefined });
        expect(old).not.toHaveProperty("persistent"); // NULL reads as remember-me

        const auth = new AuthSkill({ secret: SECRET, storage, rateLimit: false });
        const refreshed = await auth.refresh(refreshToken);
        expect(refreshed).toMatchObject({ sessionId: session.id, rememberMe: true, refreshTokenExpiresAt: session.expiresAt });
        const short = await auth.signin({ email: user.email, password: PASSWORD }, { rememberMe: false });
        expect(short.rememberMe).toBe(false);
        expect((await storage.findSession(short.sessionId))?.persistent).toBe(false);
        await expect(auth.refresh(short.refreshToken)).resolves.toMatchObject({ sessionId: short.sessionId, rememberMe: false });
        expect(await storage.consumeVerification(tokenHash, "password-reset", new Date())).toMatchObject({ userId: user.id, payload: null });

        await storage.migrate(); // at the latest version: nothing to do
        expect(await count(db, storage.tables.migrations)).toBe(5);
      } finally {
        await dropTables(db, storage);
        await dropTables(db, fresh);
      }
    });

    it("records the version on a new database, and refuses to read roles that are not a JSON array", async () => {
      const db = target.db();
      const storage = await freshStorage(db);
      try {
        const versions = await db.selectFrom(storage.tables.migrations).select("version").orderBy("version").execute();
        expect(versions.map((r) => Number(r.version))).toEqual([1, 2, 3, 4, 5]);
        const id = randomId();
        const now = new Date();
        await storage.createUser({
          id,
          email: `${id.toLowerCase()}@example.com`,
          username: null,
          name: null,
          emailVerified: false,
          roles: ["a,b", "é"],
          passwordHash: null,
          createdAt: now,
          updatedAt: now,
        });
        expect((await storage.findUserById(id))?.roles).toEqual(["a,b", "é"]);
        await db.updateTable(storage.tables.users).set({ roles: "admin" }).where("id", "=", id).execute();
        await rejectsWith(storage.findUserById(id), "STORAGE_ERROR");
        // tables dropped while the migrations table stayed: migrate() makes them again, in the latest shape
        const { recoveryCodes, totp, passkeys, verifications, sessions, users } = storage.tables;
        for (const table of [recoveryCodes, totp, passkeys, verifications, sessions, users]) await db.schema.dropTable(table).execute();
        await storage.migrate();
        expect(
          (
            await storage.createUser({
              id,
              email: "again@example.com",
              username: null,
              name: null,
              emailVerified: false,
              roles: ["x"],
              passwordHash: null,
              createdAt: now,
              updatedAt: now,
            })
          ).ok,
        ).toBe(true);
      } finally {
        await dropTables(db, storage);
      }
    });
  });
}
