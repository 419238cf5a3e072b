"""Every setting given to the client reaches the connections it makes, sync and async, proved over loopback TLS.

httpx applies ``verify``, ``cert``, ``limits``, ``proxy`` and ``http2`` only to transports it makes itself, and
``httpx_args`` gives it one; each test here fails if a setting stops at the httpx client. The server, the CA and
the proxy are made by the test: a CA from ``wechatpay_sandbox.tls`` (cryptography), Python's ssl, raw sockets.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from wechatpay_offlineface import Client
from wechatpay_sandbox.tls import TlsFiles, make_tls_files
from wechatpay_signing import ConfigurationError, WeChatPayAuth, httpx_args

BODY = b'{"code":"NOT_FOUND","message":"nothing here"}'
ANSWER = b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(BODY),
    BODY,
)


def _read_head(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(4096)
        if not chunk:
            return b""
        data += chunk
    return data


@dataclass
class TlsServer:
    """HTTPS on 127.0.0.1 that answers 404 to every GET, holds ``/slow`` for a second, and records each handshake."""

    files: TlsFiles
    alpn: tuple[str, ...] = ("http/1.1",)
    connections: int = 0
    protocols: list[str | None] = field(default_factory=list)
    client_names: list[str] = field(default_factory=list)
    handshake_errors: list[str] = field(default_factory=list)
    callers: list[str] = field(default_factory=list)
    active: int = 0
    most_active: int = 0

    def __post_init__(self) -> None:
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(self.files.server_certificate, self.files.server_key)
        self.context.load_verify_locations(self.files.ca)
        self.context.verify_mode = ssl.CERT_OPTIONAL  # a client certificate is recorded when one is sent
        self.context.set_alpn_protocols(list(self.alpn))
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.url = f"https://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:  # closed
                return
            threading.Thread(target=self._serve, args=(raw,), daemon=True).start()

    def _serve(self, raw: socket.socket) -> None:
        try:
            connection = self.context.wrap_socket(raw, server_side=True)
        except (OSError, ssl.SSLError) as error:
            self.handshake_errors.append(str(error))
            raw.close()
            return
        with self.lock:
            self.connections += 1
            self.protocols.append(connection.selected_alpn_protocol())
            peer = connection.getpeercert()
            if peer:
                subject: Any = peer["subject"]  # ((("commonName", "…"),),)
                self.client_names.extend(value for rdn in subject for key, value in rdn if key == "commonName")
        try:
            if connection.selected_alpn_protocol() == "h2":
                return  # it speaks HTTP/1.1 only; the handshake is what a test looks at
            while head := _read_head(connection):
                with self.lock:
                    self.active += 1
                    self.most_active = max(self.most_active, self.active)
                    self.callers.extend(
                        line.split(b":", 1)[1].strip().decode()
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"x-caller:")
                    )
                if head.startswith(b"GET /slow"):
                    threading.Event().wait(1.0)
                else:
                    threading.Event().wait(0.05)  # long enough for calls in flight to overlap
                with self.lock:
                    self.active -= 1
                connection.sendall(ANSWER)
        except (OSError, ssl.SSLError):
            pass
        finally:
            connection.close()

    def close(self) -> None:
        self.listener.close()


@dataclass
class ConnectProxy:
    """An HTTP proxy on 127.0.0.1 that tunnels CONNECT and records each request line."""

    requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        head = _read_head(client)
        line = head.split(b"\r\n", 1)[0].decode()
        self.requests.append(line)
        method, target, _ = line.split(" ", 2)
        host, port = target.rsplit(":", 1)
        if method != "CONNECT" or host != "127.0.0.1":  # loopback only
            client.close()
            return
        upstream = socket.create_connection((host, int(port)))
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pipe(source: socket.socket, sink: socket.socket) -> None:
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass
            finally:
                sink.close()

        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
        pipe(client, upstream)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def server(tls_files: TlsFiles) -> Iterator[TlsServer]:
    server = TlsServer(tls_files)
    yield server
    server.close()


def trusting(files: TlsFiles) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=files.ca)


async def get(client: Client, mode: str, path: str = "/ping", *, times: int = 1) -> list[httpx.Response]:
    """``times`` calls at once (threads for sync, tasks for async); their answers."""
    if mode == "sync":
        http = client.get_httpx_client()
        results: list[httpx.Response] = []
        threads = [threading.Thread(target=lambda: results.append(http.get(path))) for _ in range(times)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(results) == times  # a thread that raised appended nothing
        return results
    async_http = client.get_async_httpx_client()
    try:
        return list(await asyncio.gather(*(async_http.get(path) for _ in range(times))))
    finally:
        await async_http.aclose()


async def raises(client: Client, mode: str, error: type[Exception], path: str = "/ping") -> None:
    with pytest.raises(error):
        if mode == "sync":
            client.get_httpx_client().get(path)
        else:
            async with client.get_async_httpx_client() as http:
                await http.get(path)


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


@MODES
async def test_verify_ssl_reaches_the_connections(server: TlsServer, auth: WeChatPayAuth, mode: str) -> None:
    # The test CA is in no system store: without it the server is refused, with it (a context or a path) trusted.
    await raises(Client(base_url=server.url, httpx_args=httpx_args(auth)), mode, httpx.ConnectError)
    assert server.connections == 0
    for verify in (trusting(server.files), str(server.files.ca)):
        client = Client(base_url=server.url, verify_ssl=verify, httpx_args=httpx_args(auth))
        (response,) = await get(client, mode)
        assert response.status_code == 404
    assert server.connections == 2
    # verify_ssl=False is honoured too (for a test bench only).
    (response,) = await get(Client(base_url=server.url, verify_ssl=False, httpx_args=httpx_args(auth)), mode)
    assert response.status_code == 404


@MODES
async def test_a_client_certificate_reaches_the_connections(server: TlsServer, auth: WeChatPayAuth, mode: str) -> None:
    files = server.files
    args = {**httpx_args(auth), "cert": (str(files.client_certificate), str(files.client_key))}
    await get(Client(base_url=server.url, verify_ssl=str(files.ca), httpx_args=args), mode)
    await get(Client(base_url=server.url, verify_ssl=trusting(files), httpx_args=args), mode)
    assert server.client_names == ["merchant client", "merchant client"]


@MODES
async def test_the_timeout_reaches_the_connections(server: TlsServer, auth: WeChatPayAuth, mode: str) -> None:
    client = Client(
        base_url=server.url, verify_ssl=trusting(server.files), timeout=httpx.Timeout(0.2), httpx_args=httpx_args(auth)
    )
    await raises(client, mode, httpx.TimeoutException, path="/slow")  # the server holds it for 1 s


@MODES
async def test_pool_limits_reach_the_connections(server: TlsServer, auth: WeChatPayAuth, mode: str) -> None:
    args = {**httpx_args(auth), "limits": httpx.Limits(max_connections=2)}
    client = Client(base_url=server.url, verify_ssl=trusting(server.files), httpx_args=args)
    answers = await get(client, mode, times=8)
    assert [a.status_code for a in answers] == [404] * 8
    assert server.connections <= 2
    assert server.most_active <= 2


@MODES
async def test_connections_are_kept_alive_under_many_threads_or_tasks(
    server: TlsServer, auth: WeChatPayAuth, mode: str
) -> None:
    # httpx keeps 20 idle connections unless told otherwise: 40 callers at once then reconnect, round after round.
    client = Client(base_url=server.url, verify_ssl=trusting(server.files), httpx_args=httpx_args(auth))
    if mode == "sync":
        for _ in range(3):
            await get(client, mode, times=40)
    else:
        async with client.get_async_httpx_client() as http:
            for _ in range(3):
                await asyncio.gather(*(http.get("/ping") for _ in range(40)))
    assert server.connections <= 40


async def test_async_callers_get_connections_in_the_order_they_asked(server: TlsServer, auth: WeChatPayAuth) -> None:
    # One connection, three callers each making calls one after another: a caller whose call just ended must queue
    # behind the two waiting, not take the connection again at once (aiohttp's own pool lets it).
    args = {**httpx_args(auth), "limits": httpx.Limits(max_connections=1)}
    client = Client(base_url=server.url, verify_ssl=trusting(server.files), httpx_args=args)

    async with client.get_async_httpx_client() as http:

        async def caller(name: str) -> None:
            for _ in range(4):
                await http.get("/ping", headers={"X-Caller": name})

        await asyncio.gather(caller("a"), caller("b"), caller("c"))
    assert server.callers == list("abc" * 4)


async def test_an_async_caller_waits_for_a_connection_no_longer_than_the_pool_timeout(
    server: TlsServer, auth: WeChatPayAuth
) -> None:
    # One connection, held 1 s by a slow call: the next caller gives up after its pool timeout, not after 1 s.
    args = {**httpx_args(auth, retry=None), "limits": httpx.Limits(max_connections=1)}
    timeout = httpx.Timeout(5.0, pool=0.1)
    client = Client(base_url=server.url, verify_ssl=trusting(server.files), timeout=timeout, httpx_args=args)
    async with client.get_async_httpx_client() as http:
        slow = asyncio.ensure_future(http.get("/slow"))
        await asyncio.sleep(0.3)  # the slow call holds the one connection
        with pytest.raises(httpx.PoolTimeout):
            await http.get("/ping")
        assert not slow.done()
        await slow


@MODES
async def test_a_proxy_reaches_the_connections(server: TlsServer, auth: WeChatPayAuth, mode: str) -> None:
    proxy = ConnectProxy()
    try:
        args = {**httpx_args(auth), "proxy": proxy.url}
        (response,) = await get(Client(base_url=server.url, verify_ssl=trusting(server.files), httpx_args=args), mode)
    finally:
        proxy.close()
    assert response.status_code == 404
    port = server.url.rsplit(":", 1)[1]
    assert proxy.requests == [f"CONNECT 127.0.0.1:{port} HTTP/1.1"]


@MODES
async def test_http2_reaches_the_connections(tls_files: TlsFiles, auth: WeChatPayAuth, mode: str) -> None:
    # The server offers h2 but speaks only HTTP/1.1: what counts is what the client asked for in the handshake.
    server = TlsServer(tls_files, alpn=("h2", "http/1.1"))
    try:
        plain = Client(base_url=server.url, verify_ssl=trusting(tls_files), httpx_args=httpx_args(auth))
        await get(plain, mode)
        args: dict[str, Any] = {**httpx_args(auth, retry=None), "http2": True}
        client = Client(base_url=server.url, verify_ssl=trusting(tls_files), httpx_args=args)
        await raises(client, mode, httpx.HTTPError)
    finally:
        server.close()
    # aiohttp sends no ALPN at all; either way a client not asked for HTTP/2 must not offer it.
    assert server.protocols in (["http/1.1", "h2"], [None, "h2"])


def test_a_missing_ca_file_is_named_before_any_connection(tmp_path: Path, auth: WeChatPayAuth) -> None:
    client = Client(base_url="https://127.0.0.1:9", verify_ssl=str(tmp_path / "no-ca.pem"), httpx_args=httpx_args(auth))
    with pytest.raises(ConfigurationError, match=r"no-ca\.pem"):
        client.get_httpx_client().get("/ping")
