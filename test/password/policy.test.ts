import { describe, expect, it } from "vitest";
import { isCommonPassword as exportedIsCommon } from "../../src/index.js";
import { COMMON_PASSWORDS } from "../../src/password/common-passwords.js";
import { checkPassword, codePointLength, isCommonPassword, type PasswordPolicy } from "../../src/password/policy.js";
import { makeAuth, rejectsWith, throwsWith } from "./helpers.js";

const POLICY: PasswordPolicy = { minLength: 8, maxLength: 128, blockCommon: true };
const EMOJI = "😀";
let n = 0;
const email = () => `user${++n}@example.com`;

/** Signs up with `password` and resolves the WEAK_PASSWORD error, checking it never echoes the password. */
async function refused(password: string, options: Parameters<typeof makeAuth>[0] = {}, who: { email?: string; username?: string } = {}) {
  const err = await rejectsWith(
    makeAuth(options).signup({ email: who.email ?? email(), password, ...(who.username ? { username: who.username } : {}) }),
    "WEAK_PASSWORD",
  );
  expect(err.field).toBe("password");
  expect(err.status).toBe(400);
  expect(err.message).not.toContain(password);
  expect(JSON.stringify(err.toJSON())).not.toContain(JSON.stringify(password).slice(1, -1));
  return err;
}

async function accepted(password: string, options: Parameters<typeof makeAuth>[0] = {}, who: { email?: string; username?: string } = {}) {
  const auth = makeAuth(options);
  const address = who.email ?? email();
  const result = await auth.signup({ email: address, password, ...(who.username ? { username: who.username } : {}) });
  expect(result.user.email).toBe(address);
  // and the password works
  expect((await auth.signin({ email: address, password })).user.id).toBe(result.user.id);
}

// First in this file: the list is parsed on first use, so the first lookup must already find common passwords.
describe("the common-password list, at its first use", () => {
  it("finds a common password and passes an uncommon one", () => {
    expect(isCommonPassword("Password1")).toBe(true);
    expect(isCommonPassword("vX9#kq2!Lm")).toBe(false);
  });
});

describe("length, in code points", () => {
  it("codePointLength counts code points, not UTF-16 units", () => {
    expect(codePointLength(EMOJI)).toBe(1);
    expect(EMOJI.length).toBe(2);
    expect(codePointLength(EMOJI.repeat(8))).toBe(8);
    expect(codePointLength("abc")).toBe(3);
    expect(codePointLength("")).toBe(0);
  });

  it("8 emoji (16 UTF-16 units) is long enough; 7 emoji (14 units) is not", async () => {
    await accepted(EMOJI.repeat(4) + "🐱".repeat(4));
    const err = await refused("🐱".repeat(7));
    expect(err.message).toContain("8");
    expect(checkPassword("🐱".repeat(7), {}, POLICY)?.reason).toBe("too_short");
    expect(checkPassword("🐱".repeat(8), {}, POLICY)).toBeNull();
  });

  it("the default minimum is 8", async () => {
    await refused("tkq7-zv");
    await accepted("tkq7-zvw");
    expect(checkPassword("a".repeat(7), {}, POLICY)?.reason).toBe("too_short");
  });

  it("length is measured after NFKC (a ligature counts as the letters it stands for)", () => {
    const ligatures = "ﬃﬃﬃ"; // 3 code points typed, 9 after NFKC
    expect(checkPassword(ligatures + "z", {}, POLICY)).toBeNull();
    expect(checkPassword("ｚ".repeat(7), {}, POLICY)?.reason).toBe("too_short");
  });

  it("minLength is configurable (15)", async () => {
    const options = { password: { minLength: 15 } };
    await refused("river-otter-42x", { password: { minLength: 16 } });
    await refused("river-otter-42", options); // 14
    await accepted("river-otter-42x", options); // 15
    expect(checkPassword("x".repeat(14) + "y", {}, { ...POLICY, minLength: 15 })).toBeNull();
  });

  it("the default maximum is 128: 128 accepted, 129 refused", async () => {
    const base = "quiet mountain lakes ";
    const p128 = base.repeat(7).slice(0, 128);
    expect(codePointLength(p128)).toBe(128);
    await accepted(p128);
    const err = await refused(`${p128}x`);
    expect(err.message).toContain("128");
    expect(checkPassword(`${p128}x`, {}, POLICY)?.reason).toBe("too_long");
    // counted in code points: 128 emoji (256 UTF-16 units) are fine
    expect(checkPassword("🐱🐶".repeat(64), {}, POLICY)).toBeNull();
  });

  it("maxBytes (the hasher's limit) counts UTF-8 bytes after NFKC: 72 pass, 73 do not", () => {
    const bytes72 = { ...POLICY, maxBytes: 72 };
    expect(checkPassword("é".repeat(36), {}, bytes72)).toBeNull();
    expect(checkPassword("e\u0301".repeat(36), {}, bytes72)).toBeNull(); // 108 bytes typed, 72 after NFKC
    expect(checkPassword(`${"é".repeat(36)}x`, {}, bytes72)?.reason).toBe("too_many_bytes");
    expect(checkPassword(`${"é".repeat(36)}x`, {}, POLICY)).toBeNull(); // no maxBytes: no byte limit
  });

  it("maxLength is configurable down to 64, not below", async () => {
    await refused("k".repeat(32) + "-" + "w".repeat(32), { password: { maxLength: 64 } });
    await accepted("k".repeat(32) + "-" + "w".repeat(31), { password: { maxLength: 64 } });
    throwsWith(() => makeAuth({ password: { maxLength: 63 } }), "CONFIG_ERROR");
    throwsWith(() => makeAuth({ password: { minLength: 7 } }), "CONFIG_ERROR");
  });
});

