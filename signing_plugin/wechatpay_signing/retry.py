"""Retries for idempotent calls: httpx-retries' loop, with every attempt signed afresh.

A retry at the transport level would resend the first attempt's Authorization, nonce and timestamp included.
``_FreshlySigned`` sits under httpx-retries' ``RetryTransport`` and signs a request again each time it is sent
after the first, so no two attempts share a nonce. The auth flow then verifies whichever answer comes last.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Literal

import httpx

from . import transports
from .auth import SENT_TO, SIGNED_BY_AUTH, WeChatPayAuth, origin_of
from .call_deadlines import call_deadline
from .errors import AnswerError, ConfigurationError
from .limits import (
    MAX_BODY_SIZE_EXTENSION,
    DeadlineExceededError,
    aread_body,
    deadline_of,
    fit_timeouts,
    hand_on,
    handed_on,
    read_body,
)
from .text import shown
from .transports import TransportSettings

# httpx-retries (and the asyncio it imports) loads when the first client is built, not with this package.
if TYPE_CHECKING:
    from httpx_retries import Retry

    DEFAULT_RETRY: Retry

RETRY_STATUSES = frozenset({429, *range(500, 600)})
"""429 RATELIMIT_EXCEED and every 5xx, WeChat Pay's 561 included."""


@functools.cache
def default_retry() -> Retry:
    """``DEFAULT_RETRY``: two retries for GET and HEAD on connection errors, timeouts, 429 and 5xx.

    Waits follow ``Retry-After`` when the answer has one, else a random share (full jitter) of 0.5 s, then 1 s; no
    wait is longer than 5 s; a ``Retry-After`` over an hour, or unreadable, is ignored. POST and other methods that
    change state are sent once, unless a ``Retry`` allows them.
    """
    from .retry_policy import WeChatPayRetry

    return WeChatPayRetry(
        total=2,
        allowed_methods=("GET", "HEAD"),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=0.25,
        backoff_jitter=1.0,
        max_backoff_wait=5.0,
        respect_retry_after_header=True,
    )


