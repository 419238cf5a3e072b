"""The pooled transports under a signing client, made from that client's own settings.

httpx applies ``verify``, ``cert``, ``limits``, ``proxy`` and ``http2`` only to transports it makes itself, never to
one it is given; ``httpx_args`` gives it one (retries, fresh signatures), so the transports are made here, from the
same settings. Sync calls go through httpx's pool. Async calls go through aiohttp's pool (httpx-aiohttp): httpx's
own async pool opens a new connection for most calls past a few dozen in flight (encode/httpx#3215), which over
TLS costs more than the call; measured in ``make bench``. HTTP/2, which aiohttp does not speak, uses httpx's.
"""

from __future__ import annotations

import functools
import os
import ssl
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import ConfigurationError
from .limits import MAX_BODY_SIZE_EXTENSION, is_encoded, too_large_answer
from .protocol import REQUEST_ID

CertTypes = str | tuple[str, str] | tuple[str, str, str]

DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100, keepalive_expiry=5.0)
"""httpx's connection cap, with every connection kept alive (httpx keeps 20): a sync client shared by 64 threads
otherwise closes and reopens a TLS connection for most calls."""

TRANSPORT_SETTINGS = ("verify", "cert", "trust_env", "http1", "http2", "limits", "proxy")
"""The httpx client arguments that configure its transports, and so are handed to ``TransportSettings``."""


@dataclass(frozen=True)
class TransportSettings:
    """A client's TLS, pool, proxy and protocol settings, as httpx's client takes them."""

    verify: ssl.SSLContext | str | bool = True
    cert: CertTypes | None = None
    trust_env: bool = True
    http1: bool = True
    http2: bool = False
    limits: httpx.Limits = field(default_factory=lambda: DEFAULT_LIMITS)
    proxy: httpx.Proxy | httpx.URL | str | None = None

    @functools.cached_property
    def ssl_context(self) -> ssl.SSLContext:
        """One SSL context from ``verify`` and ``cert`` (made on first use: loading a CA bundle takes milliseconds).

        ``verify`` may be a CA file or folder path, which httpx 0.28 deprecates and, with a ``cert``, mishandles.
        """
        return _ssl_context(self.verify, self.cert, self.trust_env)

    def httpx_proxy(self) -> httpx.Proxy | None:
        if self.proxy is None or isinstance(self.proxy, httpx.Proxy):
            return self.proxy
        return httpx.Proxy(self.proxy)


def _ssl_context(verify: ssl.SSLContext | str | bool, cert: CertTypes | None, trust_env: bool) -> ssl.SSLContext:
    try:
        if isinstance(verify, ssl.SSLContext):
            context = verify
        elif isinstance(verify, str):
            if os.path.isdir(verify):
                context = ssl.create_default_context(capath=verify)
            else:
                context = ssl.create_default_context(cafile=verify)
        elif isinstance(verify, bool):
            context = httpx.create_ssl_context(verify=verify, trust_env=trust_env)
        else:
            raise ConfigurationError(
                f"verify_ssl must be True, False, a CA file path or an ssl.SSLContext, not {type(verify).__name__}"
            )
    except (OSError, ssl.SSLError) as error:
        raise ConfigurationError(f"verify_ssl: cannot load the CA certificates {verify!r}: {error}") from None
    if cert:
        chain = (cert,) if isinstance(cert, str) else cert
        try:
            context.load_cert_chain(*chain)
        except (OSError, ssl.SSLError) as error:
            # The message names the files, never their content.
            raise ConfigurationError(f"cert: cannot load the client certificate {chain[0]!r}: {error}") from None
    return context


def sync_transport(settings: TransportSettings) -> httpx.BaseTransport:
    """httpx's pooled transport, with every setting, whose connections keep the deadline of the call in progress.

    Its pool hands out connections in one pass (``sync_pool``): httpcore's own costs a third more CPU per call with
    a few dozen threads sharing the client."""
    # Imported here: both load httpcore, which httpx itself loads only with its first transport.
    from .deadline_backend import with_deadline
    from .sync_pool import with_one_pass_pool

    transport = httpx.HTTPTransport(
        verify=settings.ssl_context,
        trust_env=settings.trust_env,
        http1=settings.http1,
        http2=settings.http2,
        limits=settings.limits,
        proxy=settings.httpx_proxy(),
    )
    return with_deadline(with_one_pass_pool(transport))


