"""The retry policy's classes: httpx-retries' ``Retry``, reading a server's ``Retry-After`` defensively, and its
``RetryTransport``, retrying the requests marked idempotent whatever their method.

Imported when the first policy is made, not with the package: httpx-retries loads asyncio.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

import httpx
from httpx_retries import Retry, RetryTransport

MAX_RETRY_AFTER = 3600.0
"""Seconds: a longer ``Retry-After`` (or one in the year 99999999999) is no hint, and the usual backoff applies."""


class WeChatPayRetry(Retry):
    """``Retry`` where a silly ``Retry-After`` counts as absent instead of raising or waiting the longest wait."""

    def parse_retry_after(self, retry_after: str) -> float:
        # httpx-retries turns 400 digits into inf (then waits max_backoff_wait) and lets a far-future date's
        # OverflowError escape. ValueError is its "no usable hint": it falls back to the backoff.
        try:
            seconds = super().parse_retry_after(retry_after[:64])
        except OverflowError:
            raise ValueError("Retry-After date out of range") from None
        if len(retry_after) > 64 or not 0 <= seconds <= MAX_RETRY_AFTER:
            raise ValueError(f"Retry-After longer than {MAX_RETRY_AFTER:.0f} s")
        return seconds


IDEMPOTENT_EXTENSION = "wechatpay.idempotent"
"""The httpx request extension that marks a request safe to send twice, whatever its method.

The generated client sets it for the operations the OpenAPI document marks ``x-wechatpay-idempotent: true``; a
caller of the raw httpx client may set it too (``extensions={"wechatpay.idempotent": True}``).
"""


class IdempotentAwareRetryTransport(RetryTransport):
    """httpx-retries' ``RetryTransport``, which also retries a request marked idempotent under its policy.

    httpx-retries decides by method alone (``Retry.allowed_methods``, GET and HEAD by default) and lets a request
    bring its own policy in the ``"retry"`` extension. A request marked with ``IDEMPOTENT_EXTENSION`` gets the
    transport's policy with its method allowed; every other request, a POST or PATCH above all, is left to the
    policy as it is, so it is sent once.
    """

    def _allow_if_idempotent(self, request: httpx.Request) -> None:
        if request.extensions.get(IDEMPOTENT_EXTENSION) is not True or "retry" in request.extensions:
            return
        if not self.retry.is_retryable_method(request.method):
            methods = [*self.retry.allowed_methods, request.method.upper()]
            request.extensions["retry"] = self.retry.copy_with(allowed_methods=methods)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._allow_if_idempotent(request)
        return super().handle_request(request)

    def handle_async_request(self, request: httpx.Request) -> Coroutine[Any, Any, httpx.Response]:
        self._allow_if_idempotent(request)
        return super().handle_async_request(request)  # its coroutine: no frame of this layer's own per call