describe("common passwords", () => {
  const entries = COMMON_PASSWORDS.split(",");

  it("the list has at least 3,000 distinct entries, lower-case NFKC, 8+ code points", () => {
    expect(entries.length).toBeGreaterThanOrEqual(3000);
    expect(new Set(entries).size).toBe(entries.length);
    for (const entry of entries) {
      expect(entry).toBe(entry.normalize("NFKC").toLowerCase());
      expect(codePointLength(entry)).toBeGreaterThanOrEqual(8);
    }
  });

  it.each(["Password1", "qwertyuiop", "iloveyou123", "PASSWORD123", "QwErTyUiOp", "Trustno1", "P@ssw0rd"])(
    "refuses %s (case-insensitively)",
    async (password) => {
      expect(isCommonPassword(password)).toBe(true);
      expect(exportedIsCommon(password)).toBe(true);
      expect(checkPassword(password, {}, POLICY)?.reason).toBe("common");
      await refused(password);
    },
  );

  it("refuses a common password typed in full-width forms (NFKC first)", async () => {
    expect(isCommonPassword("ｐａｓｓｗｏｒｄ１２３")).toBe(true);
    await refused("ｐａｓｓｗｏｒｄ１２３");
  });

  it("samples across the whole list are refused, not only the head", () => {
    for (const i of [0, 1000, 2999, Math.floor(entries.length / 2), entries.length - 1]) {
      expect(checkPassword(entries[i]!.toUpperCase(), {}, POLICY)?.reason, entries[i]).toBe("common");
    }
  });

  it("accepts uncommon passwords", () => {
    for (const p of ["correcthorse-batterystaple", "vX9#kq2!Lm", "the quiet otter sleeps"]) expect(isCommonPassword(p), p).toBe(false);
  });

  it("password.blockCommon: false turns the list off", async () => {
    await accepted("qwertyuiop", { password: { blockCommon: false } });
    expect(checkPassword("qwertyuiop", {}, { ...POLICY, blockCommon: false })).toBeNull();
  });
});

