"""WeChat Pay APIv3 request signing and response verification for httpx, for any APIv3 endpoint."""

from ._version import __version__
from .auth import USER_AGENT, WeChatPayAuth
from .certificates import (
    CertificateDecryptionError,
    CertificateError,
    PlatformCertificate,
    PlatformCertificateStore,
)
from .credentials import auth_from_env, auth_from_files
from .errors import ClockSkewError, ConfigurationError, SignatureVerificationError, WeChatPayError
from .keys import certificate_serial, load_private_key, load_public_key
from .retry import DEFAULT_RETRY, RETRY_STATUSES, httpx_args, retrying_transport
from .signer import MerchantSigner, request_message
from .verifier import ResponseVerifier, response_message

__all__ = [
    "DEFAULT_RETRY",
    "RETRY_STATUSES",
    "USER_AGENT",
    "CertificateDecryptionError",
    "CertificateError",
    "ClockSkewError",
    "ConfigurationError",
    "MerchantSigner",
    "PlatformCertificate",
    "PlatformCertificateStore",
    "ResponseVerifier",
    "SignatureVerificationError",
    "WeChatPayAuth",
    "WeChatPayError",
    "__version__",
    "auth_from_env",
    "auth_from_files",
    "certificate_serial",
    "httpx_args",
    "load_private_key",
    "load_public_key",
    "request_message",
    "response_message",
    "retrying_transport",
]
