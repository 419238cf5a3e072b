"""httpcore's sync connection pool, handing out connections in one linear pass that polls one socket, not all.

httpcore 1.0 re-runs its assignment pass, under the pool's lock, when a request arrives and when an answer is
closed. Each pass counts the whole list for every idle connection (quadratic) and polls the socket of every idle
connection to see whether the server closed it: a sync client shared by 32 threads over 32 connections made
about 40 ``poll`` calls per call, each one letting the GIL go to another thread, and spent 1,400 µs of CPU per call
where this pass spends 1,000 (``make bench``; encode/httpcore#928, #929, #1035). Here:

- the connection handed out is checked as httpcore checks it (keep-alive expiry, and a poll for a server that
  closed it), right before it is handed out, so no request goes out on a connection httpcore would have refused;
- the other connections are swept once a second, not every pass: closed ones dropped, idle ones that expired or
  that the server closed closed, and idle ones past ``max_keepalive_connections`` closed (that limit counts idle
  connections, as documented; httpcore counts them all);
- a connection handed to a request that has not started on it yet is neither closed nor handed to another
  request (encode/httpcore#1110: httpcore may close it under that request, which then waits its whole timeout).
"""

from __future__ import annotations

import time

import httpcore
import httpx

SWEEP_SECONDS = 1.0
"""How often, at most, the idle connections not handed out are checked for expiry or a server's close."""


class OnePassPool(httpcore.ConnectionPool):
    """The assignment pass of this module, over httpcore's ``ConnectionPool`` (or its proxy pools)."""

    _next_sweep = 0.0

    def _assign_requests_to_connections(self) -> list[httpcore.ConnectionInterface]:
        # Called with the pool's lock held, when a request arrives or leaves and when an answer is closed; the
        # connections returned are closed by the caller, outside the lock.
        closing: list[httpcore.ConnectionInterface] = []
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_SECONDS
            self._sweep(self._taken(), closing)
        queued = [request for request in self._requests if request.connection is None]
        if not queued:
            return closing  # most passes: an answer closed with no one waiting, nothing to do until the sweep
        taken = self._taken()
        if len(self._connections) >= self._max_connections:  # closed ones still in the list take no room
            self._connections = [connection for connection in self._connections if not connection.is_closed()]
        for request in queued:
            origin = request.request.url.origin
            chosen = self._reusable(origin, taken, closing)
            if chosen is None and len(self._connections) >= self._max_connections:
                spare = next((c for c in self._connections if c.is_idle() and id(c) not in taken), None)
                if spare is None:
                    continue  # every connection is busy: the request waits for the next pass
                self._connections.remove(spare)  # an idle connection to another origin makes room
                closing.append(spare)
            if chosen is None:
                chosen = self.create_connection(origin)
                self._connections.append(chosen)
            request.assign_to_connection(chosen)
            taken.add(id(chosen))
        return closing

    def _taken(self) -> set[int]:
        """The connections handed to a request, started on it or not yet (encode/httpcore#1110: never close one)."""
        return {id(request.connection) for request in self._requests if request.connection is not None}

    def _sweep(self, taken: set[int], closing: list[httpcore.ConnectionInterface]) -> None:
        """Drop closed connections; close idle ones that expired or that the server closed, and the oldest idle
        ones past ``max_keepalive_connections``."""
        kept: list[httpcore.ConnectionInterface] = []
        idle: list[httpcore.ConnectionInterface] = []
        for connection in self._connections:
            if connection.is_closed():
                continue
            if connection.is_idle() and id(connection) not in taken:
                if connection.has_expired():
                    closing.append(connection)
                    continue
                idle.append(connection)
            kept.append(connection)
        surplus = idle[: max(len(idle) - self._max_keepalive_connections, 0)]
        closing.extend(surplus)
        self._connections = [connection for connection in kept if connection not in surplus]

    def _reusable(
        self, origin: httpcore.Origin, taken: set[int], closing: list[httpcore.ConnectionInterface]
    ) -> httpcore.ConnectionInterface | None:
        """The first connection that can take a request to ``origin`` now, checked as httpcore checks it."""
        expired: list[httpcore.ConnectionInterface] = []
        chosen = None
        for connection in self._connections:
            # is_available first: most connections are busy, and it is cheaper than comparing origins.
            if not (connection.is_available() and connection.can_handle_request(origin)):
                continue
            if connection.is_idle():
                if id(connection) in taken and not self._http2:
                    continue  # HTTP/1.1: already handed to a request that has not started on it
                if connection.has_expired():  # past its keep-alive, or closed by the server (a poll)
                    expired.append(connection)
                    continue
            chosen = connection
            break
        for connection in expired:
            self._connections.remove(connection)
            closing.append(connection)
        return chosen


_ONE_PASS: dict[type[httpcore.ConnectionPool], type[httpcore.ConnectionPool]] = {}


def _one_pass(pool_class: type[httpcore.ConnectionPool]) -> type[httpcore.ConnectionPool]:
    if issubclass(pool_class, OnePassPool):
        return pool_class
    subclass = _ONE_PASS.get(pool_class)
    if subclass is None:  # one subclass per pool class (two threads racing here each make one; either serves)
        subclass = _ONE_PASS.setdefault(pool_class, type(pool_class.__name__, (OnePassPool, pool_class), {}))
    return subclass


def with_one_pass_pool(transport: httpx.HTTPTransport) -> httpx.HTTPTransport:
    """``transport``, its pool (a ``ConnectionPool``, or an ``HTTPProxy``/``SOCKSProxy``) assigning in one pass.

    httpx takes no pool class, so the class of the pool httpx made from the transport's settings is swapped for a
    subclass of it; every other setting and behaviour stays httpcore's.
    """
    pool = transport._pool
    if isinstance(pool, httpcore.ConnectionPool) and _overridable(pool):
        pool.__class__ = _one_pass(type(pool))
    return transport  # another httpcore: its own pass, slower but correct


def _overridable(pool: httpcore.ConnectionPool) -> bool:
    """Whether ``pool`` is httpcore 1.0's, whose private assignment pass and attributes this module was written for
    (a later httpcore may change them: it then keeps its own pass)."""
    if not httpcore.__version__.startswith("1.0."):
        return False
    return all(hasattr(pool, name) for name in _POOL_ATTRIBUTES)


_POOL_ATTRIBUTES = (
    "_assign_requests_to_connections",
    "_requests",
    "_connections",
    "_max_connections",
    "_max_keepalive_connections",
    "_http2",
)
