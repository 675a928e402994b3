import { describe, expect, it } from "vitest";
import { argon2Addon, addonLoadError, bcryptAddon } from "../../src/password/addons.js";
import { throwsWith } from "../helpers.js";

const loadFailure = new Error("Cannot find native binding. npm has a bug related to optional dependencies");
const deno = (ffi: string) => ({ permissions: { querySync: (d: { name: string }) => ({ state: d.name === "ffi" ? ffi : "granted" }) } });

describe("native addon loading", () => {
  it("loads @node-rs/argon2 and @node-rs/bcrypt at first use, once", async () => {
    const argon2 = await argon2Addon();
    expect(typeof argon2.hash).toBe("function");
    expect(await argon2Addon()).toBe(argon2);
    expect(typeof (await bcryptAddon()).verify).toBe("function");
  });

  it("under Deno without the FFI permission, a load failure becomes CONFIG_ERROR naming --allow-ffi", () => {
    for (const state of ["prompt", "denied"]) {
      const err = throwsWith(() => {
        throw addonLoadError("@node-rs/argon2", loadFailure, deno(state));
      }, "CONFIG_ERROR");
      expect(err.message).toContain("run Deno with --allow-ffi");
      expect(err.message).toContain("--allow-env --allow-read --allow-ffi");
      expect(err.message).toContain("@node-rs/argon2");
      expect(err.cause).toBe(loadFailure);
    }
  });

  it("passes any other load failure on unchanged: Node and Bun, or Deno with FFI granted", () => {
    expect(addonLoadError("@node-rs/argon2", loadFailure, undefined)).toBe(loadFailure);
    expect(addonLoadError("@node-rs/argon2", loadFailure, deno("granted"))).toBe(loadFailure);
    expect(addonLoadError("@node-rs/argon2", loadFailure, null)).toBe(loadFailure);
    expect(addonLoadError("@node-rs/argon2", loadFailure, "Deno")).toBe(loadFailure);
  });

  it("an old Deno that cannot say (no permissions API, or a querySync that throws) gets the --allow-ffi advice", () => {
    const throwing = {
      permissions: {
        querySync: () => {
          throw new Error("not supported");
        },
      },
    };
    for (const old of [{}, { permissions: {} }, throwing]) {
      const err = throwsWith(() => {
        throw addonLoadError("@node-rs/bcrypt", loadFailure, old);
      }, "CONFIG_ERROR");
      expect(err.message).toContain("@node-rs/bcrypt");
      expect(err.cause).toBe(loadFailure);
    }
  });
});