def __getattr__(name: str) -> Any:
    if name == "DEFAULT_RETRY":
        return default_retry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _FreshlySigned(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Sends through the pooled transports, signing again every request that was sent before.

    It reads each body before returning (the auth flow needs it anyway), so a connection that drops in the middle
    of a body fails here, where the retry loop sees it, rather than later in httpx. The pooled transports are made
    from ``settings`` when first needed: a client that only ever calls synchronously never builds an aiohttp pool.
    """

    def __init__(
        self,
        auth: WeChatPayAuth,
        transport: httpx.BaseTransport | None,
        async_transport: httpx.AsyncBaseTransport | None,
        settings: TransportSettings,
    ) -> None:
        self._auth = auth
        self._settings = settings
        self._transport = transport
        self._async_transport = async_transport
        self._lock = threading.Lock()  # threads sharing a sync client make one pool between them

    def _sync(self) -> httpx.BaseTransport:
        if self._transport is None:
            with self._lock:
                if self._transport is None:
                    self._transport = transports.sync_transport(self._settings)
        return self._transport

    def _async(self) -> httpx.AsyncBaseTransport:
        # One event loop thread: nothing runs between the check and the assignment.
        if self._async_transport is None:
            self._async_transport = transports.async_transport(self._settings)
        return self._async_transport

    @staticmethod
    def _sent_before(request: httpx.Request) -> bool:
        """Whether the request (or the one it was redirected from: httpx shares the extensions) was sent before.

        A followed redirect to another origin is refused: signing it would hand a replayable Authorization, and
        the body, to a host that is not WeChat Pay's (httpx drops the Authorization for it; a retry would sign it).
        """
        origin = origin_of(request.url)
        first = request.extensions.get(SENT_TO)
        if not request.extensions.get(SIGNED_BY_AUTH):
            # auth=None on one call (or another auth) under httpx_args: unsigned out, and unverified back.
            raise ConfigurationError(
                f"{request.method} {shown(request.url.path)} did not go through the WeChatPayAuth (auth=None?): it"
                " would go unsigned and its answer would not be verified; not sent"
            )
        if first is None:
            request.extensions[SENT_TO] = origin
            return False
        if first != origin:
            raise AnswerError(
                f"{request.method} {shown(request.url.path)} was redirected to another host"
                f" ({shown(str(request.url.copy_with(query=None)))}): not followed, since a signed request goes only"
                " to the base URL's host"
            )
        return True

    def _prepare(self, request: httpx.Request) -> None:
        if self._sent_before(request):
            request.read()  # a redirect's request shares the body stream of the one it replaces
            self._auth.sign(request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        start = time.perf_counter()
        deadline = deadline_of(request)
        if deadline is not None:
            fit_timeouts(request, deadline)  # a retry gets what is left of the call's time, no more
        self._prepare(request)
        # A sync call cannot be cancelled: the pool's connections cut each read and write to the time left.
        with call_deadline(deadline, f"{request.method} {request.url.path}"):
            response = self._sync().handle_request(request)
            read_body(response, self._auth.max_body_size, deadline)
        hand_on(response, start)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        deadline = deadline_of(request)
        if deadline is None:
            return await self._send_async(request, None)
        fit_timeouts(request, deadline)
        # Async code can be cancelled: the deadline holds even for a server that drips its status line.
        seconds = max(deadline - time.monotonic(), 0)
        import asyncio  # loaded by the event loop already; not imported with the package

        try:
            on_asyncio: asyncio.Timeout | None = asyncio.timeout(seconds)
        except RuntimeError:  # another event loop (trio)
            on_asyncio = None
        try:
            if on_asyncio is not None:  # asyncio's own timeout: about half the CPU of anyio's cancel scope
                async with on_asyncio:
                    return await self._send_async(request, deadline)
            import anyio  # with httpx

            with anyio.fail_after(seconds):
                return await self._send_async(request, deadline)
        except TimeoutError as error:
            if isinstance(error, DeadlineExceededError):
                raise
            raise DeadlineExceededError(
                f"the call's deadline passed during {request.method} {request.url.path}"
            ) from None

    async def _send_async(self, request: httpx.Request, deadline: float | None) -> httpx.Response:
        start = time.perf_counter()
        if self._sent_before(request):
            await request.aread()
            self._auth.sign(request)
        # The async pool may read a plain answer whole within this size; it is read or refused here either way.
        request.extensions[MAX_BODY_SIZE_EXTENSION] = self._auth.max_body_size
        response = await self._async().handle_async_request(request)
        if not handed_on(response, self._auth.max_body_size):  # the aiohttp pool's whole read is handed on already
            await aread_body(response, self._auth.max_body_size, deadline)
            hand_on(response, start)
        return response

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    async def aclose(self) -> None:
        if self._async_transport is not None:
            await self._async_transport.aclose()


class SigningTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """What ``httpx_args`` puts under a client: retries (when a policy is set) of requests signed afresh, over
    pooled transports made from the client's settings.

    The generated ``Client`` calls ``with_client_settings`` with its ``verify_ssl`` and the ``cert``, ``limits``,
    ``proxy``, ``http2``… of its ``httpx_args``, so that they reach the connections; a plain httpx client gets the
    defaults (``DEFAULT_LIMITS``, system CAs) unless ``httpx_args`` was given them.
    """

    def __init__(
        self,
        auth: WeChatPayAuth,
        retry: Retry | None,
        *,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        settings: TransportSettings | None = None,
    ) -> None:
        self._auth, self._retry = auth, retry
        self._given = (transport, async_transport)
        inner = _FreshlySigned(auth, transport, async_transport, settings or TransportSettings())
        self._outer: httpx.BaseTransport | httpx.AsyncBaseTransport
        if retry is None:
            self._outer = inner
        else:
            # httpx-retries' loop, which also retries a request marked "wechatpay.idempotent" whatever its method.
            from .retry_policy import IdempotentAwareRetryTransport

            self._outer = IdempotentAwareRetryTransport(transport=inner, retry=retry)

    def with_client_settings(self, **settings: Any) -> SigningTransport:
        """A new transport like this one whose pools use these settings (``TRANSPORT_SETTINGS`` names them)."""
        transport, async_transport = self._given
        return SigningTransport(
            self._auth,
            self._retry,
            transport=transport,
            async_transport=async_transport,
            settings=TransportSettings(**settings),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self._outer, httpx.BaseTransport)  # noqa: S101 - both kinds are both
        return self._outer.handle_request(request)

    def handle_async_request(self, request: httpx.Request) -> Coroutine[Any, Any, httpx.Response]:
        # The layer below's coroutine, not one of this layer's own around it: one frame fewer on every call.
        assert isinstance(self._outer, httpx.AsyncBaseTransport)  # noqa: S101 - both kinds are both
        return self._outer.handle_async_request(request)

    def close(self) -> None:
        assert isinstance(self._outer, httpx.BaseTransport)  # noqa: S101
        self._outer.close()

    async def aclose(self) -> None:
        assert isinstance(self._outer, httpx.AsyncBaseTransport)  # noqa: S101
        await self._outer.aclose()


def _check(
    function: str,
    auth: WeChatPayAuth,
    transport: httpx.BaseTransport | None,
    async_transport: httpx.AsyncBaseTransport | None,
) -> None:
    """Without the auth, the transport would send unsigned requests and hand back unverified answers; a transport of
    the wrong kind would fail only at the first call."""
    if not isinstance(auth, WeChatPayAuth):
        raise ConfigurationError(f"{function} needs a WeChatPayAuth, not {type(auth).__name__}")
    if transport is not None and not isinstance(transport, httpx.BaseTransport):
        raise ConfigurationError(f"transport must be an httpx.BaseTransport, not {type(transport).__name__}")
    if async_transport is not None and not isinstance(async_transport, httpx.AsyncBaseTransport):
        kind = type(async_transport).__name__
        raise ConfigurationError(f"async_transport must be an httpx.AsyncBaseTransport, not {kind}")


def _is_retry(retry: object) -> bool:
    return callable(getattr(retry, "is_retryable_method", None))


def retrying_transport(
    auth: WeChatPayAuth,
    retry: Retry | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
) -> SigningTransport:
    """A transport for ``httpx.Client`` and ``httpx.AsyncClient`` that retries, signing each attempt afresh.

    ``retry`` is the policy, ``DEFAULT_RETRY`` unless given. A request whose extensions hold
    ``{"wechatpay.idempotent": True}`` (the generated client sets it for operations the spec marks
    ``x-wechatpay-idempotent``) is retried under that policy whatever its method; other POSTs and PATCHes are not.
    """
    _check("retrying_transport", auth, transport, async_transport)
    if retry is not None and not _is_retry(retry):
        raise ConfigurationError(f"retry must be an httpx_retries.Retry or None, not {retry!r}")
    return SigningTransport(auth, retry or default_retry(), transport=transport, async_transport=async_transport)


def httpx_args(
    auth: WeChatPayAuth,
    *,
    retry: Retry | Literal["default"] | None = "default",
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """Keyword arguments for an httpx client, or the generated ``Client(httpx_args=...)``: signing and retries.

    ``retry`` is ``DEFAULT_RETRY`` unless given; ``retry=None`` sends each request once. The connections are pooled
    by httpx for sync calls and by aiohttp for async ones, with the generated client's TLS, pool, proxy and HTTP/2
    settings. ``transport`` and ``async_transport`` replace those pools with transports of your own.
    """
    _check("httpx_args", auth, transport, async_transport)
    if retry is not None and retry != "default" and not _is_retry(retry):
        raise ConfigurationError(f"retry must be an httpx_retries.Retry, 'default' or None, not {retry!r}")
    policy = None if retry is None else default_retry() if retry == "default" else retry
    # One object serves both clients: the generated Client passes the same httpx_args to each.
    signing = SigningTransport(auth, policy, transport=transport, async_transport=async_transport)
    return {"auth": auth, "transport": signing}
