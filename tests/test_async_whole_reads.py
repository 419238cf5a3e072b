"""The async pool reads a signing flow's answer whole, inside the transport: against a server on loopback.

What it must keep: the target signed is the target sent, byte for byte (aiohttp must not re-encode httpx's URL);
a plain body over ``max_body_size`` is refused as it passes the limit, with the memory it took bounded; a body with
any Content-Encoding is left to the flow's decoding reader; and a refused answer ends its caller's turn for a
connection.
"""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
import urllib.parse
from typing import IO, Any

import httpx
import pytest
from wechatpay_offlineface import Client
from wechatpay_offlineface.api.face_collections import get_face_collection
from wechatpay_signing import WeChatPayAuth, httpx_args
from wechatpay_signing.limits import DEFAULT_MAX_BODY_SIZE, DeadlineExceededError, ResponseTooLargeError
from wechatpay_signing.transports import aiohttp_transport

from .hostile_server import Received, hostile_server, write_answer
from .support import merchant_public_pem, openssl_verify, signed_message, signed_response_headers
from .test_client import COLLECTION
from .test_limits import make_auth

MiB = 1024 * 1024


def collection(path: str) -> bytes:
    """The face collection a path asks for, its ID echoed."""
    collection_id = urllib.parse.unquote(path.split("?")[0].rsplit("/", 1)[1])
    return json.dumps({**COLLECTION, "collection_id": collection_id}).encode()


