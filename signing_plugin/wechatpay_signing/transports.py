"""The faster async transport, from the optional extra: ``pip install "wechatpay-offlineface[aiohttp]"``.

httpx's own async pool slows down with many requests in flight (encode/httpx#3215); httpx-aiohttp keeps httpx's
API, and so the generated client and this package's auth, over aiohttp's connection pool.
"""

from __future__ import annotations

from typing import Any

import httpx

from .errors import ConfigurationError


def aiohttp_transport(**kwargs: Any) -> httpx.AsyncBaseTransport:
    """An ``httpx_aiohttp.AiohttpTransport`` (kwargs go to it), for ``httpx_args(auth, async_transport=...)``."""
    try:
        from httpx_aiohttp import AiohttpTransport
    except ImportError:
        raise ConfigurationError(
            'the aiohttp transport needs the extra: pip install "wechatpay-offlineface[aiohttp]"'
        ) from None
    transport: httpx.AsyncBaseTransport = AiohttpTransport(**kwargs)
    return transport
