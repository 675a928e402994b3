"""A local SMTP sink for examples/mail: accepts every message and stores it as a file, sends nothing on.

    python3 examples/mail/sink.py --dir .tmp/mail --port 2525

Needs aiosmtpd (Debian: apt-get install python3-aiosmtpd). Listens on 127.0.0.1 only. Each message is written
as <dir>/0001.eml, 0002.eml, ... (the bytes the client sent), atomically: a file that exists is complete.
With --port 0 it picks a free port. Once listening it prints one line, "listening on 127.0.0.1:PORT".
Stop it with Ctrl-C or SIGTERM.
"""

import argparse
import asyncio
import os
import signal

from aiosmtpd.smtp import SMTP


class Store:
    """aiosmtpd handler: each DATA becomes the next numbered .eml file of the directory."""

    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = f"{self.count:04d}.eml"
        partial = os.path.join(self.directory, f".{name}.partial")
        with open(partial, "wb") as out:
            out.write(envelope.original_content or envelope.content)
        os.replace(partial, os.path.join(self.directory, name))
        return "250 Message accepted for delivery"


async def serve(directory, host, port):
    os.makedirs(directory, exist_ok=True)
    handler = Store(directory)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname="mail-sink.localhost"), host, port)
    bound = server.sockets[0].getsockname()[1]
    print(f"listening on {host}:{bound}", flush=True)
    stop = loop.create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    async with server:
        await stop


def main():
    parser = argparse.ArgumentParser(description="SMTP sink: stores every received message as a file.")
    parser.add_argument("--dir", required=True, help="where the .eml files go")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525, help="0 picks a free port")
    args = parser.parse_args()
    asyncio.run(serve(args.dir, args.host, args.port))


if __name__ == "__main__":
    main()
