"""Errors raised by wechatpay_signing. Messages never carry a key, a signature or an Authorization value."""

from __future__ import annotations


class WeChatPayError(Exception):
    """Base class of every error this package raises."""


class ConfigurationError(WeChatPayError, ValueError):
    """Credentials or arguments that cannot work, found before any request is sent."""


class AnswerError(WeChatPayError):
    """An error about one answer of WeChat Pay: ``reason``, and its Request-ID and HTTP status where known."""

    summary = "WeChat Pay answer refused"  # what the message starts with

    def __init__(self, reason: str, *, request_id: str | None = None, status_code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.request_id = request_id
        self.status_code = status_code

    def context(self) -> list[str]:
        """The parts of the message in brackets."""
        parts = [f"Request-ID={self.request_id or '-'}"]
        if self.status_code is not None:
            parts.append(f"HTTP {self.status_code}")
        return parts

    def __str__(self) -> str:
        return f"{self.summary}: {self.reason} ({', '.join(self.context())})"


class SignatureVerificationError(AnswerError):
    """A response that must not reach the caller: unsigned, tampered, stale, or signed by an unknown key."""

    summary = "response signature rejected"

    def __init__(
        self,
        reason: str,
        *,
        serial: str | None = None,
        request_id: str | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(reason, request_id=request_id, status_code=status_code)
        self.serial = serial

    def context(self) -> list[str]:
        return [f"serial={self.serial or '-'}", *super().context()]


class ClockSkewError(SignatureVerificationError):
    """The local clock is more than the allowed skew (5 minutes) away from WeChat Pay's.

    Raised when a 2xx answer's Wechatpay-Timestamp is that far off, and when WeChat Pay refuses a request with 401
    while its Date header is that far off: requests are signed with the local time. ``skew`` is the server's time
    minus the local time, in seconds (positive: the local clock is behind).
    """

    def __init__(
        self,
        reason: str,
        *,
        skew: float,
        serial: str | None = None,
        request_id: str | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(reason, serial=serial, request_id=request_id, status_code=status_code)
        self.skew = skew

    summary = "local clock is off"

    def context(self) -> list[str]:
        return AnswerError.context(self)  # the serial says nothing about a clock
