"""Retries for idempotent calls: httpx-retries' loop, with every attempt signed afresh.

A retry at the transport level would resend the first attempt's Authorization, nonce and timestamp included.
``_FreshlySigned`` sits under httpx-retries' ``RetryTransport`` and signs a request again each time it is sent
after the first, so no two attempts share a nonce. The auth flow then verifies whichever answer comes last.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Literal

import httpx

from .auth import WeChatPayAuth

# httpx-retries (and the asyncio it imports) loads when the first client is built, not with this package.
if TYPE_CHECKING:
    from httpx_retries import Retry, RetryTransport

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


_SENT = "wechatpay_signing.sent"


class _FreshlySigned(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Sends through the wrapped transports, signing again every request that was sent before.

    It reads each body before returning (the auth flow needs it anyway), so a connection that drops in the middle
    of a body fails here, where the retry loop sees it, rather than later in httpx.
    """

    def __init__(
        self,
        auth: WeChatPayAuth,
        transport: httpx.BaseTransport | None,
        async_transport: httpx.AsyncBaseTransport | None,
    ) -> None:
        self._auth = auth
        # httpx's own transports where none is given.
        self._transport = transport or httpx.HTTPTransport()
        self._async_transport = async_transport or httpx.AsyncHTTPTransport()

    def _prepare(self, request: httpx.Request) -> None:
        if request.extensions.get(_SENT):
            self._auth.sign(request)
        request.extensions[_SENT] = True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._prepare(request)
        response = self._transport.handle_request(request)
        response.read()
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._prepare(request)
        response = await self._async_transport.handle_async_request(request)
        await response.aread()
        return response

    def close(self) -> None:
        self._transport.close()

    async def aclose(self) -> None:
        await self._async_transport.aclose()


def retrying_transport(
    auth: WeChatPayAuth,
    retry: Retry | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
) -> RetryTransport:
    """A transport for ``httpx.Client`` and ``httpx.AsyncClient`` that retries, signing each attempt afresh.

    ``retry`` is the policy, ``DEFAULT_RETRY`` unless given.
    """
    from httpx_retries import RetryTransport

    inner = _FreshlySigned(auth, transport, async_transport)
    return RetryTransport(transport=inner, retry=retry or default_retry())


def httpx_args(
    auth: WeChatPayAuth,
    *,
    retry: Retry | Literal["default"] | None = "default",
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """Keyword arguments for an httpx client, or the generated ``Client(httpx_args=...)``: signing and retries.

    ``retry`` is ``DEFAULT_RETRY`` unless given; ``retry=None`` sends each request once. ``transport`` and
    ``async_transport`` replace httpx's defaults (for pool limits, a proxy, or a faster async transport).
    """
    if retry is None:
        args: dict[str, Any] = {"auth": auth}
        # One object serves both clients: the generated Client passes the same httpx_args to each.
        if transport is not None or async_transport is not None:
            args["transport"] = _FreshlySigned(auth, transport, async_transport)
        return args
    policy = default_retry() if retry == "default" else retry
    transport_ = retrying_transport(auth, policy, transport=transport, async_transport=async_transport)
    return {"auth": auth, "transport": transport_}