def async_transport(settings: TransportSettings) -> httpx.AsyncBaseTransport:
    """aiohttp's pool for HTTP/1.1; httpx's own where HTTP/2 is asked for."""
    if settings.http2:
        return httpx.AsyncHTTPTransport(
            verify=settings.ssl_context,
            trust_env=settings.trust_env,
            http1=settings.http1,
            http2=True,
            limits=settings.limits,
            proxy=settings.httpx_proxy(),
        )
    return aiohttp_transport(verify=settings.ssl_context, limits=settings.limits, proxy=settings.httpx_proxy())


def aiohttp_transport(**kwargs: Any) -> httpx.AsyncBaseTransport:
    """An ``httpx_aiohttp.AiohttpTransport`` (kwargs go to it). ``httpx_args`` uses one already for async calls."""
    # Imported here: aiohttp takes longer to import than httpx, and sync-only users never need it.
    import aiohttp
    import yarl
    from httpx_aiohttp.transport import AiohttpResponseStream, AiohttpTransport, map_aiohttp_exceptions

    from .turns import Turns

    class Transport(AiohttpTransport):
        """Callers wait their turn for a connection, first come first served, until their answer's body is read.

        aiohttp hands a freed connection to whichever request asks next, before the ones already waiting: with more
        calls in flight than connections, some waited seconds while others never queued (p99 70x p50 at 1,000 in
        flight). Here turns of the pool's size (``Turns``) admit them in order, so aiohttp never queues; the pool
        timeout bounds the wait.

        Under the retry transport, which puts the auth's ``max_body_size`` on the request, ends the call at its
        deadline and hands every answer on as httpx expects (``limits.hand_on``), a plain answer is read here whole,
        within that size, and handed on read: no httpx-aiohttp or httpx stream objects (20–30 µs of CPU a call at
        200 in flight, measured). A compressed answer, or one to any other caller, is handed on as a stream, and the
        turn ends when it is closed: read to its end, or abandoned, which drops the connection. Decoding is never
        done here: unbounded, a gzip bomb decoded in full before the limit saw it.
        """

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            limit = self.limits.max_connections
            self._turns = Turns(limit) if limit else None

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if self._turns is None:
                return await self._answer(request)
            await self._take_turn(self._turns, request)
            try:
                response = await self._answer(request)
            except BaseException:
                self._turns.give_back()
                raise
            if isinstance(response.stream, AiohttpResponseStream):
                response.stream = _TurnEndsWhenClosed(response.stream, self._turns.give_back)
            else:  # read whole: its connection is back in the pool
                self._turns.give_back()
            return response

        async def _answer(self, request: httpx.Request) -> httpx.Response:
            try:
                answer = await self._send(request)
                max_size = request.extensions.get(MAX_BODY_SIZE_EXTENSION)
                # Every Content-Encoding field: httpx decodes with all of them, aiohttp's get() gives the first.
                encodings = answer.headers.getall("Content-Encoding", ())
                if not isinstance(max_size, int) or any(is_encoded(value) for value in encodings):
                    return self._streaming(request, answer)
                return self._read(request, answer, await _whole_body(answer, max_size))
            except Exception as error:
                mapped = _mapped(error)
                if isinstance(mapped, httpx.ConnectTimeout):
                    raise _without_false_timeout(mapped, request) from error
                if mapped is not error:
                    raise mapped from error
                if isinstance(error, aiohttp.ClientResponseError):  # a malformed status line or headers: unmapped
                    raise httpx.RemoteProtocolError(str(error), request=request) from error
                raise

        @staticmethod
        async def _take_turn(turns: Turns, request: httpx.Request) -> None:
            if turns.take_now():
                return
            try:
                await turns.take(request.extensions.get("timeout", {}).get("pool"))
            except TimeoutError:
                raise httpx.PoolTimeout("no connection came free within the pool timeout", request=request) from None

        async def _send(self, request: httpx.Request) -> aiohttp.ClientResponse:
            """httpx-aiohttp's request, given the URL as httpx encoded it: the target we signed, byte for byte."""
            if not isinstance(self.client, aiohttp.ClientSession):
                self.client = self.get_client()
            timeout = request.extensions.get("timeout", {})
            data: bytes | httpx.AsyncByteStream | None
            try:
                data = request.content or None
            except httpx.RequestNotRead:
                data = request.stream  # type: ignore[assignment]
                request.headers.pop("transfer-encoding", None)  # aiohttp chunks it itself
            proxy = self.proxy
            return await self.client.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),
                headers=request.headers,
                data=data,
                allow_redirects=False,
                auto_decompress=False,
                compress=False,
                # aiohttp's connect timeout is its pool wait plus the connection's set-up; with turns, the wait is
                # theirs (the pool timeout, in _take_turn) and aiohttp never queues, and sock_connect bounds the
                # set-up, TLS handshake included. One timer fewer on every call.
                timeout=_timeout(
                    timeout.get("connect"), timeout.get("read"), None if self._turns else timeout.get("pool")
                ),
                server_hostname=request.extensions.get("sni_hostname"),
                proxy=str(proxy.url) if proxy else None,
                proxy_auth=aiohttp.BasicAuth(*proxy.auth) if proxy and proxy.auth else None,
                proxy_headers=proxy.headers if proxy else None,
            )

        @staticmethod
        def _streaming(request: httpx.Request, answer: aiohttp.ClientResponse) -> httpx.Response:
            try:
                return httpx.Response(
                    answer.status,
                    headers=answer.raw_headers,
                    stream=AiohttpResponseStream(answer),
                    request=request,
                    extensions=_extensions(answer),
                )
            except BaseException:
                answer.close()
                raise

        @staticmethod
        def _read(request: httpx.Request, answer: aiohttp.ClientResponse, body: bytes) -> httpx.Response:
            response = httpx.Response(
                answer.status,
                headers=answer.raw_headers,
                stream=httpx.ByteStream(body),
                request=request,
                extensions=_extensions(answer),
            )
            # Read, but open, as ``limits.hand_on`` leaves an answer: httpx times the call (``elapsed``) when it is
            # closed. httpx's read() keeps a body in the same attribute.
            response._content = body
            return response

    async def _whole_body(answer: aiohttp.ClientResponse, max_size: int) -> bytes:
        """The body, refused past ``max_size`` bytes; the connection goes back to the pool, or is dropped when the
        body is not read to its end. The retry transport's timeout ends the read at the call's deadline."""
        try:
            chunks, size = [], 0
            while chunk := await answer.content.readany():
                size += len(chunk)
                if size > max_size:
                    raise too_large_answer(answer.headers.get(REQUEST_ID), answer.status, max_size)
                chunks.append(chunk)
        except BaseException:
            answer.close()
            raise
        answer.release()
        return b"".join(chunks)

    def _mapped(error: Exception) -> Exception:
        """The httpx error httpx-aiohttp makes of an aiohttp one, or ``error`` itself when it maps none.

        Its mapping is a context manager: entered here, once something failed, rather than around every call.
        """
        try:
            with map_aiohttp_exceptions():
                raise error
        except Exception as mapped:  # whatever it is, it is handed back to be raised
            return mapped
        raise AssertionError("unreachable")  # pragma: no cover

    @functools.lru_cache(maxsize=256)
    def _timeout(connect: float | None, read: float | None, pool: float | None) -> aiohttp.ClientTimeout:
        # One object for the settings most calls share (an attrs class: ~2 µs to build on every call).
        return aiohttp.ClientTimeout(sock_connect=connect, sock_read=read, connect=pool)

    def _extensions(answer: aiohttp.ClientResponse) -> dict[str, Any]:
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if answer.reason:
            # aiohttp decoded the reason phrase with surrogateescape: any byte may be there.
            extensions["reason_phrase"] = answer.reason.encode("utf-8", "surrogateescape")
        return extensions

    return Transport(**kwargs)


