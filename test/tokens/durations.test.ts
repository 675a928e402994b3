/**
 * Lifetimes are finite and sensible: `createAccessToken({ ttl: 1e308 })` never mints
 * `exp: null`, and durations in general refuse non-finite and absurd values.
 */
import { describe, expect, it } from "vitest";
import { MAX_ACCESS_TTL_MS, MAX_DURATION_MS, toMilliseconds } from "../../src/duration.js";
import type { Duration } from "../../src/index.js";
import { T0, decodeSegment, makeAuth, throwsWith } from "./helpers.js";

describe("toMilliseconds", () => {
  it.each<[string, unknown]>([
    ["1e308 seconds", 1e308],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["NaN", Number.NaN],
    ["-1", -1],
    ["a string of 1e308", "1e308s"],
    ["20 digits of days", "99999999999999999999d"],
    ["401 days", "401d"],
    ["58 weeks", "58w"],
    ["400 days and a second, in seconds", 400 * 86400 + 1],
    ["an object", { seconds: 5 }],
    ["null", null],
  ])("refuses %s with a TypeError", (_name, value) => {
    expect(() => toMilliseconds(value as Duration)).toThrow(TypeError);
  });

  it("accepts up to 400 days, exactly", () => {
    expect(toMilliseconds("400d")).toBe(MAX_DURATION_MS);
    expect(toMilliseconds(400 * 86400)).toBe(MAX_DURATION_MS);
    expect(toMilliseconds("15m")).toBe(900_000);
    expect(toMilliseconds(0)).toBe(0);
  });

  it("takes a smaller cap when asked", () => {
    expect(toMilliseconds("24h", MAX_ACCESS_TTL_MS)).toBe(MAX_ACCESS_TTL_MS);
    expect(() => toMilliseconds(86401, MAX_ACCESS_TTL_MS)).toThrow(/at most 24 hours/);
  });
});

describe("createAccessToken ttl (per call: TypeError)", () => {
  it.each<[string, unknown]>([
    ["1e308", 1e308],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["NaN", Number.NaN],
    ["24 h + 1 s", 86401],
    ["25h", "25h"],
    ["2d", "2d"],
    ["-5", -5],
  ])("refuses %s and mints nothing", async (_name, ttl) => {
    const auth = makeAuth();
    await expect(auth.createAccessToken({ userId: "u", ttl: ttl as Duration })).rejects.toBeInstanceOf(TypeError);
  });

  it("accepts exactly 24 hours; exp is always a finite number", async () => {
    const claims = decodeSegment(await makeAuth().createAccessToken({ userId: "u", ttl: "24h" }), 1);
    expect(claims.exp).toBe(T0 + 86400);
  });
});

describe("configured lifetimes (CONFIG_ERROR)", () => {
  it.each<[string, Parameters<typeof makeAuth>[0], string]>([
    ["accessToken.ttl 1e308", { accessToken: { ttl: 1e308 } }, "accessToken.ttl"],
    ["accessToken.ttl 25h", { accessToken: { ttl: "25h" } }, "accessToken.ttl"],
    ["accessToken.ttl 86401 s", { accessToken: { ttl: 86401 } }, "accessToken.ttl"],
    ["accessToken.clockTolerance 1e308", { accessToken: { clockTolerance: 1e308 } }, "accessToken.clockTolerance"],
    ["accessToken.clockTolerance 6m", { accessToken: { clockTolerance: "6m" } }, "accessToken.clockTolerance"],
    ["refreshToken.ttl 401d", { refreshToken: { ttl: "401d" } }, "refreshToken.ttl"],
    ["refreshToken.ttl 1e308", { refreshToken: { ttl: 1e308 } }, "refreshToken.ttl"],
    ["refreshToken.ttl Infinity", { refreshToken: { ttl: Number.POSITIVE_INFINITY } }, "refreshToken.ttl"],
    ["refreshToken.idleTtl 1e308", { refreshToken: { idleTtl: 1e308 } }, "refreshToken.idleTtl"],
    ["refreshToken.reuseInterval 1e308", { refreshToken: { reuseInterval: 1e308 } }, "refreshToken.reuseInterval"],
  ])("refuses %s, naming the option", (_name, options, name) => {
    const err = throwsWith(() => makeAuth(options), "CONFIG_ERROR");
    expect(err.message).toContain(name);
  });

  it("says what the limit is", () => {
    expect(throwsWith(() => makeAuth({ accessToken: { ttl: "25h" } }), "CONFIG_ERROR").message).toContain("at most 24 hours");
    expect(throwsWith(() => makeAuth({ refreshToken: { ttl: "401d" } }), "CONFIG_ERROR").message).toContain("at most 400 days");
  });

  it("accepts the limits themselves", async () => {
    const auth = makeAuth({ accessToken: { ttl: "24h", clockTolerance: "5m" }, refreshToken: { ttl: "400d", idleTtl: "400d" } });
    const claims = decodeSegment(await auth.createAccessToken({ userId: "u" }), 1);
    expect(claims.exp).toBe(T0 + 86400);
  });
});
