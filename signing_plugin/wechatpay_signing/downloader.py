"""Downloading the platform certificates: ``GET /v3/certificates``, decrypted and checked before any is used.

The download lists the certificates that sign WeChat Pay's answers, each encrypted under the merchant's APIv3 key
(PROTOCOL §3). It must be signed by one of the certificates it contains, and only those valid now are kept.
"""

from __future__ import annotations

import binascii
import datetime
import functools
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .call_deadlines import call_deadline
from .cipher import decrypt_aes_256_gcm
from .errors import AnswerError, ClockSkewError, SignatureVerificationError
from .keys import certificate_serial, load_certificate, load_public_key
from .limits import DEFAULT_DEADLINE, DEFAULT_MAX_BODY_SIZE, read_body
from .logs import logger
from .protocol import AUTHORIZATION, CERTIFICATES_PATH, MAX_SKEW_SECONDS, REQUEST_ID
from .signer import MerchantSigner
from .text import shown
from .verifier import ResponseVerifier


class CertificateError(AnswerError):
    """The certificate download could not be used; ``reason`` says why. Certificates already held are kept."""

    summary = "platform certificates"


class CertificateDecryptionError(CertificateError):
    """An entry would not decrypt. ``cause`` is "apiv3_key" when none did, "tampered" when only some did."""

    def __init__(self, reason: str, *, cause: str, request_id: str | None = None) -> None:
        super().__init__(reason, request_id=request_id)
        self.cause = cause


@dataclass(frozen=True)
class PlatformCertificate:
    serial: str
    certificate: x509.Certificate

    @property
    def not_before(self) -> datetime.datetime:
        return self.certificate.not_valid_before_utc

    @property
    def not_after(self) -> datetime.datetime:
        return self.certificate.not_valid_after_utc

    def valid_at(self, when: float, tolerance: float = MAX_SKEW_SECONDS) -> bool:
        """Valid at ``when``, give or take ``tolerance`` seconds (5 minutes: the clocks of the two sides differ)."""
        return self.not_before.timestamp() - tolerance <= when <= self.not_after.timestamp() + tolerance

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @functools.cached_property
    def public_key(self) -> rsa.RSAPublicKey:
        """Taken from the certificate once, for checking the download and then every answer."""
        return load_public_key(self.certificate)


def decrypt_entries(entries: list[Any], apiv3_key: bytes, request_id: str | None) -> list[PlatformCertificate]:
    """Decrypt each ``encrypt_certificate``; name the APIv3 key when nothing decrypts, tampering when some did."""
    decrypted: list[PlatformCertificate] = []
    failed: list[str] = []
    for entry in entries:
        try:
            serial = str(entry["serial_no"])
            sealed = entry["encrypt_certificate"]
            plain = decrypt_aes_256_gcm(
                apiv3_key, sealed["nonce"], sealed["ciphertext"], sealed.get("associated_data") or ""
            )
        except InvalidTag:
            failed.append(serial)
            continue
        except (KeyError, TypeError, AttributeError, binascii.Error, ValueError) as error:
            reason = f"malformed entry in the download: {type(error).__name__}"
            raise CertificateError(reason, request_id=request_id) from None
        certificate = load_certificate(plain)
        if certificate_serial(certificate) != serial.upper():
            raise CertificateError(f"entry {serial} holds certificate {certificate_serial(certificate)}")
        decrypted.append(PlatformCertificate(serial.upper(), certificate))
    if failed and not decrypted:
        raise CertificateDecryptionError(
            f"no certificate decrypts with this APIv3 key (serials {', '.join(failed)}): the APIv3 key is wrong;"
            " set the one in the merchant platform, 账户中心 > API安全 > APIv3密钥",
            cause="apiv3_key",
            request_id=request_id,
        )
    if failed:
        raise CertificateDecryptionError(
            f"certificate {', '.join(failed)} does not decrypt while the others do: its ciphertext was tampered with",
            cause="tampered",
            request_id=request_id,
        )
    return decrypted


