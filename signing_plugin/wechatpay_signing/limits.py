"""Limits on one call: how many bytes an answer may decode to, and how long the whole call may take.

httpx's timeouts are per operation (connect, each read): a server that drips a byte every 0.4 s never trips a 1 s
read timeout. And httpx decodes gzip in full: 200 KiB of gzip can grow to 200 MiB. The auth flow and the retry
transport read every body through ``read_body``/``aread_body``, which stop at ``max_body_size`` decoded bytes and at
the call's deadline. Under the retry transport, which puts the size on the request (``MAX_BODY_SIZE_EXTENSION``),
the async pool reads a plain body whole itself, within it. They read an httpx2 answer too
(``WeChatPayAuth.for_httpx2``), with httpx2's own stream classes.
"""

from __future__ import annotations

import datetime
import functools
import time
import types
from collections.abc import AsyncIterator, Iterator
from typing import cast

import httpx

from .errors import AnswerError, WeChatPayError
from .protocol import REQUEST_ID

DEFAULT_MAX_BODY_SIZE = 4 * 1024 * 1024
"""Bytes an answer may decode to (4 MiB); WeChat Pay's answers are a few KiB."""
DEFAULT_DEADLINE = 30.0
"""Seconds one call may take in all: every attempt, its retries and their waits, and every read."""

DEADLINE_EXTENSION = "wechatpay_signing.deadline"  # the call's deadline, time.monotonic(), kept on the request
# The auth's max_body_size, put on the request by the retry layer, which hands an answer read by the transport on
# to httpx as it should be (``hand_on``): a transport that finds it may read the whole answer itself.
MAX_BODY_SIZE_EXTENSION = "wechatpay_signing.max_body_size"
# A compressed body is fed to its decoder in pieces this small, so that no single piece can decode to more than
# about 1 MiB (deflate expands at most ~1032 times) before the size is checked.
_COMPRESSED_PIECE = 1024


class ResponseTooLargeError(AnswerError):
    """The answer decodes to more than ``max_body_size`` bytes; reading stopped there and the connection closed."""

    summary = "answer too large"


class DeadlineExceededError(WeChatPayError, TimeoutError):
    """The call took longer than its deadline (``WeChatPayAuth.deadline``), whatever each read's timeout."""


def start_deadline(request: httpx.Request, seconds: float | None) -> None:
    """Set the call's deadline on its request, once (a retry keeps the first), and shorten its timeouts to fit."""
    if seconds is None:
        return
    deadline = request.extensions.setdefault(DEADLINE_EXTENSION, time.monotonic() + seconds)
    fit_timeouts(request, deadline)