def signed_collection(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
    body = collection(path)
    write_answer(out, 200, {**signed_response_headers(body, timestamp=int(time.time())), "Request-ID": "ok-1"}, body)


@pytest.mark.parametrize(
    ("collection_id", "target"),
    [
        ("FC1", "FC1"),
        ("a/b", "a%2Fb"),
        ("%7E", "%257E"),
        ("中文", "%E4%B8%AD%E6%96%87"),
        ("it's~(x)", "it%27s~%28x%29"),
    ],
)
async def test_the_target_signed_is_the_target_sent(collection_id: str, target: str) -> None:
    received: list[Received] = []
    with hostile_server(signed_collection, received) as url:
        client = Client(base_url=url, httpx_args=httpx_args(make_auth()))
        async with client as opened:
            answer = await get_face_collection.asyncio(collection_id, client=opened)
    assert answer is not None and answer.collection_id == collection_id
    [request] = received
    assert request.target == f"/v3/offlineface/face-collections/{target}"
    message, signature = signed_message(request.method, request.target, request.body, request.headers["authorization"])
    assert openssl_verify(merchant_public_pem(), message, signature)


async def test_a_query_is_signed_as_sent() -> None:
    received: list[Received] = []
    with hostile_server(signed_collection, received) as url:
        async with httpx.AsyncClient(**httpx_args(make_auth())) as client:
            await client.get(url + "/v3/ok/FC1", params={"q": "it's (x) ~ 中", "p": "%7E"})
    [request] = received
    assert request.target == "/v3/ok/FC1?q=it%27s+%28x%29+~+%E4%B8%AD&p=%257E"
    message, signature = signed_message(request.method, request.target, request.body, request.headers["authorization"])
    assert openssl_verify(merchant_public_pem(), message, signature)


def plain_answer(size: int, *, chunked: bool) -> Any:
    """A plain (not compressed) signed-looking answer of ``size`` bytes, with a Content-Length or chunked."""

    def answer(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
        if "/v3/ok" in path:
            signed_collection(path, headers, out)
            return
        head = {**signed_response_headers(b"", timestamp=int(time.time())), "Request-ID": "big-1"}
        lines = ["HTTP/1.1 200 Scripted", *(f"{name}: {value}" for name, value in head.items())]
        lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}")
        out.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        piece = b"x" * (256 * 1024)
        for start in range(0, size, len(piece)):
            chunk = piece[: min(len(piece), size - start)]
            out.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            out.flush()
        if chunked:
            out.write(b"0\r\n\r\n")
        out.flush()

    return hostile_server(answer)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_a_plain_answer_over_the_limit_is_refused_and_its_turn_ends(chunked: bool) -> None:
    """One connection in the pool (the generated Client hands httpx_args' limits to it; a plain httpx client given
    a transport would ignore them): a refused answer that kept its turn would leave the next call waiting out the
    pool timeout (PoolTimeout) instead of being answered."""
    args = {**httpx_args(make_auth()), "limits": httpx.Limits(max_connections=1)}
    with plain_answer(64 * MiB, chunked=chunked) as url:
        client = Client(base_url=url, httpx_args=args, timeout=httpx.Timeout(5.0, pool=2.0))
        async with client.get_async_httpx_client() as http:
            tracemalloc.start()
            try:
                with pytest.raises(ResponseTooLargeError, match="more than 4194304 bytes") as caught:
                    await http.get("/v3/big")
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            assert (caught.value.request_id, caught.value.status_code) == ("big-1", 200)
            assert peak < DEFAULT_MAX_BODY_SIZE + 8 * MiB  # the answer is 64 MiB
            answer = await http.get("/v3/ok/FC1")
    assert answer.status_code == 200 and answer.json()["collection_id"] == "FC1"


async def test_a_second_content_encoding_field_is_not_overlooked() -> None:
    """aiohttp's headers.get() gives the first field, "identity"; httpx would decode with both, gzip included."""
    bomb = gzip.compress(b"\0" * (16 * MiB), compresslevel=9)

    def answer(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
        head = {**signed_response_headers(bomb, timestamp=int(time.time())), "Request-ID": "bomb-2"}
        lines = ["HTTP/1.1 200 Scripted", *(f"{name}: {value}" for name, value in head.items())]
        lines += ["Content-Encoding: identity", "Content-Encoding: gzip", f"Content-Length: {len(bomb)}"]
        out.write(("\r\n".join(lines) + "\r\n\r\n").encode() + bomb)
        out.flush()

    with hostile_server(answer) as url:
        async with httpx.AsyncClient(**httpx_args(make_auth())) as client:
            with pytest.raises(ResponseTooLargeError) as caught:
                await client.get(url + "/v3/x")
    assert caught.value.request_id == "bomb-2"


async def test_the_limit_counts_plain_async_bodies_to_the_byte() -> None:
    with hostile_server(signed_collection) as url:
        size = len(collection("/v3/offlineface/face-collections/FC1"))
        async with Client(base_url=url, httpx_args=httpx_args(make_auth(max_body_size=size))) as client:
            answer = await get_face_collection.asyncio("FC1", client=client)
            assert answer is not None and answer.collection_id == "FC1"
        async with Client(base_url=url, httpx_args=httpx_args(make_auth(max_body_size=size - 1))) as client:
            with pytest.raises(ResponseTooLargeError):
                await get_face_collection.asyncio("FC1", client=client)


SETUPS = ["httpx_args", "auth and aiohttp_transport"]


def async_client(setup: str, auth: WeChatPayAuth, **kwargs: Any) -> httpx.AsyncClient:
    """The pool under the retry transport (it reads plain answers whole), or given to httpx with the auth (it
    streams them to the flow, which alone hands them on as httpx expects)."""
    if setup == "httpx_args":
        return httpx.AsyncClient(**httpx_args(auth, retry=None), **kwargs)
    return httpx.AsyncClient(auth=auth, transport=aiohttp_transport(), **kwargs)


@pytest.mark.parametrize("setup", SETUPS)
async def test_an_answer_and_a_redirect_are_timed(setup: str) -> None:
    def answer(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
        if path.endswith("/moved"):
            write_answer(out, 302, {"Location": "/v3/ok/FC1"}, b"moved")
        else:
            signed_collection(path, headers, out)

    with hostile_server(answer) as url:
        async with async_client(setup, make_auth(), follow_redirects=True) as client:
            response = await client.get(url + "/v3/moved")
    [moved] = response.history
    assert response.status_code == 200 and moved.status_code == 302
    assert response.elapsed.total_seconds() > 0 and moved.elapsed.total_seconds() > 0


@pytest.mark.parametrize("setup", SETUPS)
async def test_a_dripping_plain_body_ends_at_the_deadline(setup: str) -> None:
    """A byte every 50 ms, each read well within the read timeout: only the call's deadline (0.5 s) ends it."""
    body = json.dumps({**COLLECTION, "note": "x" * 200}).encode()

    def answer(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
        head = {**signed_response_headers(body, timestamp=int(time.time())), "Content-Length": str(len(body))}
        out.write(("HTTP/1.1 200 OK\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items()) + "\r\n").encode())
        for index in range(len(body)):
            out.write(body[index : index + 1])
            out.flush()
            time.sleep(0.05)

    with hostile_server(answer) as url:
        async with async_client(setup, make_auth(deadline=0.5), timeout=2.0) as client:
            started = time.monotonic()
            with pytest.raises(DeadlineExceededError):
                await client.get(url + "/v3/x")
    assert time.monotonic() - started < 5  # the drip takes 15 s


@pytest.mark.parametrize("setup", SETUPS)
async def test_any_byte_in_the_reason_phrase_is_kept(setup: str) -> None:
    """aiohttp decodes the status line's reason with surrogateescape; httpx gets the bytes back (h11 takes them too)."""
    body = collection("/v3/ok/FC1")

    def answer(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
        head = {**signed_response_headers(body, timestamp=int(time.time())), "Content-Length": str(len(body))}
        fields = "".join(f"{name}: {value}\r\n" for name, value in head.items()).encode()
        out.write(b"HTTP/1.1 200 \xff\xfe OK\r\n" + fields + b"\r\n" + body)
        out.flush()

    with hostile_server(answer) as url:
        async with async_client(setup, make_auth()) as client:
            response = await client.get(url + "/v3/ok/FC1")
    assert response.status_code == 200 and response.extensions["reason_phrase"] == b"\xff\xfe OK"


@pytest.mark.parametrize("setup", SETUPS)
async def test_malformed_framing_is_an_httpx_protocol_error(setup: str) -> None:
    """Two Content-Length fields that disagree: aiohttp's ClientResponseError, which httpx-aiohttp lets escape."""

    def answer(path: str, headers: dict[str, str], out: IO[bytes]) -> None:
        out.write(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde")
        out.flush()

    with hostile_server(answer) as url:
        async with async_client(setup, make_auth()) as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get(url + "/v3/x")


@pytest.mark.parametrize("setup", SETUPS)
async def test_a_tls_handshake_that_never_ends_is_cut_by_the_connect_timeout(setup: str) -> None:
    """A server that accepts the connection and says nothing: the connect timeout bounds the TLS handshake, not
    the read timeout or the deadline (aiohttp gets no pool timeout under the turns, which do the waiting)."""
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    try:
        port = listener.getsockname()[1]
        timeout = httpx.Timeout(20.0, connect=0.3)
        async with async_client(setup, make_auth(), timeout=timeout) as client:
            started = time.monotonic()
            with pytest.raises(httpx.ConnectTimeout):
                await client.get(f"https://127.0.0.1:{port}/v3/x")
            assert time.monotonic() - started < 5
    finally:
        listener.close()
