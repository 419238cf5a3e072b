"""The benchmark's server: answers every GET with one validly signed face collection, as fast as asyncio can.

Unlike the sandbox it checks nothing and signs once (again every 30 s, to stay fresh), so it is not what is being
measured. ``--tls-dir`` (from ``wechatpay_sandbox.tls``) serves HTTPS; ``--delay-ms`` holds each answer that long,
as a server tens of milliseconds away would. ``GET /__connections`` answers how many connections were opened so
far. It prints ``listening on http(s)://127.0.0.1:PORT`` first.

    python scripts/bench_server.py CREDENTIALS_DIR [--tls-dir DIR] [--delay-ms 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import time
import uuid
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


class Answering(asyncio.Protocol):
    connections = 0

    def __init__(self, answer: SignedAnswer, delay: float) -> None:
        self.answer = answer
        self.delay = delay
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)  # noqa: S101 - a TCP server's transports are
        self.transport = transport
        Answering.connections += 1

    def data_received(self, data: bytes) -> None:
        # GETs only, so a request ends at its blank line; several may arrive at once (keep-alive).
        self.buffer += data
        requests = self.buffer.split(b"\r\n\r\n")
        self.buffer = requests.pop()
        if not requests or self.transport is None:
            return
        answers = b"".join(
            self.stats() if STATS_PATH in head.split(b"\r\n", 1)[0] else self.answer.bytes for head in requests
        )
        if self.delay:
            # The same delay for every answer keeps them in order on the connection.
            asyncio.get_running_loop().call_later(self.delay, self.write, answers)
        else:
            self.write(answers)

    def write(self, answers: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(answers)

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
    server = await loop.create_server(
        lambda: Answering(answer, delay_ms / 1000), "127.0.0.1", 0, backlog=4096, ssl=context
    )
    port = server.sockets[0].getsockname()[1]
    print(f"listening on http{'s' if context else ''}://127.0.0.1:{port}", flush=True)
    while True:
        await asyncio.sleep(30)
        answer.resign()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path, help="the sandbox credentials folder")
    parser.add_argument("--tls-dir", type=Path, help="a folder made by wechatpay_sandbox.tls.make_tls_files")
    parser.add_argument("--delay-ms", type=float, default=0.0, help="hold each answer this long")
    arguments = parser.parse_args()
    asyncio.run(serve(arguments.folder, arguments.tls_dir, arguments.delay_ms))
