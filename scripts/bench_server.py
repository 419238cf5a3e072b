"""The benchmark's server: answers every GET with one validly signed face collection, as fast as asyncio can.

Unlike the sandbox it checks nothing and signs once (again every 30 s, to stay fresh), so it is not what is being
measured. ``--tls-dir`` (from ``wechatpay_sandbox.tls``) serves HTTPS. ``--delay-ms`` puts the server that many ms of
network round trip away, handshakes included: every byte takes half of it to cross each way, and a connection's first
bytes one round trip more (the TCP handshake, which loopback completes at once). So a request on a kept-alive
connection costs one round trip, one on a new plain connection two, one on a new TLS 1.3 connection three. The server
does TLS itself (``ssl.SSLObject`` over memory buffers) so that the delay applies to the handshake's bytes too.
``GET /__connections`` answers how many connections were opened so far. It prints ``listening on
http(s)://127.0.0.1:PORT`` first.

    python scripts/bench_server.py CREDENTIALS_DIR [--tls-dir DIR] [--delay-ms 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import time
import uuid
from collections import deque
from collections.abc import Callable
from pathlib import Path

from wechatpay_sandbox import credentials
from wechatpay_sandbox.config import DEFAULT_FIXTURES
from wechatpay_sandbox.signing import sign_response

STATS_PATH = b"/__connections"


class SignedAnswer:
    """The whole HTTP response, bytes ready to write, re-signed now and then."""

    def __init__(self, folder: Path) -> None:
        self.creds = credentials.load(folder)
        # The sandbox's first face collection, FC2353ZJIHOJKHOIIOIJ.
        collection = json.loads(DEFAULT_FIXTURES.read_text(encoding="utf-8"))["face_collections"][0]
        self.body = json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode()
        self.bytes = b""
        self.resign()

    def resign(self) -> None:
        signed = sign_response(
            self.creds.public_key_private, self.creds.public_key_id, self.body, timestamp=int(time.time())
        )
        headers = {
            **signed,
            "Content-Type": "application/json",
            "Content-Length": str(len(self.body)),
            "Request-ID": uuid.uuid4().hex.upper(),
        }
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.bytes = f"HTTP/1.1 200 OK\r\n{head}\r\n".encode() + self.body


class Wire:
    """One direction of one connection: bytes handed on in order, each when its delay is up.

    One timer, for the oldest bytes: asyncio does not promise to run timers due at the same time in the order they
    were set. With no delay the bytes are handed on at once, with no timer at all."""

    def __init__(self, hand_on: Callable[[bytes], None]) -> None:
        self.hand_on = hand_on
        self.queue: deque[tuple[float, bytes]] = deque()  # (due time, bytes), due times never decreasing
        self.timer: asyncio.TimerHandle | None = None

    def send(self, data: bytes, delay: float) -> None:
        if delay <= 0 and not self.queue:
            self.hand_on(data)
            return
        loop = asyncio.get_running_loop()
        due = loop.time() + delay
        if self.queue:
            due = max(due, self.queue[-1][0])  # never overtake bytes sent before
        self.queue.append((due, data))
        if self.timer is None:
            self.timer = loop.call_at(due, self.arrive)

    def arrive(self) -> None:
        # The timer was set for the oldest bytes; hand them on with all the others due by now.
        self.timer = None
        loop = asyncio.get_running_loop()
        until = max(loop.time(), self.queue[0][0])
        chunks = []
        while self.queue and self.queue[0][0] <= until:
            chunks.append(self.queue.popleft()[1])
        if self.queue:
            self.timer = loop.call_at(self.queue[0][0], self.arrive)
        self.hand_on(b"".join(chunks))

    def cut(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.queue.clear()


class Answering(asyncio.Protocol):
    connections = 0

    def __init__(self, answer: SignedAnswer, context: ssl.SSLContext | None, rtt: float) -> None:
        self.answer = answer
        self.rtt = rtt
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.first = True
        self.incoming = Wire(self.arrived)  # the client's bytes, on their way here
        self.outgoing = Wire(self.leave)  # ours, on their way to the client
        # TLS on memory buffers: raw bytes in and out go through the wires, handshake included.
        self.tls_in, self.tls_out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = context.wrap_bio(self.tls_in, self.tls_out, server_side=True) if context else None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)  # noqa: S101 - a TCP server's transports are
        self.transport = transport
        Answering.connections += 1

    def data_received(self, data: bytes) -> None:
        # The first bytes come one round trip later: the TCP handshake before them costs one.
        self.incoming.send(data, self.rtt * 1.5 if self.first else self.rtt / 2)
        self.first = False

    def eof_received(self) -> None:
        self.close()  # the client is done: so are we

    def connection_lost(self, exc: Exception | None) -> None:
        self.incoming.cut()
        self.outgoing.cut()
        self.transport = None

    def open(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def arrived(self, data: bytes) -> None:
        """The client's bytes reach the server: TLS records, or plain HTTP."""
        if not self.open():
            return
        if self.tls is None:
            self.requests(data)
            return
        self.tls_in.write(data)
        plain = []
        try:
            self.tls.do_handshake()  # done at once when the handshake is over
            while chunk := self.tls.read(65536):
                plain.append(chunk)
            ended = True  # b"": the client's close_notify
        except ssl.SSLWantReadError:
            ended = False  # all read, more to come
        except ssl.SSLError:
            ended = True  # not TLS, or not ours
        self.write_tls()  # the handshake's bytes, if any
        if plain:
            self.requests(b"".join(plain))
        if ended:
            self.close()

    def requests(self, data: bytes) -> None:
        # GETs only, so a request ends at its blank line; several may arrive at once (keep-alive).
        self.buffer += data
        requests = self.buffer.split(b"\r\n\r\n")
        self.buffer = requests.pop()
        if not requests:
            return
        answers = b"".join(
            self.stats() if STATS_PATH in head.split(b"\r\n", 1)[0] else self.answer.bytes for head in requests
        )
        if self.tls is None:
            self.outgoing.send(answers, self.rtt / 2)
        else:
            self.tls.write(answers)
            self.write_tls()

    def write_tls(self) -> None:
        if self.tls_out.pending:
            self.outgoing.send(self.tls_out.read(), self.rtt / 2)

    def leave(self, data: bytes) -> None:
        if self.open():
            assert self.transport is not None  # noqa: S101 - open() says so
            self.transport.write(data)

    def stats(self) -> bytes:
        body = str(Answering.connections).encode()
        return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


async def serve(folder: Path, tls_dir: Path | None, delay_ms: float) -> None:
    answer = SignedAnswer(folder)
    context = None
    if tls_dir is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(tls_dir / "server_cert.pem", tls_dir / "server_key.pem")
    loop = asyncio.get_running_loop()
    # Plain TCP: Answering does the TLS, so that the delay covers the handshake.
    server = await loop.create_server(lambda: Answering(answer, context, delay_ms / 1000), "127.0.0.1", 0, backlog=4096)
    port = server.sockets[0].getsockname()[1]
    print(f"listening on http{'s' if context else ''}://127.0.0.1:{port}", flush=True)
    while True:
        await asyncio.sleep(30)
        answer.resign()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path, help="the sandbox credentials folder")
    parser.add_argument("--tls-dir", type=Path, help="a folder made by wechatpay_sandbox.tls.make_tls_files")
    parser.add_argument(
        "--delay-ms",
        type=float,
        default=0.0,
        help="the network round trip to the server: one per kept-alive request, three for a new TLS connection's first",
    )
    arguments = parser.parse_args()
    asyncio.run(serve(arguments.folder, arguments.tls_dir, arguments.delay_ms))