def fetch_certificates(
    client: httpx.Client,
    signer: MerchantSigner,
    apiv3_key: bytes,
    *,
    now: float | None = None,
    held: Mapping[str, rsa.RSAPublicKey] | None = None,
) -> list[PlatformCertificate] | None:
    """Download, decrypt and check the platform certificates; the valid ones, or None for a merchant with none.

    The download must be signed by one of the certificates it contains that is valid now; expired ones are left
    out. WeChat Pay answers merchants that only have the public key 404 RESOURCE_NOT_EXISTS: while certificates
    are ``held``, that answer is believed only when one of them signed it (an unsigned 404 would drop them).
    """
    headers = {AUTHORIZATION: signer.authorization("GET", CERTIFICATES_PATH, b""), "Accept": "application/json"}
    # The limits of every call: no download decodes past 4 MiB, or holds the refresh past the deadline (its status
    # line and headers too, through a ``with_deadline`` transport, the store's own).
    deadline = time.monotonic() + DEFAULT_DEADLINE
    with call_deadline(deadline, f"GET {CERTIFICATES_PATH}"):
        response = client.send(client.build_request("GET", CERTIFICATES_PATH, headers=headers), stream=True)
        try:
            read_body(response, DEFAULT_MAX_BODY_SIZE, deadline)
        finally:
            response.close()
    request_id = response.headers.get(REQUEST_ID)
    payload = _json(response, request_id)
    if response.status_code == 404 and payload.get("code") == "RESOURCE_NOT_EXISTS":
        if held:
            _verify_not_found(response, held, request_id)
        return None
    if not response.is_success:
        raise CertificateError(
            f"{shown(payload.get('code', 'no WeChat error body'), 64)}: {shown(payload.get('message', response.text))}",
            request_id=request_id,
            status_code=response.status_code,
        )
    try:
        return _valid_certificates(response, payload, apiv3_key, request_id, now)
    except AnswerError as error:  # CertificateError, or ClockSkewError for a stale download
        # Every error about this answer names it: its status and Request-ID.
        error.status_code = response.status_code if error.status_code is None else error.status_code
        error.request_id = error.request_id or request_id
        raise


def _verify_not_found(response: httpx.Response, held: Mapping[str, rsa.RSAPublicKey], request_id: str | None) -> None:
    try:
        ResponseVerifier(held).verify(response.headers, response.content)
    except (SignatureVerificationError, ClockSkewError) as error:
        raise CertificateError(
            f"the 404 RESOURCE_NOT_EXISTS answer is not signed by a certificate held ({error.reason}): the"
            " certificates held are kept",
            request_id=request_id,
            status_code=response.status_code,
        ) from None


def _valid_certificates(
    response: httpx.Response, payload: dict[str, Any], apiv3_key: bytes, request_id: str | None, now: float | None
) -> list[PlatformCertificate]:
    entries = payload.get("data")
    if not isinstance(entries, list):
        raise CertificateError("the download has no data list")
    certificates = decrypt_entries(entries, apiv3_key, request_id)
    when = time.time() if now is None else now
    valid = [c for c in certificates if c.valid_at(when)]
    for expired in sorted({c.serial for c in certificates} - {c.serial for c in valid}):
        logger.info("ignored platform certificate %s: not valid now", expired)
    if not valid:
        raise CertificateError(f"the download lists no certificate valid now ({len(certificates)} listed)")
    try:
        # Only a certificate valid now may vouch for the download: an expired key may have leaked since.
        ResponseVerifier({c.serial: c.public_key for c in valid}).verify(response.headers, response.content)
    except SignatureVerificationError as error:
        raise CertificateError(
            f"the download is not signed by a certificate it contains that is valid now: {error.reason}"
        ) from None
    return valid


def _json(response: httpx.Response, request_id: str | None) -> dict[str, Any]:
    try:
        payload = json.loads(response.content) if response.content else {}
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise CertificateError(
            "the answer is not a JSON object", request_id=request_id, status_code=response.status_code
        )
    return payload
