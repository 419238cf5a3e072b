"""Errors raised by wechatpay_signing and by the generated client. Messages never carry a key or a signature.

Everything raised on purpose derives from ``WeChatPayError``, so one ``except WeChatPayError`` catches it all.
Network failures stay httpx's own (``httpx.HTTPError``: timeouts, refused or dropped connections)::

    WeChatPayError
    ├── ConfigurationError (also a ValueError)     credentials or arguments that cannot work; nothing was sent
    │   ├── errors.InvalidRequestError *           a call's argument that cannot be sent ("", "..", a lone surrogate)
    │   └── CertificateCacheError                  a certificate cache folder that is not safe, or a failed write
    ├── SensitiveFieldError (also a ValueError)    a field to encrypt that is not text or too long, or a ciphertext
    │                                              that does not open; never shows either
    ├── DeadlineExceededError (also a TimeoutError) the call outlasted its deadline, over attempts and reads
    └── AnswerError                                about one answer: reason, status_code, request_id
        ├── SignatureVerificationError             unsigned, tampered, probe or unknown-key answer: never handed over
        ├── ClockSkewError                         the local clock is more than 5 minutes off WeChat Pay's
        ├── CertificateError                       the platform certificate download cannot be used
        │   └── CertificateDecryptionError         an entry would not decrypt (wrong APIv3 key, or altered)
        ├── NotificationDecryptionError            a signed notification whose resource does not open
        ├── ResponseTooLargeError                  an answer that decodes to more than max_body_size: not read on
        ├── errors.ApiError *                      WeChat Pay answered 4xx/5xx: code, message, detail
        ├── errors.MalformedResponse *             a verified 2xx body the OpenAPI document does not describe
        └── errors.UnexpectedStatus *              a status the OpenAPI document does not list (a 302, say)

    * in the generated package: ``wechatpay_offlineface.errors``

``ClockSkewError`` is not a ``SignatureVerificationError``: a clock that is off is the local machine's problem, not
a forged answer (the answer is refused all the same). A notification (callback) that is forged, unsigned, stale or
signed by an unknown key raises ``SignatureVerificationError``: for a callback a stale timestamp means a replay.
The ``wechatpay`` command exits with one code per class (``wechatpay_signing.cli.exit_code``).
"""

from __future__ import annotations

from collections.abc import Mapping

from .text import escape_controls, shown


class WeChatPayError(Exception):
    """Base class of every error this package and the generated client raise on purpose."""


class ConfigurationError(WeChatPayError, ValueError):
    """Credentials or arguments that cannot work, found before any request is sent."""


def wrong_type(function: str, arguments: Mapping[str, tuple[object, type]]) -> ConfigurationError | None:
    """The error for a call of ``function`` that failed: it names the first of ``arguments`` (name: (value, expected
    type)) that is not of its type; None when each is. Made only after the call failed, so it costs nothing else."""
    for name, (value, expected) in arguments.items():
        if not isinstance(value, expected):
            return ConfigurationError(f"{function}: {name} must be {expected.__name__}, not {type(value).__name__}")
    return None


class SensitiveFieldError(WeChatPayError, ValueError):
    """A sensitive field that cannot be encrypted or opened: not text, too long for the key, not base64, or made
    for another key. The message says which; it never carries the plaintext or the ciphertext."""


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
        parts = [f"Request-ID={shown(self.request_id or '-', 64)}"]
        if self.status_code is not None:
            parts.append(f"HTTP {self.status_code}")
        return parts

    def __str__(self) -> str:
        # Reasons quote server text (capped where quoted); no newline or terminal escape gets into a log line.
        return escape_controls(f"{self.summary}: {self.reason} ({', '.join(self.context())})")


class SignatureVerificationError(AnswerError):
    """A response that must not reach the caller: unsigned, tampered, or signed by an unknown key."""

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
        return [f"serial={shown(self.serial or '-', 64)}", *super().context()]


class ClockSkewError(AnswerError):
    """The local clock is more than the allowed skew (5 minutes) away from WeChat Pay's.

    Raised when a 2xx answer's Wechatpay-Timestamp is that far off (the answer is not handed over), and when WeChat
    Pay refuses a request with 401 while its Date header is that far off: requests are signed with the local time.
    ``skew`` is the server's time minus the local time, in seconds (positive: the local clock is behind).
    """

    summary = "local clock is off"

    def __init__(
        self,
        reason: str,
        *,
        skew: float,
        request_id: str | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(reason, request_id=request_id, status_code=status_code)
        self.skew = skew


class NotificationDecryptionError(AnswerError):
    """A notification whose signature holds but whose resource does not open or read.

    ``cause`` is "decrypt" (wrong APIv3 key, or ciphertext, nonce or associated data changed), "algorithm" (not
    AEAD_AES_256_GCM) or "malformed" (not a WeChat Pay notification envelope, or a resource that is not JSON).
    The message never holds the APIv3 key or the decrypted resource.
    """

    summary = "notification refused"

    def __init__(self, reason: str, *, cause: str, request_id: str | None = None) -> None:
        super().__init__(reason, request_id=request_id)
        self.cause = cause
