"""Loading RSA keys and certificates from PEM text or objects, with errors that say what was passed instead."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from cryptography.hazmat.primitives.asymmetric import rsa

from .errors import ConfigurationError
from .tracebacks import without_locals

# cryptography.x509 is imported only where a certificate is handled (public-key mode never pays for it), and PEM
# parsing where a key is loaded, at start-up: importing this package stays cheap.
if TYPE_CHECKING:
    from cryptography import x509

PrivateKeyInput: TypeAlias = "str | bytes | rsa.RSAPrivateKey"
PublicKeyInput: TypeAlias = "str | bytes | rsa.RSAPublicKey | x509.Certificate"


def _pem_bytes(pem: str | bytes) -> bytes:
    return pem.encode("ascii", errors="replace") if isinstance(pem, str) else pem


@without_locals  # the PEM text must not stay in the frames of an error
def load_private_key(key: PrivateKeyInput) -> rsa.RSAPrivateKey:
    """The merchant's RSA private key (apiclient_key.pem), parsed once: parsing costs about 29 ms."""
    if isinstance(key, rsa.RSAPrivateKey):
        return key
    if not isinstance(key, str | bytes):
        raise ConfigurationError(f"private_key must be PEM text or an RSA private key, not {type(key).__name__}")
    pem = _pem_bytes(key)
    if b"-----BEGIN CERTIFICATE-----" in pem:
        raise ConfigurationError(
            "private_key is a certificate (apiclient_cert.pem); pass the private key file apiclient_key.pem"
        )
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        loaded = load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise ConfigurationError("private_key is not an unencrypted PEM private key (apiclient_key.pem)") from None
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ConfigurationError(f"private_key must be an RSA key, not {type(loaded).__name__}")
    return loaded


def load_certificate(pem: str | bytes) -> x509.Certificate:
    """A PEM X.509 certificate."""
    from cryptography import x509

    if not isinstance(pem, str | bytes):
        raise ConfigurationError(f"a certificate must be PEM text (str or bytes), not {type(pem).__name__}")
    try:
        return x509.load_pem_x509_certificate(_pem_bytes(pem))
    except ValueError:
        raise ConfigurationError("not a PEM X.509 certificate") from None


def certificate_serial(certificate: x509.Certificate) -> str:
    """The serial as WeChat Pay writes it: upper-case hex without separators."""
    try:
        return format(certificate.serial_number, "X")
    except (AttributeError, TypeError, ValueError):
        kind = type(certificate).__name__
        raise ConfigurationError(
            f"certificate_serial takes an X.509 certificate (load_certificate), not {kind}"
        ) from None


def certificate_of(key: PublicKeyInput) -> x509.Certificate | None:
    """The certificate a public-key input is, or None where it is a bare public key."""
    if isinstance(key, rsa.RSAPublicKey):
        return None
    if isinstance(key, str | bytes):
        return load_certificate(key) if b"-----BEGIN CERTIFICATE-----" in _pem_bytes(key) else None
    from cryptography import x509

    return key if isinstance(key, x509.Certificate) else None


def load_public_key(key: PublicKeyInput) -> rsa.RSAPublicKey:
    """A WeChat Pay public key (pub_key.pem) or the key inside a platform certificate."""
    certificate = None if isinstance(key, str | bytes) else certificate_of(key)
    loaded: object
    if certificate is not None:
        loaded = certificate.public_key()
    elif isinstance(key, rsa.RSAPublicKey):
        loaded = key
    elif isinstance(key, str | bytes):
        pem = _pem_bytes(key)
        if b"-----BEGIN CERTIFICATE-----" in pem:
            loaded = load_certificate(pem).public_key()
        elif b"PRIVATE KEY-----" in pem:
            raise ConfigurationError("a private key was given where a WeChat Pay public key or certificate belongs")
        else:
            from cryptography.hazmat.primitives.serialization import load_pem_public_key

            try:
                loaded = load_pem_public_key(pem)
            except (ValueError, TypeError):
                raise ConfigurationError("not a PEM public key or certificate") from None
    else:
        raise ConfigurationError(f"a public key must be PEM text, a key or a certificate, not {type(key).__name__}")
    if not isinstance(loaded, rsa.RSAPublicKey):
        raise ConfigurationError(f"WeChat Pay keys are RSA, not {type(loaded).__name__}")
    return loaded


def read_pem(path: str | Path, what: str) -> bytes:
    """A PEM file's bytes, with an error naming the file's role rather than a bare OSError."""
    if not isinstance(path, str | os.PathLike):
        raise ConfigurationError(f"the {what} file must be given as a path, not {type(path).__name__}")
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ConfigurationError(f"cannot read the {what} file {str(path)!r}: {error.strerror}") from None


def read_text(path: str | Path, what: str) -> str:
    """A small text file (the APIv3 key), with the same error as read_pem; the content is never in a message."""
    content = read_pem(path, what)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Raised outside the except block: a UnicodeDecodeError as its context would carry the content.
    del content
    raise ConfigurationError(f"the {what} file {str(path)!r} is not UTF-8 text")
