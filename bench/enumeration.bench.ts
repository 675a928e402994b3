// Signin timing for an unknown user against a wrong password for a real one: the baseline asks for
// the same answer "within ~5%" in time. Sequential signins, alternating slices, medians of slice means.
import { AuthError, AuthSkill } from "../src/index.js";
import { PASSWORD, SECRET, alternating, ratio, table } from "./lib.js";

const SLICES = 30;
const PER_SLICE = 10;

async function refused(auth: AuthSkill, email: string): Promise<void> {
  try {
    await auth.signin({ email, password: "not the password at all" });
  } catch (err) {
    if (err instanceof AuthError && err.code === "INVALID_CREDENTIALS") return;
    throw err;
  }
  throw new Error("signin with a wrong password succeeded");
}

export async function enumerationBench(): Promise<string> {
  const auth = new AuthSkill({ secret: SECRET, rateLimit: false }); // limits off: the same account is tried 300 times
  await auth.signup({ email: "known@example.com", password: PASSWORD });
  const one = (email: string) => async () => {
    for (let i = 0; i < PER_SLICE; i++) await refused(auth, email);
    return PER_SLICE;
  };
  await one("known@example.com")();
  await one("nobody@example.com")();
  process.stderr.write(`enumeration: ${SLICES} slices x ${PER_SLICE} signins each\n`);
  const rate = await alternating(SLICES, { wrongPassword: one("known@example.com"), unknownUser: one("nobody@example.com") });
  const ms = (r: number) => `${(1000 / r).toFixed(2)} ms`;
  const r = rate.wrongPassword! / rate.unknownUser!; // time(unknown) / time(wrong password)
  return [
    "### Enumeration: unknown user vs wrong password",
    "",
    `Sequential refused signins on the defaults (rate limits off so one account can be tried ${SLICES * PER_SLICE} times), ${SLICES} alternating slices of ${PER_SLICE}; medians.`,
    "",
    table(
      ["case", "time per signin", "unknown / wrong", "target", "status"],
      [
        ["wrong password, real user", ms(rate.wrongPassword!), "", "", ""],
        ["unknown user", ms(rate.unknownUser!), ratio(r), "0.95x..1.05x", Math.abs(r - 1) <= 0.05 ? "met" : "**MISSED**"],
      ],
    ),
  ].join("\n");
}
