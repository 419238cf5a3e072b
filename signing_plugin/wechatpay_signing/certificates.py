"""WeChat Pay platform certificates: download, decrypt, check, keep by serial, refresh, cache on disk.

``GET /v3/certificates`` lists the certificates that sign WeChat Pay's answers, each encrypted with AES-256-GCM
under the merchant's APIv3 key (PROTOCOL §3). During a rotation two are valid at once; new ones appear 10 days
before the old ones expire. The store keeps every valid one and refreshes on a schedule, and at once when an
answer names a serial it does not know, at most once a minute.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
import json
import os
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .credentials import DEFAULT_BASE_URL
from .errors import AnswerError, ConfigurationError, SignatureVerificationError, WeChatPayError
from .keys import certificate_serial, load_certificate, load_public_key
from .logs import logger
from .signer import MerchantSigner
from .text import shown
from .tracebacks import without_locals
from .verifier import PUBLIC_KEY_ID_PREFIX, ResponseVerifier

CERTIFICATES_PATH = "/v3/certificates"
DEFAULT_REFRESH_INTERVAL = 6 * 3600.0
"""Seconds between scheduled downloads: 6 h, well inside the 5 days two certificates overlap."""
DEFAULT_MIN_INTERVAL = 60.0
"""At most one download a minute, whatever asks for it: a flood of unknown serials is not a flood of downloads."""


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

    def valid_at(self, when: float) -> bool:
        return self.not_before.timestamp() <= when <= self.not_after.timestamp()

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
            ciphertext = base64.b64decode(sealed["ciphertext"], validate=True)
            plain = AESGCM(apiv3_key).decrypt(
                sealed["nonce"].encode(), ciphertext, (sealed.get("associated_data") or "").encode()
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
    client: httpx.Client, signer: MerchantSigner, apiv3_key: bytes, *, now: float | None = None
) -> list[PlatformCertificate] | None:
    """Download, decrypt and check the platform certificates; the valid ones, or None for a merchant with none.

    The download must be signed by one of the certificates it contains, and each certificate valid now; expired
    ones are left out. WeChat Pay answers merchants that only have the public key 404 RESOURCE_NOT_EXISTS.
    """
    headers = {"Authorization": signer.authorization("GET", CERTIFICATES_PATH, b""), "Accept": "application/json"}
    response = client.get(CERTIFICATES_PATH, headers=headers)
    request_id = response.headers.get("Request-ID")
    payload = _json(response, request_id)
    if response.status_code == 404 and payload.get("code") == "RESOURCE_NOT_EXISTS":
        return None
    if not response.is_success:
        raise CertificateError(
            f"{shown(payload.get('code', 'no WeChat error body'), 64)}: {shown(payload.get('message', response.text))}",
            request_id=request_id,
            status_code=response.status_code,
        )
    entries = payload.get("data")
    if not isinstance(entries, list):
        raise CertificateError("the download has no data list", request_id=request_id)
    certificates = decrypt_entries(entries, apiv3_key, request_id)
    try:
        ResponseVerifier({c.serial: c.public_key for c in certificates}).verify(response.headers, response.content)
    except SignatureVerificationError as error:
        raise CertificateError(f"the download is not signed by a certificate it contains: {error.reason}") from None
    when = time.time() if now is None else now
    valid = [c for c in certificates if c.valid_at(when)]
    for expired in sorted({c.serial for c in certificates} - {c.serial for c in valid}):
        logger.info("ignored platform certificate %s: not valid now", expired)
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


class PlatformCertificateStore:
    """Valid platform certificates by serial, downloaded with the merchant's signer and kept fresh.

    ``refresh`` is safe from any number of threads: one download at a time, and a caller that waited while
    another thread refreshed does not download again. ``cache_dir`` keeps the certificates across restarts,
    written atomically and readable by the owner only.
    """

    @without_locals  # the APIv3 key
    def __init__(
        self,
        signer: MerchantSigner,
        apiv3_key: str | bytes,
        *,
        base_url: str = DEFAULT_BASE_URL,
        cache_dir: str | Path | None = None,
        refresh_interval: float = DEFAULT_REFRESH_INTERVAL,
        min_interval: float = DEFAULT_MIN_INTERVAL,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        key = apiv3_key.encode() if isinstance(apiv3_key, str) else apiv3_key
        if len(key) != 32:
            raise ConfigurationError(f"the APIv3 key must be 32 bytes, not {len(key)}")
        self._signer = signer
        self._apiv3_key = key
        self._base_url = base_url
        self._transport = transport
        self._timeout = timeout
        self.refresh_interval = refresh_interval
        self.min_interval = min_interval
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._lock = threading.Lock()
        self._client: httpx.Client | None = None
        # Replaced whole: a reader in another thread sees the old set or the new one, never a mix.
        self._held: Mapping[str, PlatformCertificate] = {}
        self._generation = 0
        self._last_success: float | None = None
        self._last_attempt: float | None = None
        self._downloading = False
        self.downloads = 0
        self.last_error: str | None = None
        self.has_certificates = True  # until WeChat Pay says the merchant has none
        if self.cache_dir is not None:
            self._load_cache(self.cache_dir)

    def __repr__(self) -> str:
        return f"PlatformCertificateStore(serials={sorted(self._held)!r}, base_url={self._base_url!r})"

    @property
    def certificates(self) -> list[PlatformCertificate]:
        return sorted(self._held.values(), key=lambda c: c.not_after)

    @property
    def generation(self) -> int:
        """Counts the downloads that changed what is held: lets a waiting caller see that another refreshed."""
        return self._generation

    def public_key(self, serial: str) -> rsa.RSAPublicKey | None:
        """The key of a certificate held and still valid, or None."""
        held = self._held.get(serial.upper())
        if held is None or not held.valid_at(time.time()):
            return None
        return held.public_key

    def should_refresh(self, serial: str | None) -> bool:
        """True when a scheduled refresh is due, or an answer names a certificate serial not held."""
        now = time.time()
        if self._downloading:
            return True  # wait for it: refresh() returns once the download in progress is done
        if self._rate_limited(now):
            return False
        if self._last_success is None or now - self._last_success >= self.refresh_interval:
            return True
        unknown_certificate = bool(serial) and not str(serial).startswith(PUBLIC_KEY_ID_PREFIX)
        return unknown_certificate and self.public_key(str(serial)) is None

    def _rate_limited(self, now: float) -> bool:
        return self._last_attempt is not None and now - self._last_attempt < self.min_interval

    def refresh(self, *, seen_generation: int | None = None) -> bool:
        """Download now, unless another caller did since ``seen_generation`` or one ran under a minute ago.

        True when new certificates were taken. A failure keeps what is held, logs a warning and sets
        ``last_error``; it raises only through ``refresh_or_raise``.
        """
        return self._refresh(seen_generation, raise_errors=False)

    @without_locals  # the download's frames hold the APIv3 key and its Authorization header
    def refresh_or_raise(self) -> list[PlatformCertificate]:
        """Download now, whatever the schedule; raise CertificateError (or an httpx error) when that fails."""
        self._refresh(None, raise_errors=True, ignore_rate_limit=True)
        return self.certificates

    def _refresh(self, seen_generation: int | None, *, raise_errors: bool, ignore_rate_limit: bool = False) -> bool:
        with self._lock:
            now = time.time()
            if seen_generation is not None and seen_generation != self._generation:
                return False  # another caller refreshed while this one waited for the lock
            if not ignore_rate_limit and self._rate_limited(now):
                return False
            # Set before _last_attempt, cleared after the new certificates are in: a caller that sees the rate
            # limit also sees the download in progress, and waits for it rather than failing.
            self._downloading = True
            try:
                self._last_attempt = now
                self.downloads += 1
                return self._download(now, raise_errors=raise_errors)
            finally:
                self._downloading = False

    def _download(self, now: float, *, raise_errors: bool) -> bool:
        try:
            fetched = fetch_certificates(self._http(), self._signer, self._apiv3_key, now=now)
        except (WeChatPayError, httpx.HTTPError) as error:
            self.last_error = f"{type(error).__name__}: {error}"
            logger.warning("platform certificate refresh failed, keeping %s: %s", sorted(self._held), error)
            if raise_errors:
                raise
            return False
        self.last_error = None
        self._last_success = now
        self.has_certificates = fetched is not None
        if fetched is None:
            logger.info("WeChat Pay has no platform certificates for this merchant (public-key mode)")
        self._take(fetched or [])
        if self.cache_dir is not None:
            self._write_cache(self.cache_dir)
        logger.info("platform certificates refreshed: %s", sorted(self._held))
        return True

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(base_url=self._base_url, transport=self._transport, timeout=self._timeout)
        return self._client

    def _take(self, certificates: list[PlatformCertificate]) -> None:
        self._held = {c.serial: c for c in certificates}
        self._generation += 1

    def _load_cache(self, folder: Path) -> None:
        if not folder.is_dir():
            return
        now = time.time()
        files = sorted(folder.glob("*.pem"))
        cached = [PlatformCertificate(f.stem.upper(), load_certificate(f.read_bytes())) for f in files]
        valid = [c for c in cached if c.valid_at(now) and certificate_serial(c.certificate) == c.serial]
        if valid:
            self._take(valid)
            # The cache is as fresh as its last download: no need to download again before the schedule says so.
            self._last_success = max(f.stat().st_mtime for f in files)

    def _write_cache(self, folder: Path) -> None:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        for certificate in self._held.values():
            descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pem")
            with os.fdopen(descriptor, "wb") as file:  # mkstemp makes it 0600
                file.write(certificate.pem())
            os.replace(temporary, folder / f"{certificate.serial}.pem")
        for stale in folder.glob("*.pem"):
            if stale.stem.upper() not in self._held:
                stale.unlink()
