"""An httpx.Auth's flows, for clients of httpx2: what ``WeChatPayAuth.for_httpx2()`` returns.

httpx2 accepts only an ``httpx2.Auth`` and hands it httpx2's own Request and Response, which have the same shape as
httpx's. ``WeChatPayAuth``'s flows use only what the two share (method, url.raw_path, headers, content, extensions,
read/aread, iter_bytes/aiter_bytes, the stream classes through ``limits.library_of``), so this adapter runs the very
same flows; tests/test_httpx2.py runs them on both libraries. Only this module imports httpx2, on first use.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import cast

import httpx
import httpx2

_Flow = Generator[httpx2.Request, httpx2.Response, None]
_AsyncFlow = AsyncGenerator[httpx2.Request, httpx2.Response]


class Httpx2Auth(httpx2.Auth):
    """``auth`` (an ``httpx.Auth`` such as ``WeChatPayAuth``) for an ``httpx2.Client`` or ``httpx2.AsyncClient``.

    It holds no state of its own: keys, limits and the certificate store are ``auth``'s, shared with its httpx
    clients.
    """

    def __init__(self, auth: httpx.Auth) -> None:
        self.auth = auth
        # The wrapped flows read both bodies themselves (within max_body_size and the deadline) when they say so.
        self.requires_request_body = auth.requires_request_body
        self.requires_response_body = auth.requires_response_body

    def __repr__(self) -> str:
        return f"Httpx2Auth({self.auth!r})"

    # Each returns the wrapped generator itself: httpx2 drives it as httpx would, with its own requests and answers.
    def auth_flow(self, request: httpx2.Request) -> _Flow:
        return cast(_Flow, self.auth.auth_flow(cast(httpx.Request, request)))

    def sync_auth_flow(self, request: httpx2.Request) -> _Flow:
        return cast(_Flow, self.auth.sync_auth_flow(cast(httpx.Request, request)))

    def async_auth_flow(self, request: httpx2.Request) -> _AsyncFlow:
        return cast(_AsyncFlow, self.auth.async_auth_flow(cast(httpx.Request, request)))
