// Request bodies: JSON only (form-encoded for /revoke), 16 KiB read from the stream whatever Content-Length says,
// malformed JSON 400 INVALID_INPUT, only known fields read.
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/http/index.js";
import { errorOf, PASSWORD, setup } from "./support.js";

const JSON_TYPE = { "content-type": "application/json" };

describe("content types", () => {
  it.each([
    ["text/plain", 415],
    ["application/x-www-form-urlencoded", 415],
    ["multipart/form-data; boundary=x", 415],
    ["application/json; charset=iso-8859-1", 415],
    ["application/jsonx", 415],
    ["application/json; charset=UTF-8", 201],
    ["application/json;charset=utf8", 201],
    ['application/json; charset="utf-8"', 201],
    ["application/json ; charset=utf-8", 201],
    ["Application/JSON", 201],
  ])("%s -> %i", async (type, status) => {
    const { call } = setup();
    const response = await call("POST", "/signup", {
      body: JSON.stringify({ email: "ada@example.com", password: PASSWORD }),
      headers: { "content-type": type },
    });
    expect(response.status).toBe(status);
    if (status === 415) expect((await errorOf(response)).code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("no Content-Type at all: 415", async () => {
    const { handler } = setup();
    const request = new Request("https://app.example.com/auth/signin", {
      method: "POST",
      body: new Blob([JSON.stringify({ email: "a@example.com", password: PASSWORD })]),
    });
    expect(request.headers.has("content-type")).toBe(false);
    expect((await handler(request)).status).toBe(415);
  });
});

describe("malformed bodies", () => {
  it.each([
    ["not JSON", "{email:", "The request body is not valid JSON."],
    ["empty", "", "The request body is not valid JSON."],
    ["an array", "[]", "The request body must be a JSON object."],
    ["null", "null", "The request body must be a JSON object."],
    ["a string", '"x"', "The request body must be a JSON object."],
  ])("%s: 400 INVALID_INPUT", async (_, body, message) => {
    const { call } = setup();
    const response = await call("POST", "/signin", { body, headers: JSON_TYPE });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({ code: "INVALID_INPUT", message });
  });

  it("no body at all: 400 INVALID_INPUT", async () => {
    const { handler } = setup();
    const response = await handler(new Request("https://app.example.com/auth/signin", { method: "POST", headers: JSON_TYPE }));
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({ code: "INVALID_INPUT", message: "The request body is not valid JSON." });
  });

  it("a body that arrives in several chunks, or with a UTF-8 byte order mark, is read whole", async () => {
    const { handler, call } = setup();
    const text = JSON.stringify({ email: "ada@example.com", password: PASSWORD });
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const request = new Request("https://app.example.com/auth/signup", { method: "POST", headers: JSON_TYPE, body, duplex: "half" } as RequestInit);
    expect((await handler(request)).status).toBe(201);
    expect((await call("POST", "/signin", { body: `\uFEFF${text}`, headers: JSON_TYPE })).status).toBe(200);
  });

  it("invalid UTF-8: 400 INVALID_INPUT", async () => {
    const { call } = setup();
    const response = await call("POST", "/signin", { body: new Uint8Array([0x7b, 0xff, 0x7d]), headers: JSON_TYPE });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({ code: "INVALID_INPUT", message: "The request body is not valid UTF-8." });
  });

  it("a wrongly typed field: 400 INVALID_INPUT naming it", async () => {
    const { call } = setup();
    const response = await call("POST", "/signin", { json: { email: ["a@example.com"], password: PASSWORD } });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "INVALID_INPUT", field: "email" });
  });
});

describe("known fields only", () => {
  it("extra fields (confirmPassword, __proto__, constructor) are ignored, not an error", async () => {
    const { call, signup } = setup();
    await signup("ada@example.com");
    const body = `{"email":"ada@example.com","password":${JSON.stringify(PASSWORD)},"confirmPassword":"x","__proto__":{"admin":true},"constructor":1}`;
    const response = await call("POST", "/signin", { body, headers: JSON_TYPE });
    expect(response.status).toBe(200);
    const signupResponse = await call("POST", "/signup", {
      json: { email: "bob@example.com", password: PASSWORD, confirmPassword: PASSWORD, roles: ["admin"] },
    });
    expect(signupResponse.status).toBe(201);
    expect((await signupResponse.json()).user.roles).toEqual([]);
  });
});

describe("the 16 KiB cap", () => {
  const padded = (size: number) => {
    const base = JSON.stringify({ email: "ada@example.com", password: PASSWORD, pad: "" });
    return `${base.slice(0, -2)}${"x".repeat(size - base.length)}"}`;
  };

  it("a body of exactly 16 KiB is read; one byte more is 413 PAYLOAD_TOO_LARGE", async () => {
    const { call } = setup();
    expect(padded(MAX_BODY_BYTES)).toHaveLength(16_384);
    expect((await call("POST", "/signup", { body: padded(MAX_BODY_BYTES), headers: JSON_TYPE })).status).toBe(201);
    const tooLarge = await call("POST", "/signup", { body: padded(MAX_BODY_BYTES + 1), headers: JSON_TYPE });
    expect(tooLarge.status).toBe(413);
    expect((await errorOf(tooLarge)).code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("reads a streamed body only up to the cap, whatever Content-Length claims, and cancels the stream", async () => {
    const { handler } = setup();
    let pulled = 0;
    let cancelled = false;
    const chunk = new Uint8Array(1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(chunk); // an endless body
      },
      cancel() {
        cancelled = true;
      },
    });
    const request = new Request("https://app.example.com/auth/signin", {
      method: "POST",
      headers: { ...JSON_TYPE, "content-length": "10" },
      body,
      duplex: "half",
    } as RequestInit);
    const response = await handler(request);
    expect(response.status).toBe(413);
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThanOrEqual(MAX_BODY_BYTES / 1024 + 3);
  });

  it("the form body of /revoke is capped too", async () => {
    const { call } = setup();
    const response = await call("POST", "/revoke", {
      body: `token=${"a".repeat(MAX_BODY_BYTES)}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(response.status).toBe(413);
  });
});
