"""Both ends of a call to the sandbox send without Nagle's delay (TCP_NODELAY).

Without it each sequential call waited about 40 ms for a delayed ACK. The tests read the socket option itself
instead of timing calls.
"""

from __future__ import annotations

import socket

import httpx
import pytest
from wechatpay_sandbox import SandboxServer
from wechatpay_sandbox.server import bind
from wechatpay_signing import WeChatPayAuth, aiohttp_transport, httpx_args

COLLECTION = "/v3/offlineface/face-collections/FC2353ZJIHOJKHOIIOIJ"


def nodelay(sock: socket.socket) -> bool:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_connections_accepted_by_the_sandbox_socket_have_nodelay() -> None:
    with bind() as listener:
        listener.listen()
        with socket.create_connection(listener.getsockname()):
            accepted, _ = listener.accept()
            with accepted:
                assert nodelay(accepted)
                # asyncio sets the option itself only on sockets that say they are TCP.
                assert accepted.proto == socket.IPPROTO_TCP


def test_the_running_sandbox_serves_each_connection_with_nodelay(sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
    with httpx.Client(base_url=sandbox.url, auth=auth) as client:
        assert client.get(COLLECTION).status_code == 200
        # uvicorn's open connections, each with its asyncio transport: the server's end of our keep-alive one.
        connections = sandbox._server.server_state.connections
        sockets = [connection.transport.get_extra_info("socket") for connection in connections]
        assert sockets and all(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in sockets)


def test_httpx_sync_client_sends_with_nodelay(sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
    with httpx.Client(base_url=sandbox.url, **httpx_args(auth)) as client:
        response = client.get(COLLECTION)
        assert nodelay(response.extensions["network_stream"].get_extra_info("socket"))


async def test_httpx_async_client_sends_with_nodelay(sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
    # httpx's own async pool: used for HTTP/2, or when given by hand (the default async pool is aiohttp's, below).
    own_pool = httpx.AsyncHTTPTransport()
    async with httpx.AsyncClient(base_url=sandbox.url, **httpx_args(auth, async_transport=own_pool)) as client:
        response = await client.get(COLLECTION)
        assert nodelay(response.extensions["network_stream"].get_extra_info("socket"))


async def test_the_aiohttp_transport_sends_with_nodelay(sandbox: SandboxServer, auth: WeChatPayAuth) -> None:
    pytest.importorskip("httpx_aiohttp")
    transport = aiohttp_transport()
    async with httpx.AsyncClient(base_url=sandbox.url, **httpx_args(auth, async_transport=transport)) as client:
        assert (await client.get(COLLECTION)).status_code == 200
        # aiohttp keeps its idle connections in the connector (private, but the only place to see them).
        idle = [protocol for held in transport.get_client().connector._conns.values() for protocol, _ in held]  # type: ignore[attr-defined]
        assert idle and all(nodelay(protocol.transport.get_extra_info("socket")) for protocol in idle)
