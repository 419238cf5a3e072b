"""WeChat Pay APIv3 request signing and response verification for httpx, for any APIv3 endpoint."""

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .auth import USER_AGENT, WeChatPayAuth
from .base_url import check_base_url
from .credentials import auth_from_env, auth_from_files
from .env_file import read_env_file
from .errors import (
    AnswerError,
    ClockSkewError,
    ConfigurationError,
    NotificationDecryptionError,
    SensitiveFieldError,
    SignatureVerificationError,
    WeChatPayError,
)
from .keys import certificate_serial, load_private_key, load_public_key
from .notifications import Notification, parse_notification
from .retry import RETRY_STATUSES, default_retry, httpx_args, retrying_transport
from .signer import MerchantSigner, request_message
from .transports import aiohttp_transport
from .verifier import ResponseVerifier, response_message

if TYPE_CHECKING:
    from httpx_retries import Retry

    from .certificates import (
        CertificateDecryptionError,
        CertificateError,
        PlatformCertificate,
        PlatformCertificateStore,
    )

    DEFAULT_RETRY: Retry

_CERTIFICATE_NAMES = {
    "CertificateDecryptionError",
    "CertificateError",
    "PlatformCertificate",
    "PlatformCertificateStore",
}


def __getattr__(name: str) -> Any:
    # Certificate mode's names load on first use, so that importing this package stays cheap (PEP 562).
    if name in _CERTIFICATE_NAMES:
        from . import certificates

        return getattr(certificates, name)
    if name == "DEFAULT_RETRY":
        return default_retry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_RETRY",
    "RETRY_STATUSES",
    "USER_AGENT",
    "AnswerError",
    "CertificateDecryptionError",
    "CertificateError",
    "ClockSkewError",
    "ConfigurationError",
    "MerchantSigner",
    "Notification",
    "NotificationDecryptionError",
    "PlatformCertificate",
    "PlatformCertificateStore",
    "ResponseVerifier",
    "SensitiveFieldError",
    "SignatureVerificationError",
    "WeChatPayAuth",
    "WeChatPayError",
    "__version__",
    "aiohttp_transport",
    "auth_from_env",
    "auth_from_files",
    "certificate_serial",
    "check_base_url",
    "default_retry",
    "httpx_args",
    "load_private_key",
    "load_public_key",
    "parse_notification",
    "read_env_file",
    "request_message",
    "response_message",
    "retrying_transport",
]
