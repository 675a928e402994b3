// Roles: what setRoles accepts, the `roles` claim of the tokens minted after a change, hasRole, and the
// accessToken.claims hook, which cannot override the registered claims or roles.
import { describe, expect, it } from "vitest";
import { hasRole } from "../../src/index.js";
import { rejectsWith } from "../helpers.js";
import { MESSAGES, withAda } from "./support.js";

describe("roles", () => {
  it("setRoles stores checked names, drops duplicates, and refuses bad names and more than 32", async () => {
    const { auth, ada } = await withAda();
    expect((await auth.setRoles(ada.user.id, ["admin", "billing:read", "admin"])).roles).toEqual(["admin", "billing:read"]);
    expect((await auth.getUser(ada.user.id))?.roles).toEqual(["admin", "billing:read"]);
    const tooMany = Array.from({ length: 33 }, (_, i) => `r${i}`);
    for (const roles of [["has space"], [""], ["a,b"], ["x".repeat(65)], ["-lead"], ["admin", "has space"], tooMany]) {
      const err = await rejectsWith(auth.setRoles(ada.user.id, roles), "INVALID_INPUT");
      expect([err.field, err.message]).toEqual(["roles", "Roles are at most 32 names of 1 to 64 letters, digits, '_', '.', ':' or '-'."]);
    }
    await expect(
      auth.setRoles(
        ada.user.id,
        Array.from({ length: 32 }, (_, i) => `r${i}`),
      ),
    ).resolves.toBeDefined();
    await expect(auth.setRoles(ada.user.id, "admin" as unknown as string[])).rejects.toThrow(new TypeError("setRoles: roles must be an array of strings"));
    for (const roles of [[1], ["admin", 1]]) await expect(auth.setRoles(ada.user.id, roles as unknown as string[])).rejects.toBeInstanceOf(TypeError);
    const missing = await rejectsWith(auth.setRoles("no-such-user", ["admin"]), "INVALID_INPUT");
    expect([missing.field, missing.message]).toEqual(["userId", MESSAGES.noSuchUser]);
  });

  it("tokens carry the roles from the next refresh, and hasRole reads them", async () => {
    const { auth, ada } = await withAda();
    expect(await auth.verifyAccessToken(ada.accessToken)).not.toHaveProperty("roles");
    await auth.setRoles(ada.user.id, ["admin"]);
    const claims = await auth.verifyAccessToken((await auth.refresh(ada.refreshToken)).accessToken);
    expect(claims.roles).toEqual(["admin"]);
    expect([hasRole(claims, "admin"), hasRole(claims, "support"), hasRole({}, "admin"), hasRole({ roles: "admin" }, "admin")]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(hasRole(null as never, "admin")).toBe(false); // what a caller may hold before any token was verified
  });

  it("the accessToken.claims hook adds claims but cannot override sub, iss, sid or roles", async () => {
    const { auth, ada } = await withAda({
      accessToken: {
        claims: (user, session) => ({ plan: "pro", owner: user.id, session: session.id, sub: "mallory", iss: "evil", sid: "other", roles: ["root"] }),
      },
    });
    expect(await auth.verifyAccessToken(ada.accessToken)).toMatchObject({ plan: "pro", sub: ada.user.id, sid: ada.sessionId });
    expect(await auth.verifyAccessToken(ada.accessToken)).not.toHaveProperty("roles"); // a user without roles
    await auth.setRoles(ada.user.id, ["support"]);
    const claims = await auth.verifyAccessToken((await auth.refresh(ada.refreshToken)).accessToken);
    expect(claims).toMatchObject({
      plan: "pro",
      owner: ada.user.id,
      session: ada.sessionId,
      sub: ada.user.id,
      iss: "auth-skill",
      sid: ada.sessionId,
      roles: ["support"],
    });
  });
});
