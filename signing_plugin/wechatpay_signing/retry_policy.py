"""The retry policy's class: httpx-retries' ``Retry``, reading a server's ``Retry-After`` defensively.

Imported when the first policy is made, not with the package: httpx-retries loads asyncio.
"""

from __future__ import annotations

from httpx_retries import Retry

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
