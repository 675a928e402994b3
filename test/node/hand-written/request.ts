import type { IncomingMessage } from "node:http";

/** A `Host` that is a name, an IPv4 address or a bracketed IPv6 address, with an optional port; nothing else. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** The request's URL: its own path and query on `http(s)://<Host>` (or `localhost` when `Host` is absent or odd). */
function urlOf(req: IncomingMessage): string {
  const host = req.headers.host;
  const scheme = (req.socket as { encrypted?: boolean }).encrypted === true ? "https" : "http";
  const url = req.url ?? "/";
  // origin-form ("/auth/signin?x") as it stands; absolute-form ("http://h/p") or "*" keep only their path
  const path = url.startsWith("/") ? url : new URL(url, "http://localhost").pathname;
  return `${scheme}://${host !== undefined && HOST.test(host) ? host : "localhost"}${path}`;
}

/**
 * The request body as a Web stream that pulls from `req` only while it is read: nothing is read before the
 * handler asks, `req` is paused whenever the stream holds a chunk nobody took yet, and a cancelled stream
 * (the handler's 16 KiB cap) stops reading without destroying the socket, so the 413 can still be sent.
 */
function bodyOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  let attached = false;
  let detach = () => {};
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (!attached) attach(controller);
        req.resume();
      },
      cancel: () => detach(),
    },
    { highWaterMark: 0 }, // pull only when the handler reads: nothing is read from the socket before
  );
  function attach(controller: ReadableStreamDefaultController<Uint8Array>) {
    attached = true;
    const data = (chunk: Buffer) => {
      controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      req.pause(); // until the next read
    };
    const end = () => {
      detach();
      controller.close();
    };
    const error = (err: Error) => {
      detach();
      controller.error(err);
    };
    req.on("data", data).once("end", end).once("error", error);
    detach = () => {
      req.off("data", data).off("end", end).off("error", error);
      req.pause();
      detach = () => {};
    };
  }
}

/** A Web `Request` for a Node request: same method, URL path, headers (repeated ones kept) and streamed body. */
export function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) !== 58) headers.append(name, raw[i + 1]!); // not an HTTP/2 pseudo-header (":path")
  }
  const method = req.method ?? "GET";
  if (method === "GET" || method === "HEAD") return new Request(urlOf(req), { method, headers });
  return new Request(urlOf(req), { method, headers, body: bodyOf(req), duplex: "half" } as RequestInit);
}
