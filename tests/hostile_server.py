"""A hostile WeChat Pay on loopback for the tests that need real sockets: each answer is whatever a test scripts.

A scripted answer is a callable given the request (method, path, headers) and the socket's file; it writes the raw
HTTP/1.1 answer itself, so it can drip bytes, send a gzip bomb or put anything in a header.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

Answer = Callable[[str, dict[str, str], IO[bytes]], None]


@dataclass(frozen=True)
class Received:
    """A request as it arrived on the socket: what a test checks a signature against, independently of any client."""

    method: str
    target: str  # as sent on the request line: path and query, percent-encoded
    headers: dict[str, str]  # names in lower case
    body: bytes


def write_answer(out: IO[bytes], status: int, headers: dict[str, str], body: bytes) -> None:
    """A whole HTTP/1.1 answer with a Content-Length."""
    lines = [f"HTTP/1.1 {status} Scripted", *(f"{name}: {value}" for name, value in headers.items())]
    lines.append(f"Content-Length: {len(body)}")
    out.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    out.flush()


@contextmanager
def hostile_server(answer: Answer, received: list[Received] | None = None) -> Iterator[str]:
    """Serve ``answer`` for every request on a free loopback port; yields the base URL.

    With ``received``, each request that arrives is appended to it first.
    """

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            while True:
                request_line = self.rfile.readline()
                if not request_line:
                    return
                headers: dict[str, str] = {}
                while (line := self.rfile.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0"))
                body = self.rfile.read(length) if length else b""
                method, path = request_line.decode("latin-1").split(" ")[:2]
                if received is not None:
                    received.append(Received(method, path, headers, body))
                try:
                    answer(path, headers, self.wfile)  # type: ignore[arg-type]
                except (BrokenPipeError, ConnectionResetError):
                    return

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    with Server(("127.0.0.1", 0), Handler) as server:
        # Polled often: shutdown() waits for the next poll (0.5 s by default), in every test that uses this.
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
