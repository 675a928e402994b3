// The canary test's scanner (canary-kit.ts) must find what it claims to find, or the canary test proves nothing.
import { describe, expect, it } from "vitest";
import { Canaries } from "./canary-kit.js";
import { PW, SECRET } from "./canary-fixture.js";

describe("Canaries.scan", () => {
  it("the scan finds a leak in any form and names it without printing it", () => {
    const canaries = new Canaries();
    canaries.add("secret", SECRET);
    canaries.refreshToken("refresh token", "sessionid0123456789.3.AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHHIIIIJJJJKKK.LLLLMMMMNNNNOOOOPPPPQQ");
    canaries.add("password weak", PW.weak);
    const hexPiece = Buffer.from(SECRET).toString("hex").slice(20, 32);
    const leaks = canaries.scan([
      { where: "event a", text: `{"note":"${hexPiece}"}` },
      { where: "event b", text: `sid sessionid0123456789 is public; tag LLLLMMMMNNNNOOOOPPPPQQ is not` },
      { where: "log c", text: `weak=${PW.weak}` },
      { where: "log d", text: "nothing here" },
    ]);
    expect(leaks).toEqual(["password weak in log c", "refresh token (tag) in event b", "secret in event a"]);
    expect(leaks.join()).not.toContain(SECRET);
  });

  it("a value shorter than a piece is found whole; a base64url value also by its decoded bytes", () => {
    const canaries = new Canaries();
    const token = "q9V2lm0Xc8RwT4yB1nK7sD3fH6jL0pZ5aE2gU8iO4wQ";
    canaries.add("token", token);
    const hex = Buffer.from(token, "base64url").toString("hex");
    expect(canaries.scan([{ where: "log", text: `bytes ${hex.slice(30, 44)}` }])).toEqual(["token in log"]);
    expect(canaries.scan([{ where: "log", text: token.slice(0, 11) }])).toEqual([]);
  });
});
