"""The package's logger, and filters that keep signatures and Authorization out of the HTTP libraries' DEBUG logs.

Every logger that can see headers is filtered, for HTTP/1.1 and HTTP/2, httpx's transports and aiohttp's:
- httpcore's traces (``httpcore.http11``, ``httpcore.http2``, ``httpcore.connection``, ``httpcore.proxy``,
  ``httpcore.socks``) log each answer's header list: Wechatpay-Signature and Authorization values become
  "[secure]", as httpx's own reprs do.
- hpack (``hpack.hpack``, ``hpack.table``) logs every HTTP/2 header block, encoded and decoded, which holds the
  Authorization header: its records are dropped. h2 logs through its own configuration object only, which httpcore
  leaves silent.
- aiohttp (``aiohttp.client``, ``aiohttp.internal``): filtered like httpcore's traces.
"""

from __future__ import annotations

import logging
import re

from .protocol import AUTHORIZATION, WECHATPAY_SIGNATURE

logger = logging.getLogger("wechatpay_signing")
logger.addHandler(logging.NullHandler())  # a library stays quiet until the application configures logging

_SECRET_HEADERS = "|".join(re.escape(name) for name in (WECHATPAY_SIGNATURE, AUTHORIZATION))
_SIGNATURE_HEADER = re.compile(rf"\(b'({_SECRET_HEADERS})', b'[^']*'\)", re.IGNORECASE)
_TRACE_LOGGERS = (
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.connection",
    "httpcore.proxy",
    "httpcore.socks",
    "aiohttp.client",
    "aiohttp.internal",
)
_HEADER_BLOCK_LOGGERS = ("hpack.hpack", "hpack.table")


class RedactSignatures(logging.Filter):
    """Rewrites a trace line so that no signature or Authorization value is kept in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Called only for records at an enabled level, so it costs nothing unless DEBUG is on.
        if isinstance(record.msg, str):
            record.msg = _SIGNATURE_HEADER.sub(r"(b'\1', b'[secure]')", record.msg)
        if record.args:  # a header list passed as an argument: format it here, then redact the text
            record.msg = _SIGNATURE_HEADER.sub(r"(b'\1', b'[secure]')", record.getMessage())
            record.args = None
        return True


class DropHeaderBlocks(logging.Filter):
    """Drops hpack's records: each one is about a header block, whose bytes decode to the Authorization header."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


def redact_httpcore_traces() -> None:
    """Attach the filters to every logger that can see headers (idempotent)."""
    for names, kind in ((_TRACE_LOGGERS, RedactSignatures), (_HEADER_BLOCK_LOGGERS, DropHeaderBlocks)):
        for name in names:
            header_logger = logging.getLogger(name)
            if not any(isinstance(existing, kind) for existing in header_logger.filters):
                header_logger.addFilter(kind())
