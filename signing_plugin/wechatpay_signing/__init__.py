"""WeChat Pay APIv3 request signing and response verification for httpx, for any APIv3 endpoint."""

from ._version import __version__
from .auth import USER_AGENT, WeChatPayAuth
from .credentials import auth_from_env, auth_from_files
from .errors import ConfigurationError, SignatureVerificationError, WeChatPayError
from .keys import certificate_serial, load_private_key, load_public_key
from .signer import MerchantSigner, request_message
from .verifier import ResponseVerifier, response_message

__all__ = [
    "USER_AGENT",
    "ConfigurationError",
    "MerchantSigner",
    "ResponseVerifier",
    "SignatureVerificationError",
    "WeChatPayAuth",
    "WeChatPayError",
    "__version__",
    "auth_from_env",
    "auth_from_files",
    "certificate_serial",
    "load_private_key",
    "load_public_key",
    "request_message",
    "response_message",
]
