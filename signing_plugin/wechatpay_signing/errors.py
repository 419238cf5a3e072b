"""Errors raised by wechatpay_signing. Messages never carry a key, a signature or an Authorization value."""

from __future__ import annotations


class WeChatPayError(Exception):
    """Base class of every error this package raises."""


class ConfigurationError(WeChatPayError, ValueError):
    """Credentials or arguments that cannot work, found before any request is sent."""


class SignatureVerificationError(WeChatPayError):
    """A response that must not reach the caller: unsigned, tampered, stale, or signed by an unknown key."""

    def __init__(
        self,
        reason: str,
        *,
        serial: str | None = None,
        request_id: str | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.serial = serial
        self.request_id = request_id
        self.status_code = status_code

    def __str__(self) -> str:
        context = f"serial={self.serial or '-'}, Request-ID={self.request_id or '-'}"
        if self.status_code is not None:
            context += f", HTTP {self.status_code}"
        return f"response signature rejected: {self.reason} ({context})"
