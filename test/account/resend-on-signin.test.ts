// Under requireEmailVerification, the right password of an unverified account sends the verification message
// again (a lost first message must not strand the user); a wrong password sends nothing, and the mail limits hold.
import { describe, expect, it, vi } from "vitest";
import { AuthSkill, type EmailMessage } from "../../src/index.js";
import { SECRET, rejectsWith } from "../helpers.js";

const PASSWORD = "correct horse battery staple";

function setup(emailAddress = { max: 5, window: "1h" }) {
  const outbox: EmailMessage[] = [];
  const auth = new AuthSkill({
    secret: SECRET,
    requireEmailVerification: true,
    email: { send: (m) => void outbox.push(m) },
    rateLimit: { emailAddress },
  });
  return { auth, outbox };
}

describe("signin of an unverified account under requireEmailVerification", () => {
  it("sends the verification message again with the right password, and the new link verifies", async () => {
    const { auth, outbox } = setup();
    await auth.signup({ email: "ada@example.com", password: PASSWORD });
    await vi.waitFor(() => expect(outbox).toHaveLength(1));
    await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "EMAIL_NOT_VERIFIED");
    await vi.waitFor(() => expect(outbox).toHaveLength(2));
    expect(outbox[1]).toMatchObject({ kind: "email-verification", to: "ada@example.com" });
    await rejectsWith(auth.verifyEmail({ token: outbox[0]!.token! }), "TOKEN_INVALID"); // voided by the new one
    await auth.verifyEmail({ token: outbox[1]!.token! });
    await expect(auth.signin({ email: "ada@example.com", password: PASSWORD })).resolves.toHaveProperty("accessToken");
  });

  it("sends nothing for a wrong password, and stays within the per-address mail limit", async () => {
    const { auth, outbox } = setup({ max: 2, window: "1h" });
    await auth.signup({ email: "ada@example.com", password: PASSWORD });
    await vi.waitFor(() => expect(outbox).toHaveLength(1));
    await rejectsWith(auth.signin({ email: "ada@example.com", password: `${PASSWORD}!` }), "INVALID_CREDENTIALS");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(outbox).toHaveLength(1);
    for (let i = 0; i < 3; i++) await rejectsWith(auth.signin({ email: "ada@example.com", password: PASSWORD }), "EMAIL_NOT_VERIFIED");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(outbox).toHaveLength(3); // the signup's message (signup has its own limit), then 2 per address per hour
  });
});
