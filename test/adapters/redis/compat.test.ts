// Records written by the codec of the release before roles and payloads (the hashes below list exactly the
// fields it wrote) still decode: a user without `roles` reads as [], a token without `payload` as null, a session
// without `persistent` as remember-me (the field left out), and AuthSkill signs that user in and refreshes their
// old session. A token from then has no index entry: it stays
// usable until a newer token of its user and purpose voids it.
import { afterEach, describe, expect, it } from "vitest";
import { AuthSkill, memoryStorage } from "auth-skill";
import { redisStorage } from "auth-skill/redis";
import { randomId } from "../../../src/ids.js";
import { serverUrl } from "../../support/servers.js";
import { connect, deletePrefix, randomPrefix } from "./helpers.js";

const url = serverUrl("redis");
const SECRET = "redis-compat-secret-0123456789-abcdefghijklmnop";
const PASSWORD = "a passphrase from before roles 42";

describe.skipIf(!url)("redisStorage reads records written before roles and payloads", () => {
  const client = connect(url);
  const prefix = randomPrefix();
  const key = (rest: string) => `{${prefix}}${rest}`;
  afterEach(() => deletePrefix(client, prefix));

  it("decodes them, signs the user in, refreshes the old session, and takes or voids the old token", async () => {
    // A user and a session as AuthSkill made them, written field by field as the old codec stored them.
    const memory = memoryStorage();
    const made = await new AuthSkill({ secret: SECRET, storage: memory, rateLimit: false }).signup({
      email: `old-${randomId(6).toLowerCase()}@example.com`,
      password: PASSWORD,
    });
    const u = (await memory.findUserById(made.user.id))!;
    const { amr: _, ...s } = (await memory.findSession(made.sessionId))!; // the old codec had no amr field
    const ms = (d: Date) => String(d.getTime());
    await client.hset(
      key(`user:${u.id}`),
      "id",
      u.id,
      "email",
      u.email,
      "emailVerified",
      "0",
      "passwordHash",
      u.passwordHash!,
      "createdAt",
      ms(u.createdAt),
      "updatedAt",
      ms(u.updatedAt),
    );
    await client.set(key(`email:${u.email}`), u.id);
    await client.hset(
      key(`session:${s.id}`),
      "id",
      s.id,
      "userId",
      u.id,
      "tokenHash",
      s.tokenHash,
      "generation",
      "0",
      "createdAt",
      ms(s.createdAt),
      "expiresAt",
      ms(s.expiresAt),
      "lastUsedAt",
      ms(s.lastUsedAt),
    );
    await client.pexpireat(key(`session:${s.id}`), s.expiresAt.getTime());
    await client.sadd(key(`user-sessions:${u.id}`), s.id);
    const token = (purpose: string) => ({ purpose, tokenHash: randomId(43), createdAt: new Date(), expiresAt: new Date(Date.now() + 3_600_000) });
    const [taken, voided] = [token("password-reset"), token("email-verification")];
    for (const t of [taken, voided]) {
      await client.hset(
        key(`verification:${t.tokenHash}`),
        "id",
        randomId(),
        "purpose",
        t.purpose,
        "userId",
        u.id,
        "tokenHash",
        t.tokenHash,
        "createdAt",
        ms(t.createdAt),
        "expiresAt",
        ms(t.expiresAt),
      );
    }

    const storage = redisStorage({ client, prefix });
    expect(await storage.findUserById(u.id)).toEqual({ ...u, roles: [] });
    const old = await storage.findSession(s.id);
    expect(old).toEqual({ ...s, persistent: undefined });
    expect(old).not.toHaveProperty("persistent");
    expect(old).not.toHaveProperty("amr"); // none stored: unknown
    const auth = new AuthSkill({ secret: SECRET, storage, rateLimit: false });
    await expect(auth.signin({ email: u.email, password: PASSWORD })).resolves.toMatchObject({ user: { id: u.id, roles: [] } });
    await expect(auth.refresh(made.refreshToken)).resolves.toMatchObject({ sessionId: s.id, rememberMe: true, refreshTokenExpiresAt: s.expiresAt });
    expect(await storage.findSession(s.id)).not.toHaveProperty("persistent"); // a rotation adds nothing
    expect(await storage.findSession(s.id)).not.toHaveProperty("amr");
    // A token from before the index has no entry there: no attempt is granted on it (fails closed), and it stays.
    expect(await storage.reserveVerificationAttempt(u.id, taken.purpose, 5, new Date())).toBe(false);

    expect(await storage.consumeVerification(taken.tokenHash, taken.purpose, new Date())).toMatchObject({ userId: u.id, payload: null });
    const newer = { ...token("email-verification"), id: randomId(), userId: u.id, payload: null };
    await storage.createVerification(newer);
    expect(await storage.consumeVerification(voided.tokenHash, voided.purpose, new Date())).toBeNull();
    expect(await storage.consumeVerification(newer.tokenHash, newer.purpose, new Date())).toEqual(newer);
  });

  it('refuses a stored persistent field that is neither "1" nor "0" (never read as either choice)', async () => {
    const id = randomId();
    const now = String(Date.now());
    const fields = ["id", id, "userId", "u", "tokenHash", "h", "generation", "0", "createdAt", now, "expiresAt", now, "lastUsedAt", now];
    await client.hset(key(`session:${id}`), ...fields, "persistent", "true");
    await expect(redisStorage({ client, prefix }).findSession(id)).rejects.toThrow(/persistent/);
    await client.hset(key(`session:${id}`), "persistent", "0");
    expect((await redisStorage({ client, prefix }).findSession(id))?.persistent).toBe(false);
  });
});
