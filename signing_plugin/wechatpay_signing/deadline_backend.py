"""The call's deadline inside httpx's sync pool: no connect, TLS handshake, read or write waits past it.

httpcore's timeouts are per operation, and a sync call cannot be cancelled from outside: a server that drips its
status line or headers a byte at a time would hold the call until each read's timeout. ``with_deadline`` puts a
network backend under an ``httpx.HTTPTransport`` whose streams cut each operation's timeout to the time left of the
call in progress (``call_deadline``, set around the request by whoever sends it) and raise
``DeadlineExceededError`` when that time runs out. Outside ``call_deadline`` they behave as httpcore's own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import httpcore
import httpx

from .call_deadlines import current_call
from .limits import DeadlineExceededError

_T = TypeVar("_T")


def _within_deadline(operation: Callable[[float | None], _T], timeout: float | None) -> _T:
    call = current_call()
    if call is None:
        return operation(timeout)
    deadline, what = call
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise DeadlineExceededError(f"the call's deadline passed during {what}")
    if timeout is not None and timeout <= remaining:
        return operation(timeout)  # the operation's own timeout comes first: it stays an httpx timeout
    try:
        return operation(remaining)
    except httpcore.TimeoutException:
        raise DeadlineExceededError(f"the call's deadline passed during {what}") from None


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _within_deadline(lambda left: self._stream.read(max_bytes, left), timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _within_deadline(lambda left: self._stream.write(buffer, left), timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> _Stream:
        return _Stream(
            _within_deadline(lambda left: self._stream.start_tls(ssl_context, server_hostname, left), timeout)
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(
            _within_deadline(
                lambda left: self._backend.connect_tcp(host, port, left, local_address, socket_options), timeout
            )
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(
            _within_deadline(lambda left: self._backend.connect_unix_socket(path, left, socket_options), timeout)
        )

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def with_deadline(transport: httpx.HTTPTransport) -> httpx.HTTPTransport:
    """``transport``, its connections made through the deadline backend (proxies and TLS settings unchanged).

    httpx takes no network backend, so it is set on the pool httpx made from the transport's settings (a
    ``ConnectionPool``, or the ``HTTPProxy``/``SOCKSProxy`` that derive from it).
    """
    pool = transport._pool
    if not isinstance(pool, httpcore.ConnectionPool) or not hasattr(pool, "_network_backend"):
        raise TypeError(f"cannot put the deadline under httpx's pool {type(pool).__name__}")
    pool._network_backend = _Backend(pool._network_backend)
    return transport