describe("passwords built from the user's identity", () => {
  const alice = { email: "alice@example.com" };

  it.each([
    ["alice2024!", alice],
    ["alice@example.com", alice],
    ["ALICE@EXAMPLE.COM", alice],
    ["Alice@Example.com1", alice],
    ["alicealice", alice],
    ["alice12345", alice],
    ["alicepassword", alice],
    ["!!alice!!2024", alice],
    ["alice.smith99", { email: "alice.smith@example.com" }],
    ["smith-1984!", { email: "alice.smith@example.com" }],
    ["bobbytables!!", { email: "bob@example.com", username: "bobbytables" }],
    ["bobbytables2020", { email: "bob@example.com", username: "bobbytables" }],
  ])("refuses %s for %o", async (password, who) => {
    expect(checkPassword(password, who, POLICY)?.reason).toBe("contains_identity");
    const err = await refused(password, {}, who);
    expect(err.message).not.toContain(who.email);
  });

  it.each([
    ["alice-likes-quiet-mountain-lakes", alice],
    ["my friend alice plays chess", alice],
    ["tables-and-chairs-of-oak", { email: "bob@example.com", username: "bobbytables" }],
  ])("accepts the long passphrase %s that merely contains the name", async (password, who) => {
    expect(checkPassword(password, who, POLICY)).toBeNull();
    await accepted(password, {}, who);
  });

  it("the same password is fine for someone else", () => {
    expect(checkPassword("alice2024!", { email: "bob@example.com" }, POLICY)).toBeNull();
  });

  it("ignores identity words shorter than 3 characters, and counts those of exactly 3", () => {
    expect(checkPassword("al12345678", { email: "al@example.com" }, POLICY)).toBeNull();
    expect(checkPassword("bob12345678", { email: "bob@example.com" }, POLICY)?.reason).toBe("contains_identity");
    expect(checkPassword("bob12345678", { username: "bob" }, POLICY)?.reason).toBe("contains_identity");
  });

  it("a password with nothing of the identity in it is judged on its own (digits only, no letters left)", () => {
    const who = { email: "bob.smith@example.com", username: "bobby" };
    for (const password of ["982347165012", "!!--2024--!!", "xq7!"]) {
      expect(checkPassword(password.padEnd(8, "9"), who, POLICY), password).toBeNull();
    }
  });

  it("what is left once the identity is removed: fewer than 4 characters is refused, 4 letters are enough", () => {
    expect(checkPassword("alicexkc", alice, POLICY)?.reason).toBe("contains_identity");
    expect(checkPassword("alicexkcd", alice, POLICY)).toBeNull();
    expect(checkPassword("xkcd-alice", alice, POLICY)).toBeNull();
  });

  it("the whole local part counts, not only its pieces (pieces under 3 characters are not words of their own)", () => {
    expect(checkPassword("j.r.smith2024", { email: "j.r.smith@example.com" }, POLICY)?.reason).toBe("contains_identity");
    expect(checkPassword("alice.smithxyz", { email: "alice.smith@example.com" }, POLICY)?.reason).toBe("contains_identity");
  });

  it("removes the longest identity word first (a username that contains the email's local part)", () => {
    // "ann" removed first would leave "joaxy1"; "joanna" removed first leaves "xy1".
    expect(checkPassword("joannaxy1", { email: "ann@example.com", username: "joanna" }, POLICY)?.reason).toBe("contains_identity");
    expect(checkPassword("joannaxy1", { username: "joanna" }, POLICY)?.reason).toBe("contains_identity");
  });

  it("an identity given in another case or in compatibility forms is matched after NFKC and lower-casing", () => {
    expect(checkPassword("bobbytables!!", { username: "BobbyTables" }, POLICY)?.reason).toBe("contains_identity");
    expect(checkPassword("alice2024!", { email: "ＡＬＩＣＥ@example.com" }, POLICY)?.reason).toBe("contains_identity");
  });
});

describe("no composition rules", () => {
  it.each(["lowercaseonlypassphrase", "quiet mountain lakes at dawn", "982347165012", "ж".repeat(10), "密码不是密码但很长"])("accepts %s", async (password) => {
    expect(checkPassword(password, {}, POLICY)).toBeNull();
    await accepted(password);
  });
});

describe("messages never contain the password", () => {
  it("for every kind of refusal", () => {
    const who = { email: "zed@example.com", username: "zeddy" };
    const cases: [string, PasswordPolicy][] = [
      ["zq7", POLICY],
      ["Zq7".repeat(50), POLICY],
      ["ｐａｓｓｗｏｒｄ１２３", POLICY],
      ["zeddy2024!", POLICY],
      ["ééééééééééééééééééééééééééééééééééééééé", { ...POLICY, maxBytes: 72 }],
    ];
    const reasons = new Set<string>();
    for (const [password, policy] of cases) {
      const v = checkPassword(password, who, policy);
      expect(v, password).not.toBeNull();
      reasons.add(v!.reason);
      expect(v!.message).not.toContain(password);
      expect(v!.message).not.toContain(password.normalize("NFKC"));
      expect(v!.message).not.toContain("zeddy");
    }
    expect(reasons).toEqual(new Set(["too_short", "too_long", "common", "contains_identity", "too_many_bytes"]));
  });

  it("each says what to change", () => {
    const who = { email: "zed@example.com", username: "zeddy" };
    const says = (password: string, policy: PasswordPolicy = POLICY) => checkPassword(password, who, policy)?.message;
    expect(says("zq7")).toBe("Password must be at least 8 characters long.");
    expect(says("Zq7".repeat(50))).toBe("Password must be at most 128 characters long.");
    expect(says("x".repeat(4097), { ...POLICY, maxLength: 4096 })).toBe("Password must be at most 4096 characters long.");
    expect(says("é".repeat(40), { ...POLICY, maxBytes: 72 })).toBe("Password must be at most 72 bytes long with the configured hasher.");
    expect(says("Password1")).toBe("This password is too common. Please choose a less predictable one.");
    expect(says("zeddy2024!")).toBe("Password must not be based on your email address or username.");
  });
});