def fit_timeouts(request: httpx.Request, deadline: float) -> None:
    """No single connect, read or write may wait past the deadline: httpcore reads these per attempt."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise DeadlineExceededError(f"the call's deadline passed before {request.method} {request.url.path} was sent")
    timeouts = request.extensions.get("timeout") or {}
    current = [timeouts.get(name) for name in _TIMEOUT_NAMES]
    if all(value is not None and value <= remaining for value in current):
        return  # every one ends before the deadline, as on most calls: nothing to fit, nothing to copy
    fitted = {
        name: remaining if value is None else min(value, remaining)
        for name, value in zip(_TIMEOUT_NAMES, current, strict=True)
    }
    request.extensions["timeout"] = {**timeouts, **fitted}


_TIMEOUT_NAMES = ("connect", "read", "write", "pool")  # httpx's, as a request's "timeout" extension holds them


def deadline_of(request: httpx.Request) -> float | None:
    deadline = request.extensions.get(DEADLINE_EXTENSION)
    return deadline if isinstance(deadline, float) else None


class _SmallPieces(httpx.SyncByteStream, httpx.AsyncByteStream):
    """The raw stream, cut into small pieces, for a compressed body."""

    # The stream classes of the library the answer comes from: httpx here, httpx2 in _small_pieces_for's subclass.
    _sync_stream: type = httpx.SyncByteStream
    _async_stream: type = httpx.AsyncByteStream

    def __init__(self, stream: httpx.SyncByteStream | httpx.AsyncByteStream) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        if not isinstance(self._stream, self._sync_stream):
            raise TypeError("an async body read in a sync client")
        for chunk in cast(httpx.SyncByteStream, self._stream):
            for start in range(0, len(chunk), _COMPRESSED_PIECE):
                yield chunk[start : start + _COMPRESSED_PIECE]

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if not isinstance(self._stream, self._async_stream):
            raise TypeError("a sync body read in an async client")
        async for chunk in cast(httpx.AsyncByteStream, self._stream):
            for start in range(0, len(chunk), _COMPRESSED_PIECE):
                yield chunk[start : start + _COMPRESSED_PIECE]

    def close(self) -> None:
        if isinstance(self._stream, self._sync_stream):
            cast(httpx.SyncByteStream, self._stream).close()

    async def aclose(self) -> None:
        if isinstance(self._stream, self._async_stream):
            await cast(httpx.AsyncByteStream, self._stream).aclose()


def is_encoded(content_encoding: str | None) -> bool:
    """Whether a Content-Encoding value says the body must be decoded (gzip, deflate…) to be read."""
    return content_encoding is not None and content_encoding.strip().lower() not in ("", "identity")


def library_of(response: httpx.Response) -> types.ModuleType:
    """httpx, or httpx2 for an answer an httpx2 client received (the same flow serves both)."""
    if isinstance(response, httpx.Response):
        return httpx
    import httpx2  # only an httpx2 answer gets here: httpx2 is installed, and imported already

    return httpx2


@functools.cache
def _small_pieces_for(library: types.ModuleType) -> type[_SmallPieces]:
    """``_SmallPieces`` as a stream of ``library``: httpx and httpx2 each accept only their own stream classes."""
    if library is httpx:
        return _SmallPieces
    sync_stream, async_stream = library.SyncByteStream, library.AsyncByteStream
    streams = {"_sync_stream": sync_stream, "_async_stream": async_stream}
    bases = (_SmallPieces, sync_stream, async_stream)
    subclass = types.new_class("_SmallPieces", bases, exec_body=lambda namespace: namespace.update(streams))
    return cast(type[_SmallPieces], subclass)


class _Body:
    """The decoded chunks read so far, refusing the one that goes over the size or comes after the deadline."""

    def __init__(self, response: httpx.Response, max_size: int, deadline: float | None) -> None:
        self._response = response
        self._max_size = max_size
        self._deadline = deadline
        self.size = 0
        self.chunks: list[bytes] = []
        self.encoded = is_encoded(response.headers.get("Content-Encoding"))
        if self.encoded:
            response.stream = _small_pieces_for(library_of(response))(response.stream)

    def take(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self._max_size:
            raise too_large(self._response, self._max_size)
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise DeadlineExceededError("the call's deadline passed while the answer was still arriving")
        self.chunks.append(chunk)

    def keep(self) -> None:
        # httpx's own read() does the same, after reading without a limit; the attribute is where it keeps it.
        self._response._content = b"".join(self.chunks)


def too_large(response: httpx.Response, max_size: int) -> ResponseTooLargeError:
    return too_large_answer(response.headers.get(REQUEST_ID), response.status_code, max_size)


def too_large_answer(request_id: str | None, status_code: int, max_size: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"the body decodes to more than {max_size} bytes (the auth's max_body_size)",
        request_id=request_id,
        status_code=status_code,
    )


def _already_read(response: httpx.Response, max_size: int) -> bool:
    try:
        size = len(response.content)
    except library_of(response).ResponseNotRead:
        return False
    if size > max_size:
        raise too_large(response, max_size)
    return True


def read_body(response: httpx.Response, max_size: int, deadline: float | None) -> None:
    """``response.read()``, stopping with an error past ``max_size`` decoded bytes or past ``deadline``."""
    if _already_read(response, max_size):
        response.close()  # read by the transport (``hand_on``): closing httpx's stream sets ``elapsed``
        return
    body = _Body(response, max_size, deadline)
    try:
        for chunk in response.iter_bytes():
            body.take(chunk)
    except BaseException:
        response.close()  # the rest is never read: the connection is dropped, not returned to the pool
        raise
    body.keep()


async def aread_body(response: httpx.Response, max_size: int, deadline: float | None) -> None:
    """``await response.aread()``, with the limits of ``read_body``."""
    if _already_read(response, max_size):
        await response.aclose()
        return
    body = _Body(response, max_size, deadline)
    # Without a Content-Encoding the raw bytes are the body: one async generator fewer than aiter_bytes' decoder.
    chunks = response.aiter_bytes() if body.encoded else response.aiter_raw()
    try:
        async for chunk in chunks:
            body.take(chunk)
    except BaseException:
        await response.aclose()
        raise
    body.keep()


def hand_on(response: httpx.Response, start: float) -> None:
    """An answer read and closed in a transport, handed on to httpx as an open stream of the same bytes.

    httpx binds the stream a transport returns to its response and sets ``response.elapsed`` when that bound
    stream is closed; one already closed is never closed again, and ``elapsed`` would raise. The auth flow closes
    it (``read_body``). A redirect is the exception: httpx follows it with ``read()``, which never closes an
    answer whose content is there, so it stays closed, timed here from ``start`` (``time.perf_counter()``).
    """
    if response.has_redirect_location:
        response.elapsed = datetime.timedelta(seconds=time.perf_counter() - start)
        return
    response.stream = library_of(response).ByteStream(response.content)
    response.is_closed = False


def handed_on(response: httpx.Response, max_size: int) -> bool:
    """Whether a transport's answer is already as ``hand_on`` leaves one: read within ``max_size``, still open, and
    no redirect (whose ``elapsed`` ``hand_on`` sets). The aiohttp pool reads a plain answer so."""
    return not response.is_closed and not response.has_redirect_location and _already_read(response, max_size)


def drop_stream(response: httpx.Response) -> None:
    """Replace the stream of an answer read and closed by its body (the same bytes), which no one reads again.

    httpx binds the stream it hands back to its response (``BoundAsyncStream``/``BoundSyncStream``), and that
    reference back makes each call's response, request, URL and headers a cycle only the garbage collector frees
    (about 30 objects a call). Without it they go as soon as the caller drops the response: about 25 µs of CPU a
    call at 50 in flight, measured.
    """
    if response.is_closed:
        response.stream = library_of(response).ByteStream(response.content)
