// Signing in by mail, the edges: exact refusal messages, misuse as TypeError, code trimming and length, the
// events' method, an already verified address left alone, the shared signin budget, and codes always six digits.
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { memoryStorage } from "../../src/index.js";
import { SingleUseTokens } from "../../src/account/single-use-tokens.js";
import { deriveSecretKeys } from "../../src/tokens/secret-keys.js";
import { rejectsWith, SECRET } from "../helpers.js";
import { flush, PASSWORD, withAda } from "./support.js";

const ADA = "ada@example.com";
const CODE_MESSAGE = "This code is invalid or has expired. Please request a new one.";
const LINK_MESSAGE = "This link is invalid or has already been used.";
const wrong = (code: string, i = 1) => String((Number(code) + i) % 1_000_000).padStart(6, "0");

async function codeFor(s: Awaited<ReturnType<typeof withAda>>): Promise<string> {
  await s.auth.requestEmailCode({ email: ADA });
  await flush();
  return s.mail.token("email-code");
}

describe("signing in by mail: edges", () => {
  it("refusals carry fixed messages: a used link, a wrong code, a code that is not a string, input that is not an object", async () => {
    const s = await withAda();
    await s.auth.requestMagicLink({ email: ADA });
    await flush();
    const token = s.mail.token("magic-link");
    await s.auth.signinWithMagicLink({ token });
    expect((await rejectsWith(s.auth.signinWithMagicLink({ token }), "TOKEN_INVALID")).message).toBe(LINK_MESSAGE);
    const code = await codeFor(s);
    expect((await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: wrong(code) }), "TOKEN_INVALID")).message).toBe(CODE_MESSAGE);
    const notString = await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: 7 } as never), "INVALID_INPUT");
    expect([notString.message, notString.field]).toEqual(["A code of six digits is required.", "code"]);
    expect((await rejectsWith(s.auth.signinWithEmailCode(null as never), "INVALID_INPUT")).message).toBe("The request is not valid.");
    expect((await rejectsWith(s.auth.signinWithEmailCode("ada" as never), "INVALID_INPUT")).message).toBe("The request is not valid.");
    const listed = await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: [code] } as never), "INVALID_INPUT");
    expect(listed.field).toBe("code");
  });

  it("misuse of the context is a TypeError naming the method", async () => {
    const s = await withAda();
    await expect(s.auth.signinWithMagicLink({ token: "x" }, null as never)).rejects.toThrow("signinWithMagicLink: context must be an object");
    await expect(s.auth.signinWithMagicLink({ token: "x" }, { rememberMe: 1 } as never)).rejects.toThrow("signinWithMagicLink: rememberMe must be a boolean");
    await expect(s.auth.signinWithEmailCode({ email: ADA, code: "1" }, "ctx" as never)).rejects.toThrow("signinWithEmailCode: context must be an object");
    await expect(s.auth.signinWithEmailCode({ email: ADA, code: "1" }, { rememberMe: "no" } as never)).rejects.toThrow(
      "signinWithEmailCode: rememberMe must be a boolean",
    );
  });

  it("a code is trimmed of surrounding spaces; over 64 characters it is INVALID_INPUT; rememberMe false gives a short session", async () => {
    const s = await withAda();
    const code = await codeFor(s);
    await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: `${code}${" ".repeat(57)}x` }), "TOKEN_INVALID"); // 64: read, wrong
    await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: `${code}${" ".repeat(59)}` }), "INVALID_INPUT"); // 65: refused unread
    const result = await s.auth.signinWithEmailCode({ email: ADA, code: `  ${code} ` }, { rememberMe: false });
    expect(result.rememberMe).toBe(false);
    expect(decodeJwt(result.accessToken).amr).toEqual(["email"]);
    const again = await codeFor(s);
    expect((await s.auth.signinWithEmailCode({ email: ADA, code: again })).rememberMe).toBe(true);
  });

  it("events name the method; an unknown address sends nothing and fails nothing; a verified address is not verified again", async () => {
    const s = await withAda();
    await s.auth.requestMagicLink({ email: "nobody@example.com" });
    await s.auth.requestEmailCode({ email: "nobody@example.com" });
    await flush();
    expect(s.of("signin.requested").map((e) => [e.method, e.userId])).toEqual([
      ["magic-link", undefined],
      ["email-code", undefined],
    ]);
    expect(s.of("email.send_failed")).toEqual([]);
    const code = await codeFor(s);
    await s.auth.signinWithEmailCode({ email: ADA, code }); // verifies the address
    await s.auth.requestMagicLink({ email: ADA });
    await flush();
    expect(s.of("signin.requested").map((e) => [e.method, e.userId])).toEqual([
      ["magic-link", undefined],
      ["email-code", undefined],
      ["email-code", s.ada.user.id],
      ["magic-link", s.ada.user.id],
    ]);
    await s.auth.signinWithMagicLink({ token: s.mail.token("magic-link") });
    await flush();
    expect(s.of("email.verified")).toHaveLength(1); // once, by the code; the link found it verified
  });

  it("code tries share the account's signin budget with passwords, and a right code gives the budget back", async () => {
    const s = await withAda({ rateLimit: { account: { max: 3, window: "15m" } } });
    await rejectsWith(s.auth.signin({ email: ADA, password: "not the password at all" }), "INVALID_CREDENTIALS");
    const code = await codeFor(s);
    await rejectsWith(s.auth.signinWithEmailCode({ email: ADA, code: wrong(code) }), "TOKEN_INVALID");
    await s.auth.signinWithEmailCode({ email: ADA, code }); // the third: right, and the counter starts again
    for (let i = 0; i < 2; i++) await rejectsWith(s.auth.signin({ email: ADA, password: "not the password at all" }), "INVALID_CREDENTIALS");
    await expect(s.auth.signin({ email: ADA, password: PASSWORD })).resolves.toBeDefined();
  });

  it("tries at an unknown address share that address's signin budget with password tries", async () => {
    const s = await withAda({ rateLimit: { account: { max: 3, window: "15m" } } });
    const nobody = "nobody@example.com";
    for (let i = 0; i < 2; i++) await rejectsWith(s.auth.signin({ email: nobody, password: PASSWORD }), "INVALID_CREDENTIALS");
    await rejectsWith(s.auth.signinWithEmailCode({ email: nobody, code: "123456" }), "TOKEN_INVALID");
    await rejectsWith(s.auth.signin({ email: nobody, password: PASSWORD }), "RATE_LIMITED");
    await rejectsWith(s.auth.signinWithEmailCode({ email: "other@example.com", code: "123456" }), "TOKEN_INVALID"); // its own budget
  });

  it("a code or a link sent before an email change does not sign in at the new address", async () => {
    const s = await withAda();
    await s.auth.requestMagicLink({ email: ADA });
    await flush();
    const link = s.mail.token("magic-link");
    const code = await codeFor(s);
    await s.auth.requestEmailChange({ userId: s.ada.user.id, newEmail: "ada@new.example", password: PASSWORD });
    await flush();
    await s.auth.confirmEmailChange({ token: s.mail.token("email-change", "ada@new.example") });
    await rejectsWith(s.auth.signinWithEmailCode({ email: "ada@new.example", code }), "TOKEN_INVALID");
    expect((await rejectsWith(s.auth.signinWithMagicLink({ token: link }), "TOKEN_INVALID")).message).toBe(LINK_MESSAGE);
  });

  it("every code is six digits, leading zeros kept", async () => {
    const tokens = new SingleUseTokens(deriveSecretKeys([SECRET]), memoryStorage(), () => new Date());
    const codes = await Promise.all(Array.from({ length: 200 }, (_, i) => tokens.issueCode(`user-${i}`, 60_000, "x")));
    for (const { code } of codes) expect(code).toMatch(/^[0-9]{6}$/);
  });
});
