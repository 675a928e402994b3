// Roles on the bridge are the admin plugin's comma-separated user.role: what Better Auth's admin sets, AuthSkill
// reads, and what bridge.storage writes, Better Auth sees. Without the plugin there is nowhere to keep them.
import { afterEach, describe, expect, it } from "vitest";
import { AuthSkill, type UserRecord } from "auth-skill";
import { admin } from "better-auth/plugins";
import { userRecord } from "auth-skill/testing";
import { rejectsWith } from "../helpers.js";
import { DIALECTS, betterAuthSignup, stack, type Stack } from "./support.js";

const PASSWORD = "a long passphrase 42";

interface AdminApi {
  setRole(input: { body: { userId: string; role: string | string[] }; headers: Headers }): Promise<unknown>;
}
const api = (s: Stack) => s.auth.api as unknown as AdminApi;
const roleColumn = async (s: Stack, id: string) => (await s.db.selectFrom("user").select("role").where("id", "=", id).executeTakeFirstOrThrow()).role;

describe.each(DIALECTS)("roles on the bridge (%s)", (dialect) => {
  let s: Stack;
  afterEach(async () => s?.close());

  it("reads the admin plugin's role, as Better Auth's admin sets it, and writes it back comma-separated", async () => {
    s = await stack(dialect, { argon2: true, plugins: [admin()] });
    const auth = new AuthSkill({ secret: s.secret, storage: s.bridge.storage, rateLimit: false });
    const root = await betterAuthSignup(s, "root@example.com", PASSWORD, "Root");
    await s.db.updateTable("user").set({ role: "admin" }).where("id", "=", root.userId).execute();
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    expect((await auth.signin({ email: "ada@example.com", password: PASSWORD })).user.roles).toEqual(["user"]); // the plugin's defaultRole
    await api(s).setRole({ body: { userId: ada.userId, role: ["admin", "support"] }, headers: new Headers({ cookie: root.cookie }) });
    expect((await auth.signin({ email: "ada@example.com", password: PASSWORD })).user.roles).toEqual(["admin", "support"]);

    const storage = s.bridge.storage;
    expect(await storage.updateUser(ada.userId, { roles: ["editor", "billing"] })).toMatchObject({ ok: true, user: { roles: ["editor", "billing"] } });
    expect(await roleColumn(s, ada.userId)).toBe("editor,billing");
    expect(await storage.updateUser(ada.userId, { roles: [] })).toMatchObject({ ok: true, user: { roles: [] } });
    expect(await roleColumn(s, ada.userId)).toBeNull();
    await rejectsWith(storage.updateUser(ada.userId, { roles: ["a,b"] }), "INVALID_INPUT");
    await rejectsWith(storage.updateUser(ada.userId, { roles: [""] }), "INVALID_INPUT");

    const created: UserRecord = userRecord({ roles: ["auditor"] });
    expect((await storage.createUser(created)).ok).toBe(true);
    expect(await roleColumn(s, created.id)).toBe("auditor");
    expect((await storage.findUserById(created.id))?.roles).toEqual(["auditor"]);
  });

  it("without the admin plugin: users have no roles, and storing some is CONFIG_ERROR", async () => {
    s = await stack(dialect, { argon2: true });
    const ada = await betterAuthSignup(s, "ada@example.com", PASSWORD);
    const storage = s.bridge.storage;
    expect((await storage.findUserById(ada.userId))?.roles).toEqual([]);
    expect(await storage.updateUser(ada.userId, { roles: [], name: "Ada L." })).toMatchObject({ ok: true, user: { roles: [], name: "Ada L." } });
    await rejectsWith(storage.updateUser(ada.userId, { roles: ["admin"] }), "CONFIG_ERROR");
    const refused = userRecord({ roles: ["admin"] });
    await rejectsWith(storage.createUser(refused), "CONFIG_ERROR");
    expect(await storage.findUserById(refused.id)).toBeNull();
    expect((await storage.findUserById(ada.userId))?.name).toBe("Ada L.");
  });
});
