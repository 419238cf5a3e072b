"""The package's logger, and a filter that keeps signatures out of httpcore's DEBUG trace.

httpcore logs every response's header list at DEBUG, Wechatpay-Signature included. The filter replaces that value
with "[secure]", as httpx's own reprs do for Authorization. Request headers are never in that trace.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger("wechatpay_signing")
logger.addHandler(logging.NullHandler())  # a library stays quiet until the application configures logging

_SIGNATURE_HEADER = re.compile(r"\(b'(wechatpay-signature|authorization)', b'[^']*'\)", re.IGNORECASE)
_TRACE_LOGGERS = ("httpcore.http11", "httpcore.http2", "httpcore.proxy")


class RedactSignatures(logging.Filter):
    """Rewrites a trace line so that no signature or Authorization value is kept in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Called only for records at an enabled level, so it costs nothing unless DEBUG is on.
        if isinstance(record.msg, str):
            record.msg = _SIGNATURE_HEADER.sub(r"(b'\1', b'[secure]')", record.msg)
        return True


def redact_httpcore_traces() -> None:
    """Attach the filter to httpcore's trace loggers (idempotent)."""
    for name in _TRACE_LOGGERS:
        trace_logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactSignatures) for existing in trace_logger.filters):
            trace_logger.addFilter(RedactSignatures())
