// The admin and twoFactor plugins' columns as the bridge reads them from `user.*`: present only with the plugins,
// a ban without end is the largest Date, and a flag that is not clearly false counts as on (fails closed).
import { describe, expect, it } from "vitest";
import { banUntil, gateFields, secondFactorOn } from "../../src/better-auth/plugin-columns.js";

describe("Better Auth plugin columns", () => {
  it("are absent without the plugins", () => {
    expect(gateFields({ id: "u1", emailVerified: 1 })).toEqual({});
    expect(banUntil({})).toBeUndefined();
    expect(secondFactorOn({})).toBeUndefined();
  });

  it("read the ban as disabledUntil: null when not banned, banExpires, or for ever", () => {
    const expires = new Date("2030-01-01T00:00:00.000Z");
    for (const off of [false, 0, null, "0", "false", "f"]) expect(banUntil({ banned: off, banExpires: expires })).toBeNull();
    expect(banUntil({ banned: true, banExpires: null })?.getTime()).toBe(8.64e15);
    expect(banUntil({ banned: 1, banExpires: "2030-01-01T00:00:00.000Z" })).toEqual(expires); // SQLite
    expect(banUntil({ banned: true, banExpires: expires })).toEqual(expires); // PostgreSQL
    expect(Number.isNaN(banUntil({ banned: 1, banExpires: "garbage" })!.getTime())).toBe(true); // the gate treats it as banned
  });

  it("read flags failing closed: anything but a clear false is on", () => {
    for (const on of [true, 1, "1", "t", "true", "yes", 2]) expect(secondFactorOn({ twoFactorEnabled: on })).toBe(true);
    for (const off of [false, 0, null, "0", "false", "F"]) expect(secondFactorOn({ twoFactorEnabled: off })).toBe(false);
    expect(banUntil({ banned: "yes" })?.getTime()).toBe(8.64e15);
    expect(gateFields({ banned: 0, banExpires: null, twoFactorEnabled: 1 })).toEqual({ disabledUntil: null, twoFactorEnabled: true });
  });
});
