// Shared set-up of the HTTP tests: a real AuthSkill from createTestAuth (memory storage, real argon2id at its
// smallest costs, test clock, outbox) behind createAuthHandler, and a helper that builds real Web Requests.
import { expect } from "vitest";
import { createAuthHandler, type AuthHandlerOptions } from "../../src/http/index.js";
import { createTestAuth, type TestAuthOptions } from "../../src/testing/test-auth.js";

export const ORIGIN = "https://app.example.com";
export const PASSWORD = "quiet mountain lakes at dawn";
export const NEW_PASSWORD = "seven amber kites drifting";

export interface Call {
  /** A JSON body (sent as application/json). */
  json?: unknown;
  /** A raw body (with the content type given in `headers`). */
  body?: BodyInit;
  headers?: Record<string, string>;
  /** The peer's address, as a runtime adapter would pass it. */
  socketAddress?: string;
}

/** A handler over a fresh test instance; `call` sends a Request to it. */
export function setup(handlerOptions: AuthHandlerOptions = {}, authOptions: TestAuthOptions = {}) {
  const test = createTestAuth(authOptions);
  const handler = createAuthHandler(test.auth, handlerOptions);
  const base = handlerOptions.basePath ?? "/auth";
  async function call(method: string, path: string, options: Call = {}): Promise<Response> {
    const headers = new Headers(options.headers);
    let body = options.body;
    if (options.json !== undefined) {
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
      body = JSON.stringify(options.json);
    }
    const request = new Request(`${ORIGIN}${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    return handler(request, options.socketAddress === undefined ? {} : { socketAddress: options.socketAddress });
  }
  /** Signs a new user up through the handler; returns the response body (tokens in bearer mode). */
  async function signup(email = `user-${Math.random().toString(36).slice(2)}@example.com`, headers: Record<string, string> = {}) {
    const response = await call("POST", "/signup", { json: { email, password: PASSWORD }, headers });
    expect(response.status).toBe(201);
    return { email, response, body: (await response.json()) as Record<string, unknown> & { accessToken: string; refreshToken?: string; sessionId: string } };
  }
  return { ...test, handler, call, signup };
}

/** The error body of a response, checked for the one error shape. */
export async function errorOf(response: Response): Promise<{ code: string; message: string; field?: string }> {
  const body = (await response.json()) as { error: { code: string; message: string; field?: string } };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(typeof body.error.message).toBe("string");
  return body.error;
}

/** `Authorization: Bearer <token>`. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