class _TurnEndsWhenClosed(httpx.AsyncByteStream):
    """An answer's body that ends its caller's turn for a connection when closed, once."""

    def __init__(self, stream: httpx.SyncByteStream | httpx.AsyncByteStream, end_turn: Callable[[], None]) -> None:
        self._stream = stream
        self._end_turn: Callable[[], None] | None = end_turn

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if not isinstance(self._stream, httpx.AsyncByteStream):
            raise TypeError("a sync body from an async transport")
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            if isinstance(self._stream, httpx.AsyncByteStream):
                await self._stream.aclose()
        finally:
            end_turn, self._end_turn = self._end_turn, None
            if end_turn is not None:
                end_turn()


def _without_false_timeout(error: httpx.ConnectTimeout, request: httpx.Request) -> httpx.TransportError:
    """httpx-aiohttp 0.2 reports every aiohttp connection error as a ConnectTimeout, a refused certificate too.

    Name what happened instead: a caller (and the retry policy) treats a timeout, a refusal and a drop differently.
    """
    import aiohttp

    cause = error.__cause__
    message = str(error)
    if isinstance(cause, aiohttp.ServerTimeoutError):
        return error
    if isinstance(cause, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message, request=request)
    if isinstance(cause, aiohttp.ServerDisconnectedError):
        return httpx.RemoteProtocolError(message, request=request)
    if isinstance(cause, aiohttp.ClientConnectionError):
        return httpx.ReadError(message, request=request)
    return error
