"""WeChat Pay APIv3 request signing and response verification for httpx, for any APIv3 endpoint.

The public surface is ``__all__`` below (tests/test_exported_members.py pins it): every other module and name in
this package is internal and may change. ``protocol`` holds WeChat Pay's header names, limits, hosts and the
environment variables read.
"""

import typing

from . import protocol
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
from .keys import certificate_serial, load_certificate, load_private_key, load_public_key
from .limits import DEFAULT_DEADLINE, DEFAULT_MAX_BODY_SIZE, DeadlineExceededError, ResponseTooLargeError
from .notifications import Notification, parse_notification
from .retry import RETRY_STATUSES, default_retry, httpx_args, retrying_transport
from .signer import MerchantSigner, request_message
from .transports import aiohttp_transport
from .verifier import CertificateGetter, ResponseVerifier, response_message

if typing.TYPE_CHECKING:
    from httpx_retries import Retry

    from .cache import CertificateCacheError
    from .downloader import CertificateDecryptionError, CertificateError, PlatformCertificate
    from .store import PlatformCertificateStore

    DEFAULT_RETRY: Retry

# Certificate mode's names, by the module that holds each: they load on first use, so that importing this package
# stays cheap for merchants in public-key mode (PEP 562).
_LAZY = {
    "CertificateCacheError": "cache",
    "CertificateDecryptionError": "downloader",
    "CertificateError": "downloader",
    "PlatformCertificate": "downloader",
    "PlatformCertificateStore": "store",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is not None:
        import importlib

        return getattr(importlib.import_module(f".{module}", __name__), name)
    if name == "DEFAULT_RETRY":
        return default_retry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_RETRY",
    "RETRY_STATUSES",
    "USER_AGENT",
    "AnswerError",
    "CertificateCacheError",
    "CertificateDecryptionError",
    "CertificateError",
    "CertificateGetter",
    "ClockSkewError",
    "ConfigurationError",
    "DeadlineExceededError",
    "MerchantSigner",
    "Notification",
    "NotificationDecryptionError",
    "PlatformCertificate",
    "PlatformCertificateStore",
    "ResponseTooLargeError",
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
    "load_certificate",
    "load_private_key",
    "load_public_key",
    "parse_notification",
    "protocol",
    "read_env_file",
    "request_message",
    "response_message",
    "retrying_transport",
]
