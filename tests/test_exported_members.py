"""The public surface of wechatpay_signing is deliberate: exactly this list, each name importable, nothing else."""

from __future__ import annotations

import subprocess
import sys
import types

import wechatpay_signing

# Sorted as ruff sorts __all__ (constants, classes, then functions); a change here is a change of the public API.
EXPORTED = [
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


def test_all_is_exactly_the_pinned_list() -> None:
    assert wechatpay_signing.__all__ == EXPORTED


def test_every_exported_name_is_there() -> None:
    for name in EXPORTED:
        assert getattr(wechatpay_signing, name) is not None, name


def test_nothing_else_is_public_at_the_top() -> None:
    # Submodules are attributes once imported, and internal unless listed (protocol is).
    public = {
        name
        for name, value in vars(wechatpay_signing).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public - set(EXPORTED) == set()


def test_certificate_mode_is_not_loaded_by_importing_the_package() -> None:
    """Its modules (and X.509) load on first use of one of its names: public-key mode never pays for them."""
    probe = (
        "import sys, wechatpay_signing as w; before = set(sys.modules); w.PlatformCertificateStore;"
        " print(' '.join(sorted(set(sys.modules) - before)))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    expected = {f"wechatpay_signing.{name}" for name in ("cache", "downloader", "store")}
    assert expected <= set(loaded)
    assert "cryptography.x509" in loaded
