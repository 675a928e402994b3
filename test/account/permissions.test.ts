// The `permissions` option maps roles to permissions; session tokens carry the permissions of the user's roles;
// can / requirePermission check verified claims, with `*` granting a segment and everything after it.
import { describe, expect, it } from "vitest";
import { AuthSkill, can, requirePermission } from "../../src/index.js";
import { permissionMapProblem } from "../../src/account/permissions.js";
import { SECRET, throwsWith } from "../helpers.js";

const PASSWORD = "correct horse battery staple";
const permissions = { admin: ["*"], editor: ["posts:*", "media:upload"], viewer: ["posts:read"] };

describe("permissions", () => {
  it("session tokens carry the permissions of the user's roles, each once, and a role change shows at the next refresh", async () => {
    const auth = new AuthSkill({ secret: SECRET, permissions, rateLimit: false });
    const { user, refreshToken, accessToken } = await auth.signup({ email: "ada@example.com", password: PASSWORD });
    expect(await auth.verifyAccessToken(accessToken)).not.toHaveProperty("permissions"); // no roles, no claim
    await auth.setRoles(user.id, ["viewer", "editor", "unknown-role"]);
    const next = await auth.refresh(refreshToken);
    const claims = await auth.verifyAccessToken(next.accessToken);
    expect(claims.permissions).toEqual(["posts:read", "posts:*", "media:upload"]);
    expect(can(claims, "posts:write")).toBe(true);
    expect(can(claims, "posts:comments:delete")).toBe(true);
    expect(can(claims, "media:upload")).toBe(true);
    expect(can(claims, "media:delete")).toBe(false);
    expect(can(claims, "users:read")).toBe(false);
    requirePermission(claims, "posts:write", "media:upload");
    const err = throwsWith(() => requirePermission(claims, "posts:write", "users:write"), "FORBIDDEN");
    expect([err.status, err.message]).toEqual([403, "You do not have permission to do this."]);
  });

  it("a claims hook cannot set permissions or roles", async () => {
    const auth = new AuthSkill({
      secret: SECRET,
      permissions,
      rateLimit: false,
      accessToken: { claims: () => ({ permissions: ["*"], roles: ["admin"], tenant: "t1" }) },
    });
    const { accessToken } = await auth.signup({ email: "ada@example.com", password: PASSWORD });
    const claims = await auth.verifyAccessToken(accessToken);
    expect(claims).toMatchObject({ tenant: "t1" });
    expect(claims).not.toHaveProperty("permissions");
    expect(claims).not.toHaveProperty("roles");
    expect(can(claims, "users:delete")).toBe(false);
  });

  it("wildcards: '*' grants everything, 'a:*' grants a's segments only; what is checked must be concrete", () => {
    const all = { permissions: ["*"] };
    expect(can(all, "users:delete")).toBe(true);
    expect(can(all, "*")).toBe(false); // a wildcard is a grant, never a permission checked
    const posts = { permissions: ["posts:*"] };
    expect(can(posts, "posts")).toBe(false);
    expect(can(posts, "postscript:read")).toBe(false);
    expect(can(posts, "posts:read")).toBe(true);
    expect(can({ permissions: ["posts:read"] }, "posts:read:all")).toBe(false);
    expect(can({}, "posts:read")).toBe(false);
    expect(can({ permissions: "posts:read" }, "posts:read")).toBe(false); // not an array
    expect(can({ permissions: [7, null, "posts:read"] }, "posts:read")).toBe(true);
    expect(can(posts, "")).toBe(false);
    expect(can(all, 42 as never)).toBe(false); // not a string: never granted, not even by "*"
    expect(can(null as never, "posts:read")).toBe(false); // what a caller may hold before any token was verified
    throwsWith(() => requirePermission(all), "FORBIDDEN"); // nothing asked: never a silent pass
  });

  it("a bad permissions option is CONFIG_ERROR", () => {
    const bad = [{ "bad role!": ["x"] }, { admin: ["posts:*:read"] }, { admin: ["posts write"] }, { admin: "posts:read" }, { admin: Array(65).fill("a") }];
    for (const map of bad)
      expect(() => new AuthSkill({ secret: SECRET, permissions: map as never })).toThrow(expect.objectContaining({ code: "CONFIG_ERROR" }));
  });

  it("the option's problems name the role and the rule; 64 grants a role are allowed", () => {
    const roleRule = "role names are 1-64 of letters, digits, '_', '.', ':' or '-'";
    const grantRule = 'admin must list at most 64 permissions like "posts:write" or "posts:*"';
    expect(() => new AuthSkill({ secret: SECRET, permissions: { "bad role!": ["x"] } })).toThrow(roleRule);
    expect(() => new AuthSkill({ secret: SECRET, permissions: { admin: ["posts write"] } })).toThrow(grantRule);
    expect(() => new AuthSkill({ secret: SECRET, permissions: { admin: Array.from({ length: 64 }, (_, i) => `p${i}:read`) } })).not.toThrow();
    // judged on its own, not only on what the option's schema let through
    const bad = [{ admin: "posts:read" }, { admin: [42] }, { admin: ["posts:read", "posts write"] }, { admin: Array(65).fill("a") }];
    for (const map of bad) expect(permissionMapProblem(map)).toBe(grantRule);
    expect(permissionMapProblem({ "-admin": [] })).toBe(roleRule);
    expect(permissionMapProblem({ admin: ["*"], "billing.read": ["invoices:*"] })).toBeNull();
  });

  it("a role the map does not name grants nothing; roles named like Object's members grant nothing", async () => {
    const auth = new AuthSkill({ secret: SECRET, permissions, rateLimit: false });
    const { user } = await auth.signup({ email: "ada@example.com", password: PASSWORD });
    await auth.setRoles(user.id, ["constructor", "toString"]);
    const { accessToken } = await auth.signin({ email: "ada@example.com", password: PASSWORD });
    const claims = await auth.verifyAccessToken(accessToken);
    expect(claims.roles).toEqual(["constructor", "toString"]);
    expect(claims).not.toHaveProperty("permissions");
  });
});
