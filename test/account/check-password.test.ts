// checkPassword: the policy signup, reset and change apply, for forms.
import { describe, expect, it } from "vitest";
import { makeAuth } from "../helpers.js";

describe("checkPassword", () => {
  const auth = makeAuth({ password: { minLength: 10 } });

  it("is null for an acceptable password and names the reason otherwise", () => {
    expect(auth.checkPassword("quiet mountain lakes at dawn")).toBeNull();
    expect(auth.checkPassword("short one")).toMatchObject({ reason: "too_short", message: expect.any(String) });
    expect(auth.checkPassword("password123")?.reason).toBe("common");
    expect(auth.checkPassword("x".repeat(129))?.reason).toBe("too_long");
  });

  it("refuses passwords built from the identity given", () => {
    expect(auth.checkPassword("ada.lovelace2024", { email: "ada.lovelace@example.com" })?.reason).toBe("contains_identity");
    expect(auth.checkPassword("countess1815!!", { username: "countess" })?.reason).toBe("contains_identity");
    expect(auth.checkPassword("ada.lovelace2024")).toBeNull();
  });

  it("a password that is not a string is a TypeError", () => {
    for (const password of [undefined, 12345678]) {
      expect(() => auth.checkPassword(password as unknown as string)).toThrow(new TypeError("checkPassword: password must be a string"));
    }
  });

  it("ignores an identity of null and identity fields that are not strings", () => {
    expect(auth.checkPassword("quiet mountain lakes at dawn", null as never)).toBeNull();
    expect(auth.checkPassword("quiet mountain lakes at dawn", { email: 42, username: 42 } as never)).toBeNull();
    expect(auth.checkPassword("countess1815!!", { email: ["countess@example.com"], username: null } as never)).toBeNull();
  });
});
