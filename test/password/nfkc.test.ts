import { verify as addonVerify } from "@node-rs/argon2";
import { describe, expect, it } from "vitest";
import { memoryStorage } from "../../src/index.js";
import { makeAuth, rejectsWith } from "./helpers.js";

const cases = [
  { name: "full-width forms", stored: "quiet harbor 42", typed: "ｑｕｉｅｔ　ｈａｒｂｏｒ　４２" },
  { name: "ligatures", stored: "office fiscal plan", typed: "oﬃce ﬁscal plan" },
  { name: "a decomposed accent", stored: "café au lait morning", typed: "cafe\u0301 au lait morning" },
  { name: "superscripts and a circled digit", stored: "x2 squared value 1", typed: "x² squared value ①" },
];

describe.each(cases)("NFKC: $name", ({ stored, typed }) => {
  it("the two spellings have the same NFKC form", () => {
    expect(typed).not.toBe(stored);
    expect(typed.normalize("NFKC")).toBe(stored);
  });

  it("signs in with the typed form after signing up with its NFKC equivalent, and back", async () => {
    const storage = memoryStorage();
    const auth = makeAuth({ storage });
    const a = await auth.signup({ email: "a@example.com", password: stored });
    const b = await auth.signup({ email: "b@example.com", password: typed });
    expect((await auth.signin({ email: "a@example.com", password: typed })).user.id).toBe(a.user.id);
    expect((await auth.signin({ email: "b@example.com", password: stored })).user.id).toBe(b.user.id);
    await rejectsWith(auth.signin({ email: "a@example.com", password: `${typed}.` }), "INVALID_CREDENTIALS");

    // Both stored hashes are hashes of the NFKC form, and stay as they are after signin.
    for (const id of [a.user.id, b.user.id]) {
      const hash = (await storage.findUserById(id))!.passwordHash!;
      expect(await addonVerify(hash, stored)).toBe(true);
      expect(await addonVerify(hash, typed)).toBe(false);
      expect(auth.needsRehash(hash)).toBe(false);
    }
  });
});
