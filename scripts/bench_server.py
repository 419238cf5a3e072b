"""The benchmark's server: answers every GET with one validly signed face collection, as fast as asyncio can.

Unlike the sandbox it checks nothing and signs once (again every 30 s, to stay fresh), so it is not what is being
measured. It prints ``listening on http://127.0.0.1:PORT`` first.

    python scripts/bench_server.py CREDENTIALS_DIR
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from pathlib import Path

from wechatpay_sandbox import credentials
from wechatpay_sandbox.app import DEFAULT_FIXTURES
from wechatpay_sandbox.signing import sign_response


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
    def __init__(self, answer: SignedAnswer) -> None:
        self.answer = answer
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)  # noqa: S101 - a TCP server's transports are
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        # GETs only, so a request ends at its blank line; several may arrive at once (keep-alive).
        self.buffer += data
        count = self.buffer.count(b"\r\n\r\n")
        if count and self.transport is not None:
            self.buffer = self.buffer.rsplit(b"\r\n\r\n", 1)[1]
            self.transport.write(self.answer.bytes * count)


async def serve(folder: Path) -> None:
    answer = SignedAnswer(folder)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Answering(answer), "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    while True:
        await asyncio.sleep(30)
        answer.resign()


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1])))
