"""The deadline of the call in progress, set by whoever sends it, read by the network streams under it.

Kept apart from ``deadline_backend`` so that setting a deadline does not import httpcore: httpx itself loads it
only when the first transport is made.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# (deadline as time.monotonic(), what the call is, for the error); a context variable, so each thread has its own.
_CALL: ContextVar[tuple[float, str] | None] = ContextVar("wechatpay_signing.call_deadline", default=None)


@contextmanager
def call_deadline(deadline: float | None, what: str) -> Iterator[None]:
    """Within this block, network operations of a ``with_deadline`` transport end by ``deadline``."""
    token = _CALL.set(None if deadline is None else (deadline, what))
    try:
        yield
    finally:
        _CALL.reset(token)


def current_call() -> tuple[float, str] | None:
    """(deadline, what the call is) of the call in progress in this thread or task, or None."""
    return _CALL.get()
