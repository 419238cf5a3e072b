"""The sync pool's one-pass assignment (wechatpay_signing.sync_pool) over a plain HTTP/1.1 server on loopback.

Each test fails on httpcore 1.0's own pass: it polled every idle connection on every pass, counted all connections
against ``max_keepalive_connections``, and could close a connection already handed to a request. The check that
keeps a request off a connection the server closed is httpcore's, and must survive.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from collections.abc import Iterator

import httpcore
import httpcore._backends.sync as sync_backend
import httpcore._utils
import httpx
import pytest
from httpcore._sync.connection_pool import PoolRequest
from wechatpay_signing import sync_pool
from wechatpay_signing.transports import TransportSettings, sync_transport

from .test_http2_logs import Http2Server, auth

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


class KeepAliveServer:
    """Answers every request with 200 ``ok`` on 127.0.0.1, counting connections. It closes the connection after
    answering ``/close`` (or anything, with ``close_after_answer``), with no ``Connection: close``: the client only
    sees the socket end."""

    def __init__(self, *, close_after_answer: bool = False) -> None:
        self.close_after_answer = close_after_answer
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/ping"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        # A client that closes with bytes unread resets the connection: that ends it too, not the test.
        with contextlib.suppress(ConnectionError), connection:
            data = b""
            while True:
                while b"\r\n\r\n" not in data:
                    chunk = connection.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                head, data = data.split(b"\r\n\r\n", 1)
                connection.sendall(ANSWER)
                if self.close_after_answer or head.startswith(b"GET /close "):
                    return

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def server() -> Iterator[KeepAliveServer]:
    server = KeepAliveServer()
    yield server
    server.close()


def transport(limits: httpx.Limits | None = None) -> httpx.BaseTransport:
    return transport_with(TransportSettings(limits=limits) if limits else TransportSettings())


def transport_with(settings: TransportSettings) -> httpx.BaseTransport:
    return sync_transport(settings)


def open_answers(http: httpx.BaseTransport, url: str, count: int) -> list[httpx.Response]:
    """``count`` answers whose bodies are not read yet: each holds its own connection."""
    return [http.handle_request(httpx.Request("GET", url)) for _ in range(count)]


def finish(answer: httpx.Response) -> None:
    answer.read()
    answer.close()


def test_a_call_polls_only_the_connection_it_gets(server: KeepAliveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_pool, "SWEEP_SECONDS", 3600.0)  # the once-a-second sweep stays out of the count
    http = transport()
    for answer in open_answers(http, server.url, 8):
        finish(answer)
    assert server.connections == 8
    polled: list[socket.socket] = []
    readable = httpcore._utils.is_socket_readable

    def counting(sock: socket.socket | None) -> bool:
        assert sock is not None
        polled.append(sock)
        return readable(sock)

    monkeypatch.setattr(sync_backend, "is_socket_readable", counting)
    (answer,) = open_answers(http, server.url, 1)
    finish(answer)
    assert answer.status_code == 200
    assert len(polled) == 1  # httpcore polled all 8 idle connections, twice
    assert server.connections == 8


def test_an_idle_connection_the_server_closed_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_pool, "SWEEP_SECONDS", 3600.0)  # only the check of the connection handed out runs
    server = KeepAliveServer(close_after_answer=True)
    try:
        http = transport()
        for _ in range(3):
            (answer,) = open_answers(http, server.url, 1)
            sock = answer.extensions["network_stream"].get_extra_info("socket")
            finish(answer)
            assert answer.status_code == 200
            # Wait until the server's close has reached the client's socket (it turns readable, at its end),
            # unless the pool saw it already and closed its end.
            assert sock.fileno() == -1 or select.select([sock], [], [], 5.0)[0]
        assert server.connections == 3
    finally:
        server.close()


def test_the_sweep_closes_idle_connections_the_server_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_pool, "SWEEP_SECONDS", 0.0)  # a sweep on every pass
    server = KeepAliveServer()
    try:
        http = transport()
        kept, *closed = open_answers(http, server.url, 1) + open_answers(http, server.url.replace("/ping", "/close"), 2)
        sockets = [answer.extensions["network_stream"].get_extra_info("socket") for answer in closed]
        for answer in (kept, *closed):
            finish(answer)
        for sock in sockets:
            assert sock.fileno() == -1 or select.select([sock], [], [], 5.0)[0]
        finish(open_answers(http, server.url, 1)[0])  # on the first connection, which the server kept
        assert server.connections == 3
        assert all(sock.fileno() == -1 for sock in sockets)  # the other two were closed, not left in the pool
    finally:
        server.close()


def test_idle_connections_count_against_max_keepalive_not_busy_ones(server: KeepAliveServer) -> None:
    http = transport(httpx.Limits(max_connections=10, max_keepalive_connections=2))
    first, *busy = open_answers(http, server.url, 3)
    finish(first)  # one idle beside two busy: within the two idle ones allowed, so kept
    (again,) = open_answers(http, server.url, 1)
    finish(again)
    assert server.connections == 3  # httpcore closed it (3 connections > 2) and opened a fourth
    for answer in busy:
        finish(answer)


def test_the_sweep_closes_idle_connections_past_max_keepalive(
    server: KeepAliveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_pool, "SWEEP_SECONDS", 0.0)  # a sweep on every pass
    http = transport(httpx.Limits(max_connections=10, max_keepalive_connections=1))
    answers = open_answers(http, server.url, 3)
    sockets = [answer.extensions["network_stream"].get_extra_info("socket") for answer in answers]
    for answer in answers:
        finish(answer)
    finish(open_answers(http, server.url, 1)[0])
    assert [sock.fileno() == -1 for sock in sockets] == [True, True, False]  # the oldest two idle ones closed
    assert server.connections == 3


def test_a_connection_handed_to_a_request_is_not_closed_before_it_starts(server: KeepAliveServer) -> None:
    # encode/httpcore#1110: at max_connections, a request to another origin made room by closing an idle
    # connection, even one another request was handed and was about to send on.
    http = transport(httpx.Limits(max_connections=1))
    finish(open_answers(http, server.url, 1)[0])
    pool = http._pool  # type: ignore[attr-defined]
    handed = PoolRequest(httpcore.Request("GET", server.url))
    other_origin = PoolRequest(httpcore.Request("GET", "http://127.0.0.2:9/ping"))
    # The pass runs under the pool's lock, as httpcore runs it (asserted outside: the pool's repr takes the lock).
    with pool._optional_thread_lock:
        pool._requests.append(handed)
        first_pass = pool._assign_requests_to_connections()
    assert first_pass == []
    assert handed.connection is pool.connections[0]
    with pool._optional_thread_lock:
        pool._requests.append(other_origin)
        second_pass = pool._assign_requests_to_connections()
    assert second_pass == []  # httpcore closed the connection just handed out, to make room
    assert other_origin.connection is None  # it waits for a connection instead
    assert handed.connection in pool.connections


class CountingHttp2Server(Http2Server):
    connections = 0

    def _handle(self, sock: socket.socket) -> None:
        self.connections += 1
        with contextlib.suppress(ConnectionError):  # a client that closes with frames unread resets it
            super()._handle(sock)


def test_threads_share_one_http2_connection() -> None:
    # HTTP/2 takes many requests at once on a connection: the pass must keep handing it out (HTTP/1.1's one
    # request per connection must not apply).
    server = CountingHttp2Server()
    try:
        url = f"http://127.0.0.1:{server.port}/v3/offlineface/face-collections/FC1"
        http2_only = TransportSettings(http1=False, http2=True)
        with httpx.Client(auth=auth(), transport=sync_transport(http2_only)) as client:
            versions: list[str] = []

            def calls() -> None:
                versions.extend(client.get(url).http_version for _ in range(4))

            threads = [threading.Thread(target=calls) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert versions == ["HTTP/2"] * 32
        assert server.connections == 1
    finally:
        server.close()


def test_two_requests_waiting_together_share_an_idle_http2_connection() -> None:
    server = CountingHttp2Server()
    try:
        url = f"http://127.0.0.1:{server.port}/v3/offlineface/face-collections/FC1"
        http = transport_with(TransportSettings(http1=False, http2=True))
        signed = httpx.Request("GET", url)
        auth().sign(signed)  # the server wants an Authorization
        finish(http.handle_request(signed))
        pool = http._pool  # type: ignore[attr-defined]
        waiting = [PoolRequest(httpcore.Request("GET", url)) for _ in range(2)]
        with pool._optional_thread_lock:
            pool._requests.extend(waiting)
            pool._assign_requests_to_connections()
        assert [request.connection for request in waiting] == pool.connections * 2
    finally:
        server.close()


def test_another_httpcore_keeps_its_own_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pass overrides httpcore 1.0's private method: any other httpcore keeps its own pool, unchanged."""
    monkeypatch.setattr(httpcore, "__version__", "1.1.0")
    plain = httpx.HTTPTransport()
    assert type(sync_pool.with_one_pass_pool(plain)._pool) is httpcore.ConnectionPool
    monkeypatch.setattr(httpcore, "__version__", "1.0.9")
    assert isinstance(sync_pool.with_one_pass_pool(httpx.HTTPTransport())._pool, sync_pool.OnePassPool)
