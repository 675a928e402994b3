import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

/** After the response, how much of an unread request body is read and dropped before the socket is closed. */
const DRAIN_BYTES = 1024 * 1024;
/** ... and for how long. */
const DRAIN_MS = 1000;
/** Responses whose body is complete within this many bytes are sent with `Content-Length` in one write. */
const BUFFER_BYTES = 64 * 1024;

/** The headers of `response` for `writeHead`: each `Set-Cookie` on its own line, the others as they are. */
function headersOf(response: Response): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  let cookies = false;
  response.headers.forEach((value, name) => {
    if (name === "set-cookie") cookies = true;
    else headers[name] = value;
  });
  if (cookies) headers["set-cookie"] = response.headers.getSetCookie();
  return headers;
}

/** Resolves once `res` can take more (`drain`) or will take nothing more (`close`). */
const writable = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done).off("close", done);
      resolve();
    };
    res.on("drain", done).on("close", done);
  });

/** The next chunk if it is already there (a body built from a string or bytes), else `undefined`. */
function ready<T>(read: Promise<T>): Promise<T | undefined> {
  return Promise.race([read, Promise.resolve().then(() => Promise.resolve(undefined))]);
}

/**
 * Writes `response` to `res`. A body that is complete at once and small (every answer of the auth handler)
 * goes out in one write with `Content-Length`; any other is streamed with backpressure and stops, its
 * stream cancelled, when the client goes away. A HEAD response has no body.
 */
export async function writeResponse(response: Response, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = headersOf(response);
  const body = response.body;
  if (body === null || req.method === "HEAD") {
    if (body !== null) await body.cancel().catch(() => undefined);
    res.writeHead(response.status, headers).end();
    return;
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined = reader.read();
  // Buffer while chunks arrive without waiting: the auth handler's JSON bodies are one chunk.
  for (;;) {
    const chunk = await ready(pending);
    if (chunk === undefined) break; // not there yet: a streamed body
    pending = undefined;
    if (chunk.done) {
      headers["content-length"] = size;
      res.writeHead(response.status, headers).end(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      return;
    }
    chunks.push(chunk.value);
    size += chunk.value.byteLength;
    if (size > BUFFER_BYTES) break;
    pending = reader.read();
  }
  res.writeHead(response.status, headers);
  for (const chunk of chunks) res.write(chunk);
  // The client going away cancels the body: a pending read resolves `done` and the source stops.
  let gone = false;
  const onClose = () => {
    gone = !res.writableFinished;
    if (gone) reader.cancel().catch(() => undefined);
  };
  res.once("close", onClose);
  try {
    for (;;) {
      const { done, value } = await (pending ?? reader.read());
      pending = undefined;
      if (done || gone) break;
      if (!res.write(value)) await writable(res);
    }
  } finally {
    res.off("close", onClose);
    if (!gone) res.end();
  }
}

/**
 * Once the response is sent, a request body the handler did not read to its end (a 413 after 16 KiB, a 404
 * for a POST) is read and dropped, up to 1 MiB and 1 s, so the connection can serve its next request; past
 * either the socket is closed. Nothing of it is kept.
 */
export function drainAfter(req: IncomingMessage, res: ServerResponse): void {
  res.once("finish", () => {
    if (req.complete || req.destroyed) return;
    let read = 0;
    const close = () => {
      clearTimeout(timer);
      req.socket.destroy();
    };
    const timer = setTimeout(close, DRAIN_MS);
    timer.unref();
    req.on("data", (chunk: Buffer) => {
      read += chunk.byteLength;
      if (read > DRAIN_BYTES) close();
    });
    req.once("end", () => clearTimeout(timer));
    req.resume();
  });
}
