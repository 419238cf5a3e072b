"""With HTTP/2 and every logger at DEBUG, no Authorization and no signature reaches a log record.

hpack logs each encoded header block, which decodes back to the Authorization header; httpcore's HTTP/2 trace logs
the answer's headers. The test serves HTTP/2 (prior knowledge, h2c) on loopback with the h2 library, calls it with
httpx's HTTP/2 client, and looks in every record: its text, and any header block among its arguments, decoded.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator

import h2.config
import h2.connection
import h2.events
import hpack
import httpx
import pytest
from wechatpay_signing import MerchantSigner, ResponseVerifier, WeChatPayAuth

from .support import MCHID, MERCHANT_SERIAL, PUBLIC_KEY_ID, pem, signed_response_headers

BODY = json.dumps({"collection_id": "FC1"}).encode()


class Http2Server:
    """Answers every HTTP/2 request with a signed 200, keeping the Authorization headers it received."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.authorizations: list[str] = []
        self.signatures: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, sock: socket.socket) -> None:
        conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
        conn.initiate_connection()
        sock.sendall(conn.data_to_send())
        with sock:
            while data := sock.recv(65536):
                for event in conn.receive_data(data):
                    if isinstance(event, h2.events.RequestReceived):
                        headers = {name.decode(): value.decode() for name, value in event.headers}
                        self.authorizations.append(headers["authorization"])
                        signed = signed_response_headers(BODY, timestamp=int(time.time()))
                        self.signatures.append(signed["Wechatpay-Signature"])
                        answer = [(":status", "200"), *((name.lower(), value) for name, value in signed.items())]
                        conn.send_headers(event.stream_id, answer)
                        conn.send_data(event.stream_id, BODY, end_stream=True)
                sock.sendall(conn.data_to_send())

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def server() -> Iterator[Http2Server]:
    running = Http2Server()
    yield running
    running.close()


def secrets_in(record: logging.LogRecord, secrets: list[str]) -> list[str]:
    texts = [record.getMessage()]
    for argument in record.args if isinstance(record.args, tuple) else ():
        if isinstance(argument, bytes | bytearray | memoryview):
            try:  # a header block: what it decodes to is what the record gives away
                texts.append(repr(hpack.Decoder().decode(bytes(argument), raw=False)))
            except Exception:
                texts.append(bytes(argument).decode("latin-1"))
    return [secret for secret in secrets if any(secret in text for text in texts)]


def auth() -> WeChatPayAuth:
    signer = MerchantSigner(MCHID, MERCHANT_SERIAL, pem("merchant_key.pem"))
    return WeChatPayAuth(signer, ResponseVerifier({PUBLIC_KEY_ID: pem("wechatpay_pub_key.pem")}))


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_no_header_secret_reaches_a_log_record_over_http2(
    mode: str, server: Http2Server, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"http://127.0.0.1:{server.port}/v3/offlineface/face-collections/FC1"
    with caplog.at_level(logging.DEBUG):
        if mode == "sync":
            with httpx.Client(auth=auth(), http1=False, http2=True) as client:
                responses = [client.get(url), client.get(url)]
        else:
            async with httpx.AsyncClient(auth=auth(), http1=False, http2=True) as async_client:
                responses = [await async_client.get(url), await async_client.get(url)]
    assert [response.http_version for response in responses] == ["HTTP/2", "HTTP/2"]
    assert len(server.authorizations) == 2
    secrets = [*server.authorizations, *(value.split('signature="')[1][:40] for value in server.authorizations)]
    secrets += [signature[:40] for signature in server.signatures]
    assert caplog.records  # DEBUG logging was on: httpcore traced the calls
    leaks = {record.name: secrets_in(record, secrets) for record in caplog.records if secrets_in(record, secrets)}
    assert leaks == {}
